/**
 * A real app on a fresh SQLite file for each test file. Tests create their own organizations
 * with the factories, so nothing depends on the order tests run in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createServices, type Services } from '../../src/services.ts';
import { type ConfigSource, loadConfig, type Config } from '../../src/config.ts';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createTestDatabase, ON_POSTGRES } from './database.ts';

export const ROOT_KEY = 'test-root-key-0123456789abcdef';
/** PostgreSQL requires ENROLLD_SECRET_KEY (on SQLite tests let enrolld generate its own). */
export const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdef-0123';

export interface TestContext {
  app: FastifyInstance;
  database: DatabaseHandle;
  config: Config;
  /** The app's services (their `metrics` is what the app's /metrics shows). */
  services: Services;
  dir: string;
  close(): Promise<void>;
}

export async function createTestContext(env: ConfigSource = {}, logStream?: NodeJS.WritableStream): Promise<TestContext> {
  const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-test-'));
  const testDatabase = await createTestDatabase(dir);
  const config = loadConfig({
    DATABASE_URL: testDatabase.url,
    ENROLLD_ROOT_KEY: ROOT_KEY,
    ...(ON_POSTGRES ? { ENROLLD_SECRET_KEY: TEST_SECRET_KEY } : {}),
    ENROLLD_DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  const services = createServices(database, config);
  const app = await buildApp({ config, database, logStream, services });
  return {
    app,
    database,
    config,
    services,
    dir,
    async close() {
      await app.close();
      await database.close();
      await testDatabase.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
