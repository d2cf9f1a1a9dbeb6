/**
 * Apple enrollment: each organization's profile-signing identity (generated or uploaded, the
 * private key sealed with the secret key) and the one-time SCEP challenges handed out in profiles.
 */
import type { Kysely } from 'kysely';
import { columnTypesOf } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypesOf(db);
  await db.schema
    .createTable('signing_identities')
    .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    /** generated (self-signed by enrolld) or uploaded (the admin's own chain). */
    .addColumn('source', 'text', (c) => c.notNull())
    /** PEM certificates, the signer first, then its chain. */
    .addColumn('certificate_chain', 'text', (c) => c.notNull())
    /** The PEM private key, sealed (crypto/secret-box.ts). */
    .addColumn('sealed_private_key', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('not_after', types.timestamp, (c) => c.notNull())
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('updated_at', types.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('scep_challenges')
    /** SHA-256 of the challenge: the secret itself is only ever in the profile. */
    .addColumn('challenge_hash', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('token_id', 'text', (c) => c.notNull().references('enrollment_tokens.id').onDelete('cascade'))
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('used_at', types.timestamp)
    .execute();
  await db.schema.createIndex('scep_challenges_token_idx').on('scep_challenges').columns(['token_id', 'created_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scep_challenges').execute();
  await db.schema.dropTable('signing_identities').execute();
}
