/**
 * Which database a test run uses. `npm test` runs every file on SQLite; when TEST_DATABASE_URL is
 * set it runs them again with ENROLLD_TEST_DIALECT=postgres, and each test context then gets its
 * own PostgreSQL schema (so files run in parallel without seeing each other's rows), dropped when
 * the context closes.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

export const ON_POSTGRES = process.env.ENROLLD_TEST_DIALECT === 'postgres';

export interface TestDatabase {
  /** DATABASE_URL for the app or a child process. */
  url: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('ENROLLD_TEST_DIALECT=postgres needs TEST_DATABASE_URL');
  return url;
}

/** `work` on a client of its own (closed afterwards) at `url`. */
export async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh schema of the PostgreSQL database at `url`, named `<prefix>_<random>`, as a
 * DATABASE_URL whose search_path points at it (the benchmarks use it too).
 */
export async function createSchemaDatabase(url: string, prefix: string): Promise<TestDatabase> {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withAdmin(url, (client) => client.query(`create schema ${schema}`));
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: scoped.toString(),
    drop: () => withAdmin(url, (client) => client.query(`drop schema if exists ${schema} cascade`)).then(() => undefined),
  };
}

/** A fresh, empty database for one test context: a SQLite file in `dir`, or a PostgreSQL schema. */
export async function createTestDatabase(dir: string): Promise<TestDatabase> {
  if (!ON_POSTGRES) return { url: `sqlite:${path.join(dir, 'enrolld.sqlite')}`, drop: async () => undefined };
  return createSchemaDatabase(adminUrl(), `test_${process.pid}`);
}
