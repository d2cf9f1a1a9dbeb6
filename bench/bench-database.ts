/**
 * Which database a benchmark runs on: SQLite files in a temporary folder by default, or — with
 * BENCH_DATABASE_URL=postgres://… — a fresh schema of that PostgreSQL database per measurement,
 * dropped afterwards.
 */
import path from 'node:path';
import { createSchemaDatabase, type TestDatabase } from '../test/helpers/database.ts';

const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? '';
export const ON_POSTGRES = BENCH_DATABASE_URL.startsWith('postgres');
const BENCH_SECRET_KEY = 'bench-secret-key-0123456789abcdef-0123';

export async function benchDatabase(dir: string, name: string): Promise<TestDatabase> {
  if (!ON_POSTGRES) return { url: `sqlite:${path.join(dir, `${name}.sqlite`)}`, drop: async () => undefined };
  return createSchemaDatabase(BENCH_DATABASE_URL, `bench_${name.replace(/\W/g, '_')}`);
}

/** Extra settings PostgreSQL requires. */
export const postgresEnv = () => (ON_POSTGRES ? { ENROLLD_SECRET_KEY: BENCH_SECRET_KEY } : {});

export const databaseLabel = () => (ON_POSTGRES ? 'PostgreSQL' : 'SQLite (WAL, synchronous=NORMAL)');
