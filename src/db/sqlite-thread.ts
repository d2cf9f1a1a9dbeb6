/**
 * A second SQLite connection, in a worker thread, for background jobs.
 *
 * better-sqlite3 is synchronous: a statement runs on the calling thread until it is done. The API
 * answers requests from the event loop, where that is right (a request's statements take
 * microseconds). A job runner's statements are different: a webhook batch claims and records 640
 * rows at a time, milliseconds each, and on the event loop those milliseconds stall every request
 * and every delivery in flight. Here the statements are still built by Kysely on the calling
 * thread (so the repositories are the same code on both connections), then run by a worker
 * thread with its own connection to the same file, and their rows come back by message.
 *
 * The two connections are ordinary SQLite connections in WAL mode: readers never wait, and
 * writers take turns through the write lock (BEGIN IMMEDIATE, busy_timeout), as two processes
 * would. The thread starts with the first query (a process that never runs a job never starts
 * it) and is what `DatabaseHandle.jobs` answers on SQLite.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { columnNaming } from './naming.ts';
import { stopWorker } from './stop-worker.ts';
import type { Database } from './schema.ts';

export interface SqliteThreadOptions {
  file: string;
  /** PRAGMA statements run when the connection opens, as `name = value`. */
  pragmas: readonly string[];
  /** Prepared statements kept by SQL text (LRU). */
  statementCacheSize: number;
}

