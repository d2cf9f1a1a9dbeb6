/**
 * Change notices name the schema they come from (PostgreSQL only). One database may hold several
 * enrolld deployments, each in its own schema (its URL's `search_path`): notices travel on one
 * channel per database, so until now a write in one deployment emptied the caches of all the
 * others. The payload becomes `<schema>.<table>`; a listener ignores notices whose schema is not
 * its own (db/change-notices.ts). A listener still sees a bare table name from a database not yet
 * migrated, and treats it as its own, which is what it did before.
 *
 * The SQL is written out here, not generated: a migration must keep meaning what it meant.
 */
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') return;
  await sql
    .raw(
      'create or replace function enrolld_notify_change() returns trigger language plpgsql as $$ ' +
        "begin perform pg_notify('enrolld_changes', tg_table_schema || '.' || tg_table_name); return null; end $$",
    )
    .execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') return;
  await sql
    .raw(
      'create or replace function enrolld_notify_change() returns trigger language plpgsql as $$ ' +
        "begin perform pg_notify('enrolld_changes', tg_table_name); return null; end $$",
    )
    .execute(db);
}
