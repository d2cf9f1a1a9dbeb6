/**
 * Everything that differs between SQLite and PostgreSQL lives here: column types in migrations,
 * JSON encoding, and how each driver reports a unique-constraint violation, a lost connection or
 * a stale prepared statement. The rest of the code
 * writes SQL both engines accept.
 */
import { type Kysely, PostgresAdapter, type SelectQueryBuilder } from 'kysely';
import { withinDepth } from '../lib/json-depth.ts';

export type DialectName = 'sqlite' | 'postgres';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export interface ColumnTypes {
  json: 'text' | 'jsonb';
  timestamp: 'text' | 'timestamptz';
  /** An integer primary key the database numbers itself. */
  serial: 'integer' | 'serial';
}

export function columnTypes(dialect: DialectName): ColumnTypes {
  return dialect === 'postgres'
    ? { json: 'jsonb', timestamp: 'timestamptz', serial: 'serial' }
    : { json: 'text', timestamp: 'text', serial: 'integer' };
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

export interface CounterSpec {
  /** The counted table and the counter table (key columns + `n`). */
  table: string;
  counterTable: string;
  /** Columns that key a count (all NOT NULL in `table`, and the counter table's primary key). */
  keyColumns: string[];
  /** The column whose changes move a row from one count to another. */
  stateColumn: string;
}

/**
 * Triggers that keep `counterTable` equal to `SELECT keyColumns, count(*) … GROUP BY keyColumns`
 * through every insert, delete (cascades included) and state change, so lists can answer
 * `totalDocs` without counting a million rows. SQLite and PostgreSQL write triggers differently;
 * both versions live here.
 */
export function counterTriggerStatements(dialect: DialectName, spec: CounterSpec): string[] {
  const { table, counterTable, keyColumns, stateColumn } = spec;
  const cols = keyColumns.join(', ');
  const increment = (row: 'new' | 'NEW') =>
    `insert into ${counterTable} (${cols}, n) values (${keyColumns.map((c) => `${row}.${c}`).join(', ')}, 1) ` +
    `on conflict (${cols}) do update set n = ${counterTable}.n + 1`;
  const decrement = (row: 'old' | 'OLD') =>
    `update ${counterTable} set n = n - 1 where ${keyColumns.map((c) => `${c} = ${row}.${c}`).join(' and ')}`;
  if (dialect === 'sqlite') {
    return [
      `create trigger ${table}_count_insert after insert on ${table} begin ${increment('new')}; end`,
      `create trigger ${table}_count_delete after delete on ${table} begin ${decrement('old')}; end`,
      `create trigger ${table}_count_update after update of ${stateColumn} on ${table} when old.${stateColumn} is not new.${stateColumn} ` +
        `begin ${decrement('old')}; ${increment('new')}; end`,
    ];
  }
  // PostgreSQL: statement-level triggers over transition tables, so a 10,000-row bulk insert
  // costs one grouped upsert instead of 10,000 row-level trigger calls. Transition tables cannot
  // be combined with several events or a column list, hence one trigger per event; the update
  // trigger counts only rows whose state changed (joined on the primary key `id`).
  const grouped = (rows: string) => `select ${cols}, count(*) as k from ${rows} group by ${cols}`;
  const add = (rows: string) =>
    `insert into ${counterTable} (${cols}, n) ${grouped(rows)} on conflict (${cols}) do update set n = ${counterTable}.n + excluded.n`;
  const subtract = (rows: string) =>
    `update ${counterTable} c set n = c.n - d.k from (${grouped(rows)}) d where ${keyColumns.map((col) => `c.${col} = d.${col}`).join(' and ')}`;
  const changed = (side: 'o' | 'n') =>
    `(select ${side}.* from old_rows o join new_rows n on n.id = o.id where o.${stateColumn} is distinct from n.${stateColumn}) as changed_${side}`;
  const fn = (name: string, body: string) => `create function ${name}() returns trigger language plpgsql as $$ begin ${body}; return null; end $$`;
  return [
    fn(`${table}_count_insert`, add('new_rows')),
    fn(`${table}_count_delete`, subtract('old_rows')),
    fn(`${table}_count_update`, `${subtract(changed('o'))}; ${add(changed('n'))}`),
    `create trigger ${table}_count_insert after insert on ${table} referencing new table as new_rows for each statement execute function ${table}_count_insert()`,
    `create trigger ${table}_count_delete after delete on ${table} referencing old table as old_rows for each statement execute function ${table}_count_delete()`,
    `create trigger ${table}_count_update after update on ${table} referencing old table as old_rows new table as new_rows for each statement execute function ${table}_count_update()`,
  ];
}

/** Counter rows per key on PostgreSQL (see shardedCounterFunctions). */
export const COUNTER_SHARDS = 16;

/**
 * PostgreSQL's counter functions over sharded counter rows (migration 0006). With one row per
 * key, every create and redeem of an organization updated the same counter row and waited for
 * the previous transaction's commit to release it (measured: 7 of 10 backends in
 * Lock:transactionid under 10 concurrent redeems). Each backend now adds its deltas — negative
 * for deletes and state changes — to its own shard (`pg_backend_pid() % COUNTER_SHARDS`), and
 * readers sum the shards of a key (they always summed per state). Returns `create or replace
 * function` statements: the triggers of counterTriggerStatements keep calling them by name.
 * SQLite has one writer at a time and keeps a single row per key (shard 0).
 */
export function shardedCounterFunctions(spec: CounterSpec): string[] {
  const { table, counterTable, keyColumns, stateColumn } = spec;
  const cols = keyColumns.join(', ');
  const upsert = `on conflict (${cols}, shard) do update set n = ${counterTable}.n + excluded.n`;
  const shard = `(pg_backend_pid() % ${COUNTER_SHARDS})::smallint`;
  const add = (rows: string) => `insert into ${counterTable} (${cols}, shard, n) select ${cols}, ${shard}, count(*) from ${rows} group by ${cols} ${upsert}`;
  // A key without counter rows was removed with its parent (a cascading organization delete):
  // there is nothing left to subtract from, and a new row would reference a deleted parent.
  const subtract = (rows: string, alias: string) =>
    `insert into ${counterTable} (${cols}, shard, n) select ${cols}, ${shard}, -count(*) from ${rows} ` +
    `where exists (select 1 from ${counterTable} c where ${keyColumns.map((col) => `c.${col} = ${alias}.${col}`).join(' and ')}) group by ${cols} ${upsert}`;
  const changed = (side: 'o' | 'n') =>
    `(select ${side}.* from old_rows o join new_rows n on n.id = o.id where o.${stateColumn} is distinct from n.${stateColumn}) as changed_${side}`;
  const fn = (name: string, body: string) => `create or replace function ${name}() returns trigger language plpgsql as $$ begin ${body}; return null; end $$`;
  return [
    fn(`${table}_count_insert`, add('new_rows')),
    fn(`${table}_count_delete`, subtract('old_rows', 'old_rows')),
    fn(`${table}_count_update`, `${subtract(changed('o'), 'changed_o')}; ${add(changed('n'))}`),
  ];
}

/**
 * Tag rows carry their token's platform, state and expiry (migration 0007), so a tag filter's
 * totalDocs is counted from the tag index alone instead of one token lookup per match. These
 * triggers copy a token's state and expiry to its tag rows whenever either changes.
 */
export function tagSyncStatements(dialect: DialectName): string[] {
  if (dialect === 'sqlite') {
    return [
      'create trigger enrollment_tokens_tag_sync after update of state, expire_at on enrollment_tokens ' +
        'when old.state is not new.state or old.expire_at is not new.expire_at ' +
        'begin update enrollment_token_tags set state = new.state, expire_at = new.expire_at where token_id = new.id; end',
    ];
  }
  // A row-level trigger with a column list and WHEN, unlike the counters: it costs nothing for the
  // updates that change neither column (email status, edits), which are most of them.
  return [
    'create function enrollment_tokens_tag_sync() returns trigger language plpgsql as $$ begin ' +
      'update enrollment_token_tags set state = new.state, expire_at = new.expire_at where token_id = new.id; return null; end $$',
    'create trigger enrollment_tokens_tag_sync after update of state, expire_at on enrollment_tokens for each row ' +
      'when (old.state is distinct from new.state or old.expire_at is distinct from new.expire_at) execute function enrollment_tokens_tag_sync()',
  ];
}

/** Undo tagSyncStatements. */
export function dropTagSyncStatements(dialect: DialectName): string[] {
  return dialect === 'sqlite'
    ? ['drop trigger enrollment_tokens_tag_sync']
    : ['drop trigger enrollment_tokens_tag_sync on enrollment_tokens', 'drop function enrollment_tokens_tag_sync()'];
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