// Plain CommonJS evaluated from this string, so the thread needs no TypeScript loader. Statements
// are prepared once per SQL text; Buffers arrive as Uint8Arrays and are made Buffers again for
// better-sqlite3, which binds only Buffers as blobs.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const connection = new SQLite(workerData.file);
for (const pragma of workerData.pragmas) connection.pragma(pragma);
const statements = new Map();
function prepare(sql) {
  let statement = statements.get(sql);
  if (statement) statements.delete(sql);
  else {
    statement = connection.prepare(sql);
    if (statements.size >= workerData.statementCacheSize) statements.delete(statements.keys().next().value);
  }
  statements.set(sql, statement);
  return statement;
}
const holdsBuffer = (row) => {
  for (const key in row) if (Buffer.isBuffer(row[key])) return true;
  return false;
};
const asBinding = (value) => (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value);
parentPort.on('message', (message) => {
  if (message === 'close') {
    connection.close();
    parentPort.close();
    return;
  }
  try {
    if (message.batch) {
      connection.transaction(() => {
        for (const query of message.batch) {
          const statement = prepare(query.sql);
          const parameters = query.parameters.map(asBinding);
          if (statement.reader) statement.all(parameters);
          else statement.run(parameters);
        }
      }).immediate();
      parentPort.postMessage({ id: message.id, changes: 0n, insertId: 0n });
      return;
    }
    const statement = prepare(message.sql);
    const parameters = message.parameters.map(asBinding);
    if (statement.reader) {
      const rows = statement.all(parameters);
      parentPort.postMessage({ id: message.id, rows, blobs: rows.some(holdsBuffer) });
    } else {
      const { changes, lastInsertRowid } = statement.run(parameters);
      parentPort.postMessage({ id: message.id, changes: BigInt(changes), insertId: BigInt(lastInsertRowid) });
    }
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: { name: error.name, message: error.message, code: error.code } });
  }
});
`;

interface Reply {
  id: number;
  rows?: Record<string, unknown>[];
  /** Whether any of `rows` holds a blob (a Buffer in the thread, a Uint8Array here). */
  blobs?: boolean;
  changes?: bigint;
  insertId?: bigint;
  error?: { name: string; message: string; code?: string };
}

/** An error as the thread reported it, with SQLite's code (SQLITE_CONSTRAINT_UNIQUE, …) kept. */
class SqliteThreadError extends Error {
  readonly code: string | undefined;
  constructor(reported: NonNullable<Reply['error']>) {
    super(reported.message);
    this.name = reported.name;
    this.code = reported.code;
  }
}

/** Values the thread answered as Uint8Array were Buffers there: make them Buffers again. */
function restoreBuffers(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  for (const row of rows) {
    for (const key in row) {
      const value = row[key];
      if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return rows;
}

class ThreadConnection implements DatabaseConnection {
  #worker: Worker;
  #next = 0;
  #waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  #failure: Error | null = null;

  /** The thread died (an error, or it exited): queries in flight failed, and this connection takes no more. */
  get failed(): boolean {
    return this.#failure !== null;
  }

  constructor(options: SqliteThreadOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...options, driver } });
    this.#worker.unref(); // only a query in flight keeps the process alive (see executeQuery)
    this.#worker.on('message', (reply: Reply) => {
      const waiter = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) this.#worker.unref();
      waiter?.resolve(reply);
    });
    const fail = (error: Error) => {
      this.#failure ??= error;
      for (const waiter of this.#waiting.values()) waiter.reject(error);
      this.#waiting.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', () => fail(new Error('the SQLite jobs thread has stopped')));
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const reply = await this.#send({ sql: compiledQuery.sql, parameters: compiledQuery.parameters });
    // Most rows hold no blob: the thread says whether any does, so the event loop does not look.
    if (reply.rows) return { rows: (reply.blobs ? restoreBuffers(reply.rows) : reply.rows) as R[] };
    return { rows: [], numAffectedRows: reply.changes, insertId: reply.insertId };
  }

  /** Run `queries` in one transaction on the thread, in one message: all of them, or none. */
  async executeBatch(queries: readonly CompiledQuery[]): Promise<void> {
    await this.#send({ batch: queries.map((query) => ({ sql: query.sql, parameters: query.parameters })) });
  }

  async #send(message: object): Promise<Reply> {
    if (this.#failure) throw this.#failure;
    const id = this.#next++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.ref();
      this.#worker.postMessage({ id, ...message });
    });
    if (reply.error) throw new SqliteThreadError(reply.error);
    return reply;
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not offered on the jobs connection');
  }

  async close(): Promise<void> {
    if (!this.#failure) await stopWorker(this.#worker);
  }
}

/** One connection, one query at a time: the next waits for the connection's release. */
class ThreadDriver implements Driver {
  readonly #options: SqliteThreadOptions;
  #connection: ThreadConnection | null = null;
  #destroyed = false;
  #queue: Promise<void> = Promise.resolve();
  #release: (() => void) | null = null;

  constructor(options: SqliteThreadOptions) {
    this.#options = options;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue;
    let release!: () => void;
    this.#queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    if (this.#destroyed) {
      release();
      throw new Error('the jobs connection is closed');
    }
    this.#release = release;
    // The thread starts with the first query, and again with the next one if it died: the
    // queries it was running failed (their jobs stay claimable), the ones after go on.
    if (!this.#connection || this.#connection.failed) this.#connection = new ThreadConnection(this.#options);
    return this.#connection;
  }

  /**
   * Refused: a transaction driven from the event loop would hold SQLite's write lock between
   * messages, while a write on the request connection may be blocking that same event loop
   * (synchronously, in busy_timeout) waiting for the lock — neither could go on until the
   * timeout. executeInOneTransaction sends a transaction's statements in one message instead.
   */
  async beginTransaction(): Promise<void> {
    throw new Error('the jobs connection runs no interactive transactions: use executeInOneTransaction (db/sqlite-thread.ts)');
  }

  async commitTransaction(): Promise<void> {}

  async rollbackTransaction(): Promise<void> {}

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = null;
    release?.();
  }

  async destroy(): Promise<void> {
    this.#destroyed = true;
    await this.#connection?.close();
    this.#connection = null;
  }
}

/** SQLite's adapter, marking a Kysely instance (and any made from it) as the jobs thread's. */
class ThreadSqliteAdapter extends SqliteAdapter {
  readonly driver: ThreadDriver;
  constructor(driver: ThreadDriver) {
    super();
    this.driver = driver;
  }
}

class SqliteThreadDialect implements Dialect {
  readonly #driver: ThreadDriver;
  constructor(options: SqliteThreadOptions) {
    this.#driver = new ThreadDriver(options);
  }
  createAdapter() {
    return new ThreadSqliteAdapter(this.#driver);
  }
  createDriver(): Driver {
    return this.#driver;
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
}

/**
 * Run `queries` in one transaction: on the jobs thread in one message (BEGIN IMMEDIATE, each
 * statement, COMMIT, all inside the thread); elsewhere (the request connection, PostgreSQL) as an
 * ordinary transaction. For writes whose statements do not depend on each other's results.
 */
export async function executeInOneTransaction(db: Kysely<Database>, queries: ReadonlyArray<{ compile(): CompiledQuery }>): Promise<void> {
  if (queries.length === 0) return;
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof ThreadSqliteAdapter) {
    // Through the driver's queue, so it waits for (and holds off) the connection's other queries.
    const connection = (await adapter.driver.acquireConnection()) as ThreadConnection;
    try {
      await connection.executeBatch(queries.map((query) => query.compile()));
    } finally {
      await adapter.driver.releaseConnection();
    }
    return;
  }
  await db.transaction().execute(async (trx) => {
    for (const query of queries) await trx.executeQuery(query.compile());
  });
}

/** A Kysely instance over a connection to `options.file` that runs in a worker thread. */
export function openSqliteThread(options: SqliteThreadOptions): Kysely<Database> {
  return new Kysely<Database>({ dialect: new SqliteThreadDialect(options), plugins: [columnNaming()] });
}
