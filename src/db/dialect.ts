/**
 * What differs between SQLite and PostgreSQL at run time lives here: JSON encoding, how each
 * driver reports a unique-constraint violation, a lost connection or a stale prepared statement,
 * the row locks of claims and check-then-write, and reading a timestamp as a number. The rest of the code writes SQL both engines
 * accept. (Migrations hold their own SQL for each database: they must keep meaning what they
 * meant when they ran.)
 */
import { type Kysely, PostgresAdapter, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { withinDepth } from '../lib/json-depth.ts';

export type DialectName = 'sqlite' | 'postgres';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Always stringify before writing: node-postgres would turn a JS array into a PostgreSQL array
 * literal rather than JSON, and SQLite stores text anyway.
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** Stored JSON as served: a value nested deeper than the API accepts is cut (see lib/json-depth.ts). */
export function decodeJson<T>(value: unknown): T {
  return withinDepth((typeof value === 'string' ? JSON.parse(value) : value) as T);
}

/** True when `error` is a unique-constraint violation from either driver. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/**
 * True when `error` means the database could not be reached (refused, dropped, timed out, shut
 * down) rather than that the request was wrong: the caller should retry later (503).
 */
export function isConnectionError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN)$/.test(code) || /^(08|57P0)/.test(code))) return true;
  return typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}

/**
 * True when PostgreSQL refused to run a named (prepared) statement because a schema change since
 * it was prepared changed the shape of its result (`0A000 cached plan must not change result
 * type`, raised by RevalidateCachedQuery; the routine name is checked because the message is
 * translated by lc_messages). The statement did not run: preparing it anew and running it again
 * is safe (db/postgres-statements.ts does).
 */
export function isStalePlanError(error: unknown): boolean {
  const { code, routine, message } = (error ?? {}) as { code?: unknown; routine?: unknown; message?: unknown };
  return code === '0A000' && (routine === 'RevalidateCachedQuery' || (typeof message === 'string' && /cached plan must not change result type/.test(message)));
}

/** Run a write, turning a unique-constraint violation into the domain error `onDuplicate` makes. */
export async function withUniqueCheck<T>(write: Promise<T>, onDuplicate: () => Error): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw onDuplicate();
    throw error;
  }
}

/**
 * The row lock a work queue's claim needs: on PostgreSQL, `FOR UPDATE SKIP LOCKED` so several
 * workers claim disjoint rows without waiting; SQLite has one writer at a time, so the claim's
 * UPDATE is already exclusive and the clause does not exist there.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function lockForClaim<Q extends SelectQueryBuilder<any, any, any>>(dialect: DialectName, query: Q): Q {
  return dialect === 'postgres' ? (query.forUpdate().skipLocked() as Q) : query;
}

/**
 * A lock on the selected rows until the transaction ends, for a check-then-write that must not
 * interleave with another one: `FOR NO KEY UPDATE` on PostgreSQL (it does not block inserts that
 * merely reference the rows through a foreign key). SQLite's write transactions (BEGIN
 * IMMEDIATE) already exclude every other writer, and the clause does not exist there.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function lockForWrite<Q extends SelectQueryBuilder<any, any, any>>(dialect: DialectName, query: Q): Q {
  return dialect === 'postgres' ? (query.forNoKeyUpdate() as Q) : query;
}

/**
 * A timestamp column read as milliseconds since the epoch (a number), for code that only
 * computes with it. node-postgres answers a timestamptz as a Date it parses from text, which the
 * caller would then turn back into a number: ~3 µs a row of a webhook claim, profiled on a slow
 * host. SQLite stores the ISO text, and julianday() reads it (to well under a millisecond).
 */
export function epochMillis(dialect: DialectName, column: string): RawBuilder<number> {
  const ref = sql.ref(column);
  return dialect === 'postgres' ? sql<number>`(extract(epoch from ${ref}) * 1000)::float8` : sql<number>`(julianday(${ref}) - 2440587.5) * 86400000.0`;
}
