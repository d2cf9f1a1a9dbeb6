/**
 * The API's OpenAPI document as the server publishes it at /openapi.json, built in-process on a
 * throwaway SQLite database: `node scripts/openapi.ts [file]` writes it (to stdout without a
 * file). The lint test and the TypeScript client's generator read it from here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

/** The document's `servers` entry: where the README's examples run. */
const EXAMPLE_PUBLIC_URL = 'http://127.0.0.1:8080';

export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-openapi-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, ENROLLD_DATA_DIR: dir, ENROLLD_PUBLIC_URL: EXAMPLE_PUBLIC_URL, LOG_LEVEL: 'silent' });
  const database = openDatabase(config.database);
  try {
    await migrateToLatest(database.db);
    const app = await buildApp({ config, database });
    try {
      return JSON.parse(JSON.stringify(await app.openApiDocument())) as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = `${JSON.stringify(await buildOpenApiDocument(), null, 2)}\n`;
  const file = process.argv[2];
  if (file) writeFileSync(file, text);
  else process.stdout.write(text);
}
