/**
 * Token counters in shards on PostgreSQL, so concurrent creates and redemptions of one
 * organization stop queueing behind a single counter row (see SHARDED_COUNTER_FUNCTIONS). The
 * `shard` column exists on both databases so the schema reads the same; only PostgreSQL's key
 * includes it. Counts are unchanged: existing rows become shard 0.
 */
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';
import { POSTGRES_COUNTER_FUNCTIONS } from './0002_enrollment_tokens.ts';

/**
 * PostgreSQL's counter functions over sharded counter rows. With one row per key, every create and
 * redeem of an organization updated the same counter row and waited for the previous
 * transaction's commit to release it (measured: 7 of 10 backends in Lock:transactionid under 10
 * concurrent redeems). Each backend now adds its deltas — negative for deletes and state changes —
 * to its own shard (`pg_backend_pid() % 16`), and readers sum the shards of a key. A key without
 * counter rows was removed with its parent (a cascading organization delete): nothing is
 * subtracted from it, and no row is made that would reference a deleted parent. The triggers of
 * migration 0002 keep calling these functions by name.
 */
const SHARDED_COUNTER_FUNCTIONS = [
  'create or replace function enrollment_tokens_count_insert() returns trigger language plpgsql as $$ begin ' +
    'insert into enrollment_token_counts (organization_id, platform, state, shard, n) ' +
    'select organization_id, platform, state, (pg_backend_pid() % 16)::smallint, count(*) from new_rows group by organization_id, platform, state ' +
    'on conflict (organization_id, platform, state, shard) do update set n = enrollment_token_counts.n + excluded.n; return null; end $$',
  'create or replace function enrollment_tokens_count_delete() returns trigger language plpgsql as $$ begin ' +
    'insert into enrollment_token_counts (organization_id, platform, state, shard, n) ' +
    'select organization_id, platform, state, (pg_backend_pid() % 16)::smallint, -count(*) from old_rows ' +
    'where exists (select 1 from enrollment_token_counts c where c.organization_id = old_rows.organization_id and c.platform = old_rows.platform and c.state = old_rows.state) ' +
    'group by organization_id, platform, state ' +
    'on conflict (organization_id, platform, state, shard) do update set n = enrollment_token_counts.n + excluded.n; return null; end $$',
  'create or replace function enrollment_tokens_count_update() returns trigger language plpgsql as $$ begin ' +
    'insert into enrollment_token_counts (organization_id, platform, state, shard, n) ' +
    'select organization_id, platform, state, (pg_backend_pid() % 16)::smallint, -count(*) from ' +
    '(select o.* from old_rows o join new_rows n on n.id = o.id where o.state is distinct from n.state) as changed_o ' +
    'where exists (select 1 from enrollment_token_counts c where c.organization_id = changed_o.organization_id and c.platform = changed_o.platform and c.state = changed_o.state) ' +
    'group by organization_id, platform, state ' +
    'on conflict (organization_id, platform, state, shard) do update set n = enrollment_token_counts.n + excluded.n; ' +
    'insert into enrollment_token_counts (organization_id, platform, state, shard, n) ' +
    'select organization_id, platform, state, (pg_backend_pid() % 16)::smallint, count(*) from ' +
    '(select n.* from old_rows o join new_rows n on n.id = o.id where o.state is distinct from n.state) as changed_n ' +
    'group by organization_id, platform, state ' +
    'on conflict (organization_id, platform, state, shard) do update set n = enrollment_token_counts.n + excluded.n; return null; end $$',
];


async function run(db: Kysely<unknown>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    await db.schema.alterTable('enrollment_token_counts').addColumn('shard', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    return;
  }
  await run(db, [
    'alter table enrollment_token_counts add column shard smallint not null default 0',
    'alter table enrollment_token_counts drop constraint enrollment_token_counts_pk',
    'alter table enrollment_token_counts add constraint enrollment_token_counts_pk primary key (organization_id, platform, state, shard)',
    ...SHARDED_COUNTER_FUNCTIONS,
  ]);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    await db.schema.alterTable('enrollment_token_counts').dropColumn('shard').execute();
    return;
  }
  await run(db, [
    // Fold every key's shards into shard 0 (the sum is the count), then drop the rest.
    'insert into enrollment_token_counts (organization_id, platform, state, shard, n) ' +
      'select organization_id, platform, state, 0, sum(n) from enrollment_token_counts group by organization_id, platform, state ' +
      'on conflict (organization_id, platform, state, shard) do update set n = excluded.n',
    'delete from enrollment_token_counts where shard <> 0',
    'alter table enrollment_token_counts drop constraint enrollment_token_counts_pk',
    'alter table enrollment_token_counts drop column shard',
    'alter table enrollment_token_counts add constraint enrollment_token_counts_pk primary key (organization_id, platform, state)',
    // Migration 0002's single-row functions (both migrations are frozen: this never changes).
    ...POSTGRES_COUNTER_FUNCTIONS,
  ]);
}
