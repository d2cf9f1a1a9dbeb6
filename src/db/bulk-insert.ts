/**
 * Writing and looking up many rows at once, each database its fastest way:
 *
 * - PostgreSQL: one statement per call whatever the row count. A column that varies between rows
 *   is bound as one parameter, its values as a JSON array, and read back side by side
 *   (`insert into t (a, b, c) select u.c0, $2::text, u.c1::jsonb from rows from
 *   (json_array_elements_text($1::json), json_array_elements_text($3::json)) as u(c0, c1)`); a
 *   column with the same value in every row (a bulk's organization, state, options, timestamps)
 *   as one scalar parameter. Lookups are `c = any($1::text[])`. Why JSON rather than PostgreSQL
 *   arrays (`unnest($1::text[])`): node-postgres writes an array literal by escaping every
 *   element in JavaScript, and PostgreSQL's array parser is slower on long elements than its
 *   JSON one; the 10,000 ~1 KB webhook event bodies of a bulk took ~1,250 ms as an array and
 *   ~400 ms as JSON (JSON.stringify of them: ~27 ms, against ~76 ms to build the literal).
 *   Multi-row VALUES bind a parameter per value (at most 65,535 a statement: a 10,000-token bulk
 *   needs 8 statements for its tokens alone), each one a node for Kysely to build and compile and
 *   a value for PostgreSQL to parse. bench/bulk.ts compares these three ways.
 * - SQLite: multi-row VALUES, in chunks under its 32,766 bound parameters: better-sqlite3 binds
 *   values in-process, there is no round trip or parsing to save. The statement is written as
 *   text with the values as a flat parameter list: through Kysely's builder every value became a
 *   query node to parse and compile (~200 ms of ~1.2 s in a profile of a 10,000-address bulk
 *   writing ~50,000 rows).
 *   Lookups are `c in (select value from json_each(?))`: one parameter, and one statement text.
 *
 * A single row always goes as plain VALUES: single create's statement stays short and named.
 */
import { CompiledQuery, type Expression, type Insertable, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { dialectOf } from './dialect.ts';
import { sqlName } from './naming.ts';
import type { Database } from './schema.ts';

/** How a column is stored: text, integer, JSON (written encoded: see encodeJson) or a timestamp (written as an ISO string). */
export type ColumnKind = 'text' | 'integer' | 'json' | 'timestamp';

/** The columns a bulk insert writes, in order, each with how it is stored. */
export type BulkColumns<T extends keyof Database> = Partial<Record<keyof Insertable<Database[T]> & string, ColumnKind>>;

/** The PostgreSQL type of each kind of column, as the migrations create them. */
const POSTGRES_TYPE: Record<ColumnKind, string> = { text: 'text', integer: 'integer', json: 'jsonb', timestamp: 'timestamptz' };

/** Rows per multi-row statement: stays under SQLite's 32,766 bound parameters (and PostgreSQL's 65,535). */
export function chunkSizeFor(columns: number): number {
  return Math.max(1, Math.floor(30_000 / columns));
}

/** `items` in consecutive pieces of at most `size`. */
export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Every row must hold exactly the listed columns: the two paths must not write different ones. */
function assertColumns(table: string, names: readonly string[], row: object): void {
  const keys = Object.keys(row);
  if (keys.length !== names.length || !names.every((name) => Object.hasOwn(row, name))) {
    throw new Error(`bulk insert into ${table}: row columns [${keys.join(', ')}] differ from [${names.join(', ')}]`);
  }
}

export interface BulkInsertOptions<T extends keyof Database> {
  /** `on conflict (…) do nothing` on these columns: rows that would violate that unique key are skipped. */
  skipConflictsOn?: ReadonlyArray<keyof Database[T] & string>;
}

/**
 * Insert `rows` (each holding exactly `columns`' keys) into `table`, in the caller's transaction.
 * Answers how many rows went in (fewer than given only when `skipConflictsOn` skipped some).
 */
export async function insertRows<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  columns: BulkColumns<T>,
  rows: ReadonlyArray<Insertable<Database[T]>>,
  options: BulkInsertOptions<T> = {},
): Promise<number> {
  if (rows.length === 0) return 0;
  const names = Object.keys(columns) as Array<keyof typeof columns & string>;
  assertColumns(table, names, rows[0]!);
  // The table is generic here; the callers' types check their rows and columns.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const untyped = db as unknown as Kysely<any>;
  const conflict = options.skipConflictsOn;
  if (rows.length === 1) {
    let query = untyped.insertInto(table).values(rows[0]!);
    if (conflict) query = query.onConflict((oc) => oc.columns(conflict).doNothing());
    return Number((await query.executeTakeFirst()).numInsertedOrUpdatedRows ?? 0);
  }
  if (dialectOf(db) === 'sqlite') return insertSqliteChunks(db, table, names, rows, conflict);
  // A column with one value in every row (the organization, the state, the timestamps of a
  // bulk) is bound once as a scalar; the others as one JSON array each, read side by side.
  const arrays: RawBuilder<unknown>[] = [];
  const selected = names.map((name) => {
    const type = POSTGRES_TYPE[columns[name]!];
    const first = (rows[0] as Record<string, unknown>)[name] ?? null;
    let constant = true;
    const values = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const value = (rows[i] as Record<string, unknown>)[name] ?? null;
      values[i] = value;
      if (value !== first) constant = false;
    }
    if (constant) return sql`${sql.val(first)}::${sql.raw(type)}`;
    const alias = sql.raw(`c${arrays.length}`);
    arrays.push(sql`json_array_elements_text(${sql.val(JSON.stringify(values, wellFormed))}::json)`);
    return type === 'text' ? sql`u.${alias}` : sql`u.${alias}::${sql.raw(type)}`;
  });
  const source =
    arrays.length > 0
      ? sql`rows from (${sql.join(arrays)}) as u(${sql.raw(arrays.map((_, i) => `c${i}`).join(', '))})`
      : sql`generate_series(1, ${sql.val(rows.length)}::integer)`;
  let query = untyped
    .insertInto(table)
    .columns(names)
    .expression(sql`select ${sql.join(selected)} from ${source}`);
  if (conflict) query = query.onConflict((oc) => oc.columns(conflict).doNothing());
  return Number((await query.executeTakeFirst()).numInsertedOrUpdatedRows ?? 0);
}

