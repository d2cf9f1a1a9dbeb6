/**
 * Opens the one Kysely instance the process uses, chosen from DATABASE_URL. The dialect choice is
 * made here and nowhere else.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
} from 'kysely';
import { columnNaming } from './naming.ts';
import type pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import { makePrivateFolder, touchPrivateFile } from '../lib/private-files.ts';
import { type ChangeNotices, listenForChanges, noChangeNotices } from './change-notices.ts';
import { type DialectName, dialectOf } from './dialect.ts';
import { NamedStatements, openPostgresKysely } from './postgres-statements.ts';
import { BACKSTOP_PAGES, startCheckpointer } from './sqlite-checkpointer.ts';
import { openSqliteThread } from './sqlite-thread.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  /**
   * What background jobs (the webhook worker's claims and records) run their statements on. On
   * SQLite a second connection in a worker thread (db/sqlite-thread.ts), so a batch's statements
   * never hold up the event loop; on PostgreSQL the same pool as `db`.
   */
  jobs: Db;
  dialect: DialectName;
  /** True when the database answers a trivial query (used by /readyz). */
  ping(): Promise<boolean>;
  /** PostgreSQL: the connection pool's counts (the metrics read them); absent on SQLite. */
  poolStats?: () => PoolStats;
  /** Tells the caches when rows they hold changed (PostgreSQL); never listening on SQLite. */
  changeNotices: ChangeNotices;
  close(): Promise<void>;
}

