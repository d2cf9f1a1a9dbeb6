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
import * as counterShards from './migrations/0006_counter_shards.ts';
import * as tagFilterColumns from './migrations/0007_tag_filter_columns.ts';
import * as sendingLimits from './migrations/0008_sending_limits.ts';
import * as changeNotices from './migrations/0009_change_notices.ts';
import * as webhooks from './migrations/0010_webhooks.ts';
import * as schemaScopedNotices from './migrations/0011_schema_scoped_notices.ts';
import * as mdmIntegrations from './migrations/0012_mdm_integrations.ts';
import * as androidManagement from './migrations/0013_android_management.ts';
import * as idempotencyKeys from './migrations/0014_idempotency_keys.ts';
import * as defaultLanguage from './migrations/0015_default_language.ts';
import * as sessions from './migrations/0016_sessions.ts';
import * as webhookEvents from './migrations/0017_webhook_events.ts';
import * as webhookQueuePages from './migrations/0018_webhook_queue_pages.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_enrollment_tokens': enrollmentTokens,
  '0003_email_outbox': emailOutbox,
  '0004_redemption': redemption,
  '0005_apple_enrollment': appleEnrollment,
  '0006_counter_shards': counterShards,
  '0007_tag_filter_columns': tagFilterColumns,
  '0008_sending_limits': sendingLimits,
  '0009_change_notices': changeNotices,
  '0010_webhooks': webhooks,
  '0011_schema_scoped_notices': schemaScopedNotices,
  '0012_mdm_integrations': mdmIntegrations,
  '0013_android_management': androidManagement,
  '0014_idempotency_keys': idempotencyKeys,
  '0015_default_language': defaultLanguage,
  '0016_sessions': sessions,
  '0017_webhook_events': webhookEvents,
  '0018_webhook_queue_pages': webhookQueuePages,
};

/** Every migration's name, oldest first. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

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

/**
 * Kysely checks for its bookkeeping tables by listing every table and column of the database, and
 * on PostgreSQL that listing fails when another session drops or alters an object while it reads
 * the catalog: 3F000 (a schema is gone), 42P01 (a table), 42703 (a column — seen when another
 * schema migrated down at the same moment). Nothing was changed by then, so the check is run again.
 */
const INTROSPECTION_RETRIES = 10;
const CONCURRENT_CATALOG_CHANGE = new Set(['3F000', '42P01', '42703']);
const isConcurrentSchemaDrop = (error: unknown) => CONCURRENT_CATALOG_CHANGE.has(String((error as { code?: unknown } | null)?.code));

/** Run the migrator, again when its catalog check met a concurrent schema change (see above). */
async function runMigrator(db: Db, run: (migrator: Migrator) => Promise<MigrationResultSet>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider, migrationTableSchema: await migrationTableSchema(db) });
  let outcome = await run(migrator);
  for (let retry = 0; retry < INTROSPECTION_RETRIES && outcome.error && isConcurrentSchemaDrop(outcome.error) && !outcome.results?.length; retry++) {
    outcome = await run(migrator);
  }
  return outcome;
}

export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  const outcome = await runMigrator(db, (migrator) => migrator.migrateToLatest());
  const { error, results } = outcome;
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/**
 * Apply or undo migrations until `target` is the last one applied, or undo them all with
 * NO_MIGRATIONS (tests a migration's down).
 */
export async function migrateTo(db: Db, target: Parameters<Migrator['migrateTo']>[0]): Promise<void> {
  const { error } = await runMigrator(db, (migrator) => migrator.migrateTo(target));
  if (error) throw error;
}
