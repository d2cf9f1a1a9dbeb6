/**
 * Named (server-side prepared) statements on PostgreSQL, and what keeps them working while a
 * migration changes the tables under a running node — a rolling upgrade, where nodes of the
 * previous version keep serving while the next version migrates.
 *
 * Kysely sends every query unnamed, so PostgreSQL parses and plans it on every execution. Giving
 * the short, repeated statements of the API a name (a hash of their text) makes node-postgres
 * prepare each once per connection and then only bind and execute it. Long or one-off texts
 * (multi-row bulk inserts, big IN lists) stay unnamed, and each connection names at most
 * PREPARED_PER_CONNECTION statements, so server memory stays bounded.
 *
 * A named statement's result columns are fixed when it is prepared. Statements reading `*` stay
 * unnamed (prepared queries may not read `*` at all), so a migration that adds a column changes
 * nothing for the named ones. A change that still alters a prepared result (a column's type)
 * makes PostgreSQL refuse the statement (isStalePlanError) without running it; then every name of
 * the pool is retired, and the one query — or the whole transaction, since the refusal aborted
 * it — runs once more, its statements prepared anew.
 */
import { createHash } from 'node:crypto';
import {
  type ConnectionProvider,
  type DatabaseConnection,
  type Dialect,
  Kysely,
  type KyselyConfig,
  PostgresDialect,
  PostgresDriver,
  type QueryExecutor,
} from 'kysely';
import { columnNaming } from './naming.ts';
import type pg from 'pg';
import { isStalePlanError } from './dialect.ts';
import { readsEveryColumn } from './prepared.ts';
import type { Database } from './schema.ts';

/** Server-side prepared statements kept per PostgreSQL connection (short statements only). */
const PREPARED_PER_CONNECTION = 300;
const PREPARED_MAX_SQL_LENGTH = 4000;

type Query = (...args: unknown[]) => unknown;

function isNameable(text: unknown, values: unknown): text is string {
  return (
    typeof text === 'string' &&
    text.length <= PREPARED_MAX_SQL_LENGTH &&
    Array.isArray(values) &&
    !/^\s*(create|alter|drop|begin|commit|rollback|savepoint|release)\b/i.test(text) &&
    !readsEveryColumn(text)
  );
}

/** Texts whose verdict (unnamed, or the digest that names them) is remembered; cleared when full. */
const DIGESTS_REMEMBERED = 2000;

/** The names given to statements on every connection of one pool. */
export class NamedStatements {
  /**
   * Per SQL text: null when it stays unnamed, else the digest its name ends with. The API sends a
   * few dozen distinct texts; testing and hashing each on every execution cost ~3 % of an
   * enrollment page's CPU.
   */
  readonly #digests = new Map<string, string | null>();

  /** Part of every name; raised when a statement turned stale, so every name is prepared anew. */
  #generation = 0;

  /**
   * Prepare every statement anew, under new names, on every connection (a schema change outdated
   * one). The old ones are not deallocated — an SQL DEALLOCATE would also drop what a pooler such
   * as PgBouncer prepared for itself — but they still count towards the connection's bound, and
   * go when it closes.
   */
  retire(): void {
    this.#generation += 1;
  }

  #digestOf(text: string, values: unknown[]): string | null {
    if (text.length > PREPARED_MAX_SQL_LENGTH) return null; // long texts are neither named nor remembered
    let digest = this.#digests.get(text);
    if (digest === undefined) {
      digest = isNameable(text, values) ? createHash('sha1').update(text).digest('base64url') : null;
      if (this.#digests.size >= DIGESTS_REMEMBERED) this.#digests.clear();
      this.#digests.set(text, digest);
    }
    return digest;
  }

  /** Make `client` send nameable statements as named ones. */
  install(client: pg.PoolClient): void {
    const named = new Set<string>();
    const query = client.query.bind(client) as Query;
    (client as unknown as { query: Query }).query = (text: unknown, values?: unknown, callback?: unknown) => {
      const digest = typeof text === 'string' && Array.isArray(values) ? this.#digestOf(text, values) : null;
      if (digest === null) return query(text, values, callback);
      const name = `enrolld_${this.#generation}_${digest}`;
      if (!named.has(name)) {
        if (named.size >= PREPARED_PER_CONNECTION) return query(text, values, callback);
        named.add(name);
      }
      return query({ name, text, values }, callback);
    };
  }
}

/**
 * Hands out connections for one unit of work — a query, or a transaction with its callback — and
 * runs the unit once more when PostgreSQL refused a stale statement. The refused statement did not
 * run, and a refused transaction was rolled back, so nothing is done twice; a transaction's
 * callback, though, may run twice, so it keeps its effects inside the database (as callbacks
 * here do: mail is queued in the outbox, not sent).
 */
class StalePlanRetry implements ConnectionProvider {
  readonly #pool: QueryExecutor;
  readonly #onStalePlan: () => void;
  constructor(pool: QueryExecutor, onStalePlan: () => void) {
    this.#pool = pool;
    this.#onStalePlan = onStalePlan;
  }

  async provideConnection<T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    try {
      return await this.#pool.provideConnection(consumer);
    } catch (error) {
      if (!isStalePlanError(error)) throw error;
      this.#onStalePlan();
      return this.#pool.provideConnection(consumer);
    }
  }
}

/**
 * A Kysely instance over `pool` whose queries and transactions survive stale statements (see
 * StalePlanRetry). Kysely builds its executor inside its constructor; this swaps in the retrying
 * connection provider through its public executor and props interfaces.
 */
export function openPostgresKysely(pool: pg.Pool, statements: NamedStatements | null): Kysely<Database> {
  const driver = new PostgresDriver({ pool });
  const postgres = new PostgresDialect({ pool });
  const dialect: Dialect = {
    createDriver: () => driver,
    createAdapter: () => postgres.createAdapter(),
    createQueryCompiler: () => postgres.createQueryCompiler(),
    createIntrospector: (db) => postgres.createIntrospector(db),
  };
  const config: KyselyConfig = { dialect, plugins: [columnNaming()] };
  const executor = new Kysely<Database>(config).getExecutor();
  const retrying = executor.withConnectionProvider(new StalePlanRetry(executor, () => statements?.retire()));
  return new Kysely<Database>({ config, dialect, driver, executor: retrying });
}