export interface PoolStats {
  /** Connections open (idle or checked out). */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

/** How long a SQLite writer waits for another connection's write lock before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;
/** How often a long-running process refreshes SQLite's planner statistics. */
const SQLITE_OPTIMIZE_INTERVAL_MS = 60 * 60 * 1000;

/** Every SQLite connection's settings: the request connection's and the jobs thread's. */
const SQLITE_PRAGMAS = [
  'journal_mode = WAL',
  // WAL + NORMAL never loses a committed transaction when the process dies (kill -9); only an OS
  // crash or power loss can drop the last commits, which FULL would prevent at an fsync per commit.
  'synchronous = NORMAL',
  'foreign_keys = ON',
  `busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`,
  // Statement journals (opened when a statement fires triggers, as token inserts do) stay in
  // memory: on disk they cost ~50 µs per inserted token. They only ever hold one statement's undo.
  'temp_store = MEMORY',
  // Checkpoints run on a worker thread (sqlite-checkpointer.ts); this one is only the backstop.
  `wal_autocheckpoint = ${BACKSTOP_PAGES}`,
];

function openSqlite(file: string): SQLite.Database {
  // The database holds live enrollment codes. SQLite creates files 0644 (less the umask) but
  // gives a database's -wal, -shm and -journal files the database file's own mode, so creating
  // the file 0600 (in a 0700 folder) before opening it keeps all of them private.
  makePrivateFolder(path.dirname(file));
  touchPrivateFile(file);
  const connection = new SQLite(file);
  for (const pragma of SQLITE_PRAGMAS) connection.pragma(pragma);
  // Planner statistics: without them SQLite may walk a large organization's whole token index
  // for a filter a small index would answer. This is SQLite's recommended open-time call.
  connection.pragma('optimize = 0x10002');
  return connection;
}

/** Connections per process; several API nodes and workers share the server's max_connections. */
const POSTGRES_POOL_SIZE = 10;
/** application_name of each process's change-notice connection, followed by its process id. */
export const CHANGE_LISTENER_NAME = 'enrolld change notices';
/** A query waits this long for a free pooled connection, or for the server to accept one. */
const POSTGRES_CONNECT_TIMEOUT_MS = 5000;

let postgresDriver: typeof pg | undefined;
/**
 * node-postgres, loaded by the first PostgreSQL connection a process opens: an SQLite deployment
 * never needs it (11 MB of memory and ~30 ms of every start, measured on Node 24).
 */
function loadPostgresDriver(): typeof pg {
  if (!postgresDriver) {
    postgresDriver = createRequire(import.meta.url)('pg') as typeof pg;
    // timestamptz and jsonb come back as Date and parsed JSON (toIso / decodeJson accept both);
    // bigint (count(*), bigserial) is parsed as a JS number: our counts are far below 2^53.
    postgresDriver.types.setTypeParser(postgresDriver.types.builtins.INT8, (value) => Number(value));
  }
  return postgresDriver;
}

async function pingWith(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

type PostgresConfig = Extract<DatabaseConfig, { kind: 'postgres' }>;

function openPostgres(config: PostgresConfig, onError: (error: Error) => void): DatabaseHandle {
  const pool = new (loadPostgresDriver().Pool)({
    connectionString: config.url,
    max: POSTGRES_POOL_SIZE,
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
  });
  // Without listeners, a dropped connection surfaces as an unhandled 'error' event — of an idle
  // client (the pool's), or of a client Kysely has checked out between queries (the client's
  // own) — and kills the process. With them the client is discarded and the next query opens a
  // new connection. A test cuts the network under a running server to prove it.
  pool.on('error', onError);
  // Off (ENROLLD_PG_PREPARED_STATEMENTS=false) behind a pooler that hands each transaction to
  // another server connection (PgBouncer in transaction mode): a name prepared on one would be
  // unknown on the next.
  const statements = config.preparedStatements ? new NamedStatements() : null;
  pool.on('connect', (client) => {
    client.on('error', onError);
    statements?.install(client);
  });
  const db = openPostgresKysely(pool, statements);
  const Client = loadPostgresDriver().Client;
  // TCP keepalive: a listening connection the network dropped silently is noticed in the end;
  // the caches' entry lifetime bounds what is served meanwhile. Named with the process id, so
  // an operator (or a test) finds it in pg_stat_activity.
  const listenUrl = config.listenUrl;
  const changeNotices = listenUrl === null ? noChangeNotices() : listenForChanges(
    () =>
      new Client({
        connectionString: listenUrl,
        keepAlive: true,
        connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
        application_name: `${CHANGE_LISTENER_NAME} ${process.pid}`,
      }),
    async () => (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema ?? null,
    onError,
  );
  return {
    db,
    jobs: db,
    dialect: 'postgres',
    ping: () => pingWith(db),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    changeNotices,
    async close() {
      await changeNotices.close();
      await db.destroy();
      if (!pool.ended) await pool.end(); // a pool never queried is not Kysely's to end
    },
  };
}

/** Prepared statements kept per SQLite connection (by SQL text); LRU beyond this many. */
const SQLITE_STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely sees it, with prepared statements reused: Kysely prepares every query
 * anew, and for the short statements of an API request preparing costs as much as running them.
 * A statement is only ever used by one query at a time (SQLite calls are synchronous and Kysely
 * runs one query per connection at a time), so reuse is safe; DDL (migrations) may invalidate
 * statements, which better-sqlite3 then re-prepares itself.
 */
function withStatementCache(connection: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => connection.close(),
    prepare(sqlText: string) {
      let statement = statements.get(sqlText);
      if (statement) {
        statements.delete(sqlText); // re-insert: most recently used last
      } else {
        statement = connection.prepare(sqlText);
        if (statements.size >= SQLITE_STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(sqlText, statement);
      return statement;
    },
  };
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE, taking the write lock up front (waiting up to
 * busy_timeout for another process to finish). Kysely's plain BEGIN starts a read transaction
 * that upgrades at its first write; when another process (a second API node, a worker) committed
 * in between, that upgrade fails at once with SQLITE_BUSY whatever the timeout — a race the
 * cross-process redemption test caught as a 500. Every transaction here writes anyway.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/**
 * `onError` hears about connections the server dropped while idle (PostgreSQL restarts, network
 * cuts); they are logged, never fatal. Queries in flight fail with their own error and later ones
 * reconnect.
 */
export function openDatabase(config: DatabaseConfig, onError: (error: Error) => void = () => undefined): DatabaseHandle {
  if (config.kind === 'postgres') return openPostgres(config, onError);
  const connection = openSqlite(config.file);
  const checkpointer = startCheckpointer(config.file);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(connection) }),
    plugins: [columnNaming()],
  });
  const jobs = openSqliteThread({ file: config.file, pragmas: SQLITE_PRAGMAS, statementCacheSize: SQLITE_STATEMENT_CACHE_SIZE });
  // Through Kysely, so it queues behind any open transaction instead of running inside it.
  const optimizer = setInterval(() => {
    sql`pragma optimize`.execute(db).catch(() => undefined);
  }, SQLITE_OPTIMIZE_INTERVAL_MS).unref();
  return {
    db,
    jobs,
    dialect: dialectOf(db),
    ping: () => pingWith(db),
    changeNotices: noChangeNotices(),
    async close() {
      clearInterval(optimizer);
      await jobs.destroy();
      await checkpointer.close();
      await db.destroy();
    },
  };
}
