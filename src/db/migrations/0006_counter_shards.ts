/**
 * Token counters in shards on PostgreSQL, so concurrent creates and redemptions of one
 * organization stop queueing behind a single counter row (see shardedCounterFunctions). The
 * `shard` column exists on both databases so the schema reads the same; only PostgreSQL's key
 * includes it. Counts are unchanged: existing rows become shard 0.
 */
import { type Kysely, sql } from 'kysely';
import { type CounterSpec, counterTriggerStatements, dialectOf, shardedCounterFunctions } from '../dialect.ts';

const TOKEN_COUNTERS: CounterSpec = {
  table: 'enrollment_tokens',
  counterTable: 'enrollment_token_counts',
  keyColumns: ['organization_id', 'platform', 'state'],
  stateColumn: 'state',
};

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
    ...shardedCounterFunctions(TOKEN_COUNTERS),
  ]);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    await db.schema.alterTable('enrollment_token_counts').dropColumn('shard').execute();
    return;
  }
  const singleRowFunctions = counterTriggerStatements('postgres', TOKEN_COUNTERS)
    .filter((statement) => statement.startsWith('create function'))
    .map((statement) => statement.replace('create function', 'create or replace function'));
  await run(db, [
    // Fold every key's shards into shard 0 (the sum is the count), then drop the rest.
    'insert into enrollment_token_counts (organization_id, platform, state, shard, n) ' +
      'select organization_id, platform, state, 0, sum(n) from enrollment_token_counts group by organization_id, platform, state ' +
      'on conflict (organization_id, platform, state, shard) do update set n = excluded.n',
    'delete from enrollment_token_counts where shard <> 0',
    'alter table enrollment_token_counts drop constraint enrollment_token_counts_pk',
    'alter table enrollment_token_counts drop column shard',
    'alter table enrollment_token_counts add constraint enrollment_token_counts_pk primary key (organization_id, platform, state)',
    ...singleRowFunctions,
  ]);
}
