/**
 * Change notices for the per-process caches (PostgreSQL only). API nodes keep the rows every
 * request reads — an API key with its organization, an organization's enterprises — in memory,
 * and must drop them the moment another process changes them: a revoked key has to stop working
 * on every node at once. These triggers make any committed change to those tables, by any
 * writer (another node, a worker, the CLI, psql), send `NOTIFY enrolld_changes` with the table's
 * name; every process listens on that channel (db/change-notices.ts).
 *
 * Statement-level, so a bulk change sends one notice; PostgreSQL delivers notices only when the
 * transaction commits and folds identical ones of one transaction into one.
 *
 * SQLite has no NOTIFY, and enrolld keeps no such cache there (a lookup costs a few microseconds
 * in-process), so this migration changes nothing on SQLite.
 *
 * The SQL is written out here, not generated: a migration must keep meaning what it meant.
 */
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

const NOTIFIED_TABLES = ['service_accounts', 'organizations', 'enterprises'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') return;
  await sql
    .raw(
      'create function enrolld_notify_change() returns trigger language plpgsql as $$ ' +
        "begin perform pg_notify('enrolld_changes', tg_table_name); return null; end $$",
    )
    .execute(db);
  for (const table of NOTIFIED_TABLES) {
    await sql
      .raw(`create trigger ${table}_notify_change after insert or update or delete or truncate on ${table} for each statement execute function enrolld_notify_change()`)
      .execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') return;
  for (const table of NOTIFIED_TABLES) await sql.raw(`drop trigger ${table}_notify_change on ${table}`).execute(db);
  await sql.raw('drop function enrolld_notify_change()').execute(db);
}
