/**
 * Opens the one Kysely instance the process uses, chosen from DATABASE_URL. The dialect choice is
 * made here and nowhere else.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CamelCasePlugin,
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
} from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import { type DialectName, dialectOf } from './dialect.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: DialectName;
  /** True when the database answers a trivial query (used by /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** How long a SQLite writer waits for another connection's write lock before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;
/** How often a long-running process refreshes SQLite's planner statistics. */
const SQLITE_OPTIMIZE_INTERVAL_MS = 60 * 60 * 1000;

function openSqlite(file: string): SQLite.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  // WAL + NORMAL never loses a committed transaction when the process dies (kill -9); only an OS
  // crash or power loss can drop the last commits, which FULL would prevent at an fsync per commit.
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // Statement journals (opened when a statement fires triggers, as token inserts do) stay in
  // memory: on disk they cost ~50 µs per inserted token. They only ever hold one statement's undo.
  connection.pragma('temp_store = MEMORY');
  // Planner statistics: without them SQLite may walk a large organization's whole token index
  // for a filter a small index would answer. This is SQLite's recommended open-time call.
  connection.pragma('optimize = 0x10002');
  return connection;
}

/** Connections per process; several API nodes and workers share the server's max_connections. */
const POSTGRES_POOL_SIZE = 10;
/** A query waits this long for a free pooled connection, or for the server to accept one. */
const POSTGRES_CONNECT_TIMEOUT_MS = 5000;

// timestamptz and jsonb come back as Date and parsed JSON (toIso / decodeJson accept both);
// bigint (count(*), bigserial) is parsed as a JS number: our counts are far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

async function pingWith(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** Server-side prepared statements kept per PostgreSQL connection (short statements only). */
const POSTGRES_PREPARED_PER_CONNECTION = 300;
const POSTGRES_PREPARED_MAX_SQL_LENGTH = 4000;

/**
 * Kysely sends every query unnamed, so PostgreSQL parses and plans it on every execution. Giving
 * the short, repeated statements of the API a name (a hash of their text) makes node-postgres
 * prepare each once per connection and then only bind and execute it. Long or one-off texts
 * (multi-row bulk inserts, big IN lists) stay unnamed, and each connection names at most
 * POSTGRES_PREPARED_PER_CONNECTION statements, so server memory stays bounded.
 */
function usePreparedStatements(client: pg.PoolClient): void {
  const named = new Set<string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || text.length > POSTGRES_PREPARED_MAX_SQL_LENGTH || !Array.isArray(values)) return query(text, values, callback);
    const name = `enrolld_${createHash('sha1').update(text).digest('base64url')}`;
    if (!named.has(name)) {
      if (named.size >= POSTGRES_PREPARED_PER_CONNECTION || /^\s*(create|alter|drop|begin|commit|rollback|savepoint|release)\b/i.test(text)) return query(text, values, callback);
      named.add(name);
    }
    return query({ name, text, values }, callback);
  };
}

function openPostgres(url: string, onError: (error: Error) => void): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: POSTGRES_POOL_SIZE,
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
  });
  // Without listeners, a dropped connection surfaces as an unhandled 'error' event — of an idle
  // client (the pool's), or of a client Kysely has checked out between queries (the client's
  // own) — and kills the process. With them the client is discarded and the next query opens a
  // new connection. A test cuts the network under a running server to prove it.
  pool.on('error', onError);
  pool.on('connect', (client) => {
    client.on('error', onError);
    usePreparedStatements(client);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
  return { db, dialect: 'postgres', ping: () => pingWith(db), close: () => db.destroy() };
}

/**
 * `onError` hears about connections the server dropped while idle (PostgreSQL restarts, network
 * cuts); they are logged, never fatal. Queries in flight fail with their own error and later ones
 * reconnect.
 */
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

export function openDatabase(config: DatabaseConfig, onError: (error: Error) => void = () => undefined): DatabaseHandle {
  if (config.kind === 'postgres') return openPostgres(config.url, onError);
  const connection = openSqlite(config.file);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(connection) }),
    plugins: [new CamelCasePlugin()],
  });
  // Through Kysely, so it queues behind any open transaction instead of running inside it.
  const optimizer = setInterval(() => {
    sql`pragma optimize`.execute(db).catch(() => undefined);
  }, SQLITE_OPTIMIZE_INTERVAL_MS).unref();
  return {
    db,
    dialect: dialectOf(db),
    ping: () => pingWith(db),
    async close() {
      clearInterval(optimizer);
      await db.destroy();
    },
  };
}
