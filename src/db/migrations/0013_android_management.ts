/**
 * Android enrollment through Google's Android Management API (AMAPI):
 * - `mdm_integrations.settings`: what an integration needs besides its sealed key, as JSON (for
 *   AMAPI: the enterprise name and the Pub/Sub push identity).
 * - `enrollment_tokens.platform_state`: what a platform's provider made for the token, as JSON,
 *   null for tokens enrolld makes alone (for AMAPI: the provisioning status, Google's token name,
 *   value, QR code and expiry, or the error).
 * - `android_provisioning`: a queue table (jobs/lease-queue.ts), one row per AMAPI token (its id is
 *   the token's, so the row is found by it without another index): the
 *   Google call still to make (CREATE, then DELETE once the enrolld token is revoked), the
 *   token's expiry (what Google's token expires at too, its only fingerprint in Google's lists),
 *   and `attempt_started_at`, set while a call may have reached Google without its answer being
 *   recorded (a crash, a timeout): the next attempt first looks for the token it may have made.
 *   `attempt_owner` is the worker making the call right now.
 * - `pubsub_messages`: Pub/Sub message ids already handled (delivery is at least once).
 * - `devices.last_seen_at` and `devices.provider_state`: the device's last status report and the
 *   state the provider gives it (AMAPI: ACTIVE, DISABLED, DELETED, PROVISIONING…).
 */
import { type Kysely, sql } from 'kysely';
import { columnTypesOf } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypesOf(db);
  await db.schema.alterTable('mdm_integrations').addColumn('settings', types.json).execute();
  await db.schema.alterTable('enrollment_tokens').addColumn('platform_state', types.json).execute();

  await db.schema
    .createTable('android_provisioning')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('token_id', 'text', (c) => c.notNull().references('enrollment_tokens.id').onDelete('cascade'))
    .addColumn('enterprise_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('google_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', types.timestamp, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', types.timestamp)
    .addColumn('token_expire_at', types.timestamp, (c) => c.notNull())
    .addColumn('attempt_started_at', types.timestamp)
    .addColumn('attempt_owner', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('android_provisioning_due_idx').on('android_provisioning').columns(['status', 'next_attempt_at']).execute();
  // Only made tokens have a Google name: a bulk's new rows do not pay for this index.
  await db.schema.createIndex('android_provisioning_google_idx').on('android_provisioning').columns(['enterprise_name', 'google_name']).where(sql.ref('google_name'), 'is not', null).execute();

  await db.schema
    .createTable('pubsub_messages')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('received_at', types.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('pubsub_messages_pk', ['organization_id', 'message_id'])
    .execute();

  await db.schema.alterTable('devices').addColumn('last_seen_at', types.timestamp).execute();
  await db.schema.alterTable('devices').addColumn('provider_state', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['provider_state', 'last_seen_at']) await db.schema.alterTable('devices').dropColumn(column).execute();
  await db.schema.dropTable('pubsub_messages').execute();
  await db.schema.dropTable('android_provisioning').execute();
  await db.schema.alterTable('enrollment_tokens').dropColumn('platform_state').execute();
  await db.schema.alterTable('mdm_integrations').dropColumn('settings').execute();
}
