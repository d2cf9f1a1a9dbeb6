/**
 * Migrations live in code (src/db/migrations), are listed here in order, and are applied on
 * start-up and by `enrolld migrate`. Kysely's migrator records what ran and takes a lock, so two
 * processes starting at once do not both migrate.
 */
import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator, sql } from 'kysely';
import type { Db } from './database.ts';
import { dialectOf } from './dialect.ts';
import * as foundation from './migrations/0001_foundation.ts';
import * as enrollmentTokens from './migrations/0002_enrollment_tokens.ts';
import * as emailOutbox from './migrations/0003_email_outbox.ts';
import * as redemption from './migrations/0004_redemption.ts';
import * as appleEnrollment from './migrations/0005_apple_enrollment.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_enrollment_tokens': enrollmentTokens,
  '0003_email_outbox': emailOutbox,
  '0004_redemption': redemption,
  '0005_apple_enrollment': appleEnrollment,
};

const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

export interface MigrationReport {
  applied: string[];
}

/**
 * Kysely looks for its bookkeeping tables in every schema unless told which one; on PostgreSQL
 * that is the connection's current schema (search_path), so each schema migrates on its own.
 */
async function migrationTableSchema(db: Db): Promise<string | undefined> {
  if (dialectOf(db) !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema;
}

export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider, migrationTableSchema: await migrationTableSchema(db) });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