/**
 * Text as every other write stores it: a lone UTF-16 surrogate (JSON input may hold one) becomes
 * U+FFFD, as the drivers' UTF-8 encoding makes it, where PostgreSQL's JSON parser would refuse
 * the escape JSON.stringify writes for it.
 */
function wellFormed(_key: string, value: unknown): unknown {
  return typeof value === 'string' && !value.isWellFormed() ? value.toWellFormed() : value;
}

/** SQLite's multi-row INSERTs, written as text (see the top of this file). */
async function insertSqliteChunks(db: Kysely<Database>, table: string, names: readonly string[], rows: ReadonlyArray<object>, conflict: readonly string[] | undefined): Promise<number> {
  const quote = (name: string) => `"${sqlName(name)}"`;
  const head = `insert into ${quote(table)} (${names.map(quote).join(', ')}) values `;
  const tail = conflict ? ` on conflict (${conflict.map(quote).join(', ')}) do nothing` : '';
  const tuple = `(${names.map(() => '?').join(', ')})`;
  let inserted = 0;
  for (const chunk of chunks(rows, chunkSizeFor(names.length))) {
    const parameters: unknown[] = [];
    for (const row of chunk) for (const name of names) parameters.push((row as Record<string, unknown>)[name] ?? null);
    const text = head + Array.from({ length: chunk.length }, () => tuple).join(', ') + tail;
    inserted += Number((await db.executeQuery(CompiledQuery.raw(text, parameters))).numAffectedRows ?? 0);
  }
  return inserted;
}

/**
 * Conditions "`column` is one of `values`" for text values, one per statement to run (today
 * always one): on PostgreSQL `column = any($1::text[])`, on SQLite
 * `column in (select value from json_each(?))`, each with the values as a single parameter
 * whatever their count. A list of `?` would cost a parameter and a query node per value for
 * Kysely to build and compile on the event loop (a webhook batch records 640 ids at a time), and
 * on SQLite a different statement text, to prepare again, for every count. No values: no
 * conditions (nothing to look up).
 */
export function isOneOf(db: Kysely<Database>, column: string, values: readonly string[]): Array<Expression<SqlBool>> {
  if (values.length === 0) return [];
  const ref = sql.ref(column);
  if (dialectOf(db) === 'postgres') return [sql<SqlBool>`${ref} = any(${sql.val(values)}::text[])`];
  return [sql<SqlBool>`${ref} in (select value from json_each(${JSON.stringify(values)}))`];
}
