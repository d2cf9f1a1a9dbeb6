/**
 * `sessions`: sign-ins of the admin console (and any browser client). A session is found by the
 * SHA-256 of its cookie's secret, and acts as the API key it was opened with — it keeps only
 * that key's hash, so what it may do is read live, and revoking the key ends it. `csrf_hash` is
 * the SHA-256 of the token every state-changing request must repeat in X-CSRF-Token.
 * `last_seen_at` moves with use (the idle limit), `expires_at` does not (the absolute limit).
 */
import type { Kysely } from 'kysely';
import { columnTypesOf } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypesOf(db);
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('csrf_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('last_seen_at', types.timestamp, (c) => c.notNull())
    .addColumn('expires_at', types.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_expiry_idx').on('sessions').columns(['expires_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sessions').execute();
}
