/** Enrolled devices, linked from the token that enrolled them, and the audit of every redemption attempt. */
import type { Kysely } from 'kysely';
import { columnTypesOf } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypesOf(db);
  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('token_id', 'text', (c) => c.references('enrollment_tokens.id').onDelete('set null'))
    .addColumn('serial_number', 'text')
    .addColumn('udid', 'text')
    .addColumn('imei', 'text')
    .addColumn('model', 'text')
    .addColumn('os_version', 'text')
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('devices_list_idx').on('devices').columns(['organization_id', 'platform', 'created_at', 'id']).execute();

  await db.schema
    .createTable('token_redemptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    /** Null when the code matched no token. */
    .addColumn('token_id', 'text', (c) => c.references('enrollment_tokens.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    /** REDEEMED, REPEATED (same device again), ALREADY_USED, EXPIRED, REVOKED, NOT_FOUND */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('client_address', 'text')
    .addColumn('device', types.json, (c) => c.notNull())
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('token_redemptions_token_idx').on('token_redemptions').columns(['token_id', 'created_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('token_redemptions').execute();
  await db.schema.dropTable('devices').execute();
}
