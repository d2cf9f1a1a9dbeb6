/**
 * `organizations.default_language`: the language of invitations for users created without one
 * (and so of their tokens made without one). Existing organizations keep English.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').addColumn('default_language', 'text', (c) => c.notNull().defaultTo('en')).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').dropColumn('default_language').execute();
}
