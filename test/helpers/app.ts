/**
 * A real app on a fresh SQLite file for each test file. Tests create their own organizations
 * with the factories, so nothing depends on the order tests run in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type ConfigSource, loadConfig, type Config } from '../../src/config.ts';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

export const ROOT_KEY = 'test-root-key-0123456789abcdef';

export interface TestContext {
  app: FastifyInstance;
  database: DatabaseHandle;
  config: Config;
  dir: string;
  close(): Promise<void>;
}

export async function createTestContext(env: ConfigSource = {}, logStream?: NodeJS.WritableStream): Promise<TestContext> {
  const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-test-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${path.join(dir, 'enrolld.sqlite')}`,
    ENROLLD_ROOT_KEY: ROOT_KEY,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  const app = await buildApp({ config, database, logStream });
  return {
    app,
    database,
    config,
    dir,
    async close() {
      await app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
