/**
 * Queries built and compiled once, then run many times with new values.
 *
 * Kysely builds an operation tree, runs the plugins over it and compiles it to SQL on every call.
 * On the API's hot paths (the key lookup of every request, single create, the enrollment page,
 * redeem) that cost about as much CPU as the database running the statement (measured with
 * --cpu-prof: a quarter of a create's CPU). A prepared query is built once per dialect with named
 * placeholders in place of the values, compiled, and from then on only has its values filled in.
 * The SQL text never changes, so SQLite's statement cache and PostgreSQL's named statements
 * (db/database.ts) reuse their plans too. Results still pass through the plugins (camelCase).
 *
 *   const findUser = prepareQuery((db, a: { organizationId: string; id: string }) =>
 *     db.selectFrom('mdmUsers').select('id').where('organizationId', '=', a.organizationId).where('id', '=', a.id));
 *   const user = await findUser.first(trx, { organizationId, id });
 *
 * A placeholder must be used as a plain value (a comparison operand, an inserted or updated value,
 * a `sql` template value). The first compile checks that every placeholder the builder read became
 * a parameter, so a builder that branches on a value (which would fix the SQL for every later call)
 * is refused. Lists cannot be placeholders: an `in` list's length is part of the SQL.
 *
 * A prepared query names every column it reads: `selectAll()` / `returningAll()` are refused at the
 * first compile. On PostgreSQL a named statement's result columns are fixed when it is prepared;
 * one reading `*` answers `0A000 cached plan must not change result type` on every warm connection
 * once a migration adds a column — on a rolling upgrade, every node still running the previous
 * version would fail its requests.
 */
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import { type DialectName, dialectOf } from './dialect.ts';
import type { Db } from './database.ts';


/**
 * True when a statement reads or returns `*` (`select *`, `select "k".*`, `returning *`), so that
 * its result columns are those the tables have when it is prepared. `count(*)` is not that.
 */
export function readsEveryColumn(sqlText: string): boolean {
  return /\b(select|returning)\s+(distinct\s+)?\*|\.\*|,\s*\*/i.test(sqlText);
}

/** Stands for the value named `name` until the query runs. */
class Placeholder {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

interface Template {
  sql: string;
  query: CompiledQuery['query'];
  queryId: CompiledQuery['queryId'];
  /** For each parameter, the argument it takes, or the constant the builder put there. */
  slots: ReadonlyArray<{ name: string } | { value: unknown }>;
}

export interface PreparedQuery<Args, Row> {
  /** Every row. */
  all(db: Db, args: Args): Promise<Row[]>;
  /** The first row, or undefined. */
  first(db: Db, args: Args): Promise<Row | undefined>;
  /** Rows inserted, updated or deleted. */
  run(db: Db, args: Args): Promise<number>;
}

function compileTemplate<Args>(db: Db, build: (db: Db, args: Args) => Compilable<unknown>): Template {
  const used = new Set<string>();
  const args = new Proxy({} as Record<string, Placeholder>, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      used.add(name);
      return new Placeholder(name);
    },
  }) as unknown as Args;
  const compiled = build(db, args).compile();
  if (readsEveryColumn(compiled.sql)) {
    throw new Error(`prepared query: name the columns it reads (select or return *: its result would change when a table gains a column)\n${compiled.sql}`);
  }
  const found: string[] = [];
  const slots = compiled.parameters.map((value) => {
    if (value instanceof Placeholder) {
      found.push(value.name);
      return { name: value.name };
    }
    return { value };
  });
  if (new Set(found).size !== used.size) {
    throw new Error(`prepared query: placeholders [${[...used]}] compiled to parameters [${found}]; use them as plain values\n${compiled.sql}`);
  }
  return { sql: compiled.sql, query: compiled.query, queryId: compiled.queryId, slots };
}

export function prepareQuery<Args extends object, Row>(build: (db: Db, args: Args) => Compilable<Row>): PreparedQuery<Args, Row> {
  const templates = new Map<DialectName, Template>();

  function execute(db: Db, args: Args): Promise<QueryResult<Row>> {
    const dialect = dialectOf(db);
    let template = templates.get(dialect);
    if (!template) {
      template = compileTemplate(db, build);
      templates.set(dialect, template);
    }
    const parameters = template.slots.map((slot) => ('name' in slot ? (args as Record<string, unknown>)[slot.name] : slot.value));
    return db.executeQuery<Row>({ sql: template.sql, parameters, query: template.query, queryId: template.queryId });
  }

  return {
    async all(db, args) {
      return (await execute(db, args)).rows;
    },
    async first(db, args) {
      return (await execute(db, args)).rows[0];
    },
    async run(db, args) {
      return Number((await execute(db, args)).numAffectedRows ?? 0n);
    },
  };
}

/**
 * The inserted row of a prepared insert: each listed column takes the argument of its name.
 * (Inserting the placeholder object itself would not do: Kysely reads its columns from the keys.)
 */
export function columnsOf<Args extends object, Column extends keyof Args & string>(args: Args, columns: readonly Column[]): Pick<Args, Column> {
  return Object.fromEntries(columns.map((column) => [column, args[column]])) as Pick<Args, Column>;
}
