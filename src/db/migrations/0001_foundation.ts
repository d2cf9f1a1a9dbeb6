/** Organizations, service-account keys and MDM users. */
import type { Kysely } from 'kysely';
import { columnTypesOf } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypesOf(db);

  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('plan', types.json, (c) => c.notNull())
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('updated_at', types.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('organizations_created_at_idx').on('organizations').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('service_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text')
    .addColumn('permissions', types.json, (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('revoked_at', types.timestamp)
    .execute();
  await db.schema
    .createIndex('service_accounts_org_created_idx')
    .on('service_accounts')
    .columns(['organization_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('mdm_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_normalized', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('tags', types.json, (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('managed_apple_id', 'text')
    .addColumn('metadata', types.json, (c) => c.notNull())
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('updated_at', types.timestamp, (c) => c.notNull())
    .execute();
  // Case-insensitive uniqueness per organization, and the index email lookups and bulk use.
  await db.schema
    .createIndex('mdm_users_org_email_uq')
    .on('mdm_users')
    .columns(['organization_id', 'email_normalized'])
    .unique()
    .execute();
  await db.schema.createIndex('mdm_users_org_created_idx').on('mdm_users').columns(['organization_id', 'created_at', 'id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mdm_users').execute();
  await db.schema.dropTable('service_accounts').execute();
  await db.schema.dropTable('organizations').execute();
}
