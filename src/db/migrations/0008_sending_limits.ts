/**
 * Limits on what invitations an organization can make enrolld send:
 * - `organizations.email_domains`: the recipient domains invitations may go to (JSON array of
 *   `example.com` / `*.example.com`; null: any domain).
 * - `email_outbox.budgeted_at`: when a delivery attempt took one of its organization's hourly
 *   sending slots; the worker counts an organization's slots of the last hour through the index
 *   (organization_id, budgeted_at), so the budget holds across workers and nodes.
 * - `enrollment_tokens.email_deferred_reason`: why a QUEUED invitation waits (the budget), shown
 *   in the token's emailDelivery; null when it does not.
 * Every column is nullable and added without a default, so the change is instant on PostgreSQL
 * and nodes of the previous version keep working while it is applied.
 */
import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  await db.schema.alterTable('organizations').addColumn('email_domains', postgres ? 'jsonb' : 'text').execute();
  await db.schema.alterTable('email_outbox').addColumn('budgeted_at', postgres ? 'timestamptz' : 'text').execute();
  await db.schema.createIndex('email_outbox_org_budget_idx').on('email_outbox').columns(['organization_id', 'budgeted_at']).execute();
  await db.schema.alterTable('enrollment_tokens').addColumn('email_deferred_reason', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('enrollment_tokens').dropColumn('email_deferred_reason').execute();
  await db.schema.dropIndex('email_outbox_org_budget_idx').execute();
  await db.schema.alterTable('email_outbox').dropColumn('budgeted_at').execute();
  await db.schema.alterTable('organizations').dropColumn('email_domains').execute();
}
