/**
 * Enrollment completed by real MDM infrastructure (step-ca as the SCEP CA, NanoMDM or MicroMDM as
 * the MDM server):
 * - `mdm_integrations`: what an organization registered for each program that calls enrolld.
 *   `kind` is step-ca or nanomdm; `public_id` is how a call names the organization (step-ca's
 *   webhook id, sent as X-Smallstep-Webhook-ID; the random hook id in NanoMDM's webhook URL);
 *   `secret_sealed` the key its calls are signed with (crypto/secret-box.ts), null when unsigned.
 * - `scep_challenges.transaction_id`: the SCEP transaction that consumed the challenge, so the
 *   CA's notification of the issued certificate finds its token.
 * - `scep_certificates`: what the CA reported for each transaction: the issued certificate, or
 *   the error.
 * - `devices`: the device's name and MEID from its check-in, and where it stands in the MDM:
 *   REDEEMED (a token was redeemed for it), ENROLLED (the MDM has its push token), CHECKED_OUT
 *   (the MDM profile was removed).
 * - `token_redemptions.detail`: what an audit entry adds beyond the device (the SCEP transaction,
 *   the certificate, the refusal), as JSON.
 */
import type { Kysely } from 'kysely';
import { columnTypesOf } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypesOf(db);
  await db.schema
    .createTable('mdm_integrations')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('public_id', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text')
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('updated_at', types.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('mdm_integrations_pk', ['organization_id', 'kind'])
    .execute();
  await db.schema.createIndex('mdm_integrations_public_idx').on('mdm_integrations').columns(['kind', 'public_id']).unique().execute();

  await db.schema.alterTable('scep_challenges').addColumn('transaction_id', 'text').execute();
  await db.schema.createIndex('scep_challenges_transaction_idx').on('scep_challenges').columns(['organization_id', 'transaction_id']).execute();

  await db.schema
    .createTable('scep_certificates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('token_id', 'text', (c) => c.notNull().references('enrollment_tokens.id').onDelete('cascade'))
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('serial_number', 'text')
    .addColumn('subject', 'text')
    .addColumn('not_before', types.timestamp)
    .addColumn('not_after', types.timestamp)
    .addColumn('error', 'text')
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scep_certificates_token_idx').on('scep_certificates').columns(['token_id', 'created_at']).execute();

  for (const column of ['name', 'meid']) await db.schema.alterTable('devices').addColumn(column, 'text').execute();
  await db.schema.alterTable('devices').addColumn('status', 'text', (c) => c.notNull().defaultTo('REDEEMED')).execute();
  await db.schema.alterTable('devices').addColumn('enrolled_at', types.timestamp).execute();
  await db.schema.alterTable('devices').addColumn('checked_out_at', types.timestamp).execute();

  await db.schema.alterTable('token_redemptions').addColumn('detail', types.json).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('token_redemptions').dropColumn('detail').execute();
  for (const column of ['checked_out_at', 'enrolled_at', 'status', 'meid', 'name']) await db.schema.alterTable('devices').dropColumn(column).execute();
  await db.schema.dropTable('scep_certificates').execute();
  await db.schema.dropIndex('scep_challenges_transaction_idx').execute();
  await db.schema.alterTable('scep_challenges').dropColumn('transaction_id').execute();
  await db.schema.dropTable('mdm_integrations').execute();
}
