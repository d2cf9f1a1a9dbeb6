/**
 * Which database a benchmark runs on: SQLite files in a temporary folder by default, or — with
 * BENCH_DATABASE_URL=postgres://… — a fresh schema of that PostgreSQL database per measurement,
 * dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? '';
export const ON_POSTGRES = BENCH_DATABASE_URL.startsWith('postgres');
export const BENCH_SECRET_KEY = 'bench-secret-key-0123456789abcdef-0123';

export interface BenchDatabase {
  url: string;
  /** PostgreSQL: the schema, for a driver-level ceiling to set its search_path. */
  schema: string | null;
  drop(): Promise<void>;
}

export async function benchDatabase(dir: string, name: string): Promise<BenchDatabase> {
  if (!ON_POSTGRES) return { url: `sqlite:${path.join(dir, `${name}.sqlite`)}`, schema: null, drop: async () => undefined };
  const schema = `bench_${name.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(BENCH_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** Extra settings PostgreSQL requires. */
export const postgresEnv = () => (ON_POSTGRES ? { ENROLLD_SECRET_KEY: BENCH_SECRET_KEY } : {});

export const databaseLabel = () => (ON_POSTGRES ? 'PostgreSQL' : 'SQLite (WAL, synchronous=NORMAL)');
