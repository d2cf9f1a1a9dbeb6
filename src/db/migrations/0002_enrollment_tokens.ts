/**
 * The catalog tokens reference (policies, Apple profiles, applications, VPP locations, segments),
 * the per-platform enterprises, and enrollment tokens with their tag index.
 */
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';
import { columnTypesOf } from './column-types.ts';

// The counters' triggers. SQLite: row-level, +1 / −1 per row.
const SQLITE_COUNTER_TRIGGERS = [
  'create trigger enrollment_tokens_count_insert after insert on enrollment_tokens begin ' +
    'insert into enrollment_token_counts (organization_id, platform, state, n) values (new.organization_id, new.platform, new.state, 1) ' +
    'on conflict (organization_id, platform, state) do update set n = enrollment_token_counts.n + 1; end',
  'create trigger enrollment_tokens_count_delete after delete on enrollment_tokens begin ' +
    'update enrollment_token_counts set n = n - 1 where organization_id = old.organization_id and platform = old.platform and state = old.state; end',
  'create trigger enrollment_tokens_count_update after update of state on enrollment_tokens when old.state is not new.state begin ' +
    'update enrollment_token_counts set n = n - 1 where organization_id = old.organization_id and platform = old.platform and state = old.state; ' +
    'insert into enrollment_token_counts (organization_id, platform, state, n) values (new.organization_id, new.platform, new.state, 1) ' +
    'on conflict (organization_id, platform, state) do update set n = enrollment_token_counts.n + 1; end',
];

// PostgreSQL: statement-level triggers over transition tables, so a 10,000-row bulk insert costs
// one grouped upsert instead of 10,000 row-level trigger calls. Transition tables cannot be
// combined with several events or a column list, hence one trigger per event; the update trigger
// counts only rows whose state changed (joined on the primary key). Migration 0006 replaces the
// functions (sharded counters), and its down puts these back; the triggers stay.
export const POSTGRES_COUNTER_FUNCTIONS = [
  'create or replace function enrollment_tokens_count_insert() returns trigger language plpgsql as $$ begin ' +
    'insert into enrollment_token_counts (organization_id, platform, state, n) ' +
    'select organization_id, platform, state, count(*) as k from new_rows group by organization_id, platform, state ' +
    'on conflict (organization_id, platform, state) do update set n = enrollment_token_counts.n + excluded.n; return null; end $$',
  'create or replace function enrollment_tokens_count_delete() returns trigger language plpgsql as $$ begin ' +
    'update enrollment_token_counts c set n = c.n - d.k from (select organization_id, platform, state, count(*) as k from old_rows group by organization_id, platform, state) d ' +
    'where c.organization_id = d.organization_id and c.platform = d.platform and c.state = d.state; return null; end $$',
  'create or replace function enrollment_tokens_count_update() returns trigger language plpgsql as $$ begin ' +
    'update enrollment_token_counts c set n = c.n - d.k from (select organization_id, platform, state, count(*) as k from ' +
    '(select o.* from old_rows o join new_rows n on n.id = o.id where o.state is distinct from n.state) as changed_o group by organization_id, platform, state) d ' +
    'where c.organization_id = d.organization_id and c.platform = d.platform and c.state = d.state; ' +
    'insert into enrollment_token_counts (organization_id, platform, state, n) select organization_id, platform, state, count(*) as k from ' +
    '(select n.* from old_rows o join new_rows n on n.id = o.id where o.state is distinct from n.state) as changed_n group by organization_id, platform, state ' +
    'on conflict (organization_id, platform, state) do update set n = enrollment_token_counts.n + excluded.n; return null; end $$',
];
const POSTGRES_COUNTER_TRIGGERS = [
  ...POSTGRES_COUNTER_FUNCTIONS,
  'create trigger enrollment_tokens_count_insert after insert on enrollment_tokens referencing new table as new_rows for each statement execute function enrollment_tokens_count_insert()',
  'create trigger enrollment_tokens_count_delete after delete on enrollment_tokens referencing old table as old_rows for each statement execute function enrollment_tokens_count_delete()',
  'create trigger enrollment_tokens_count_update after update on enrollment_tokens referencing old table as old_rows new table as new_rows for each statement execute function enrollment_tokens_count_update()',
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  const types = columnTypesOf(db);

  // Policies and Apple catalog entities share one table: they differ only in `kind` and in the
  // JSON they carry, and tokens reference them by id within an organization.
  await db.schema
    .createTable('catalog_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('data', types.json, (c) => c.notNull())
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('updated_at', types.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('catalog_items_org_kind_created_idx').on('catalog_items').columns(['organization_id', 'kind', 'created_at', 'id']).execute();

  await db.schema
    .createTable('segments')
    .addColumn('id', types.serial, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.references('segments.id').onDelete('set null'))
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('updated_at', types.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('segments_org_idx').on('segments').columns(['organization_id', 'id']).execute();

  await db.schema
    .createTable('enterprises')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('configuration', types.json, (c) => c.notNull())
    .addColumn('settings', types.json, (c) => c.notNull())
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('updated_at', types.timestamp, (c) => c.notNull())
    .addUniqueConstraint('enterprises_org_platform_uq', ['organization_id', 'platform'])
    .execute();

  await db.schema
    .createTable('enrollment_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', 'text', (c) => c.notNull().references('enterprises.id').onDelete('cascade'))
    .addColumn('mdm_user_id', 'text', (c) => c.notNull().references('mdm_users.id').onDelete('cascade'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('tags', types.json, (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text')
    .addColumn('segment_id', 'integer')
    .addColumn('options', types.json, (c) => c.notNull())
    .addColumn('send_email', 'integer', (c) => c.notNull())
    .addColumn('email_text', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('enroll_code', 'text', (c) => c.notNull().unique())
    .addColumn('email_status', 'text', (c) => c.notNull())
    .addColumn('email_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('email_sent_at', types.timestamp)
    .addColumn('email_last_error', 'text')
    .addColumn('device_id', 'text')
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('updated_at', types.timestamp, (c) => c.notNull())
    .addColumn('expire_at', types.timestamp, (c) => c.notNull())
    .execute();
  // One index per list filter, each ending in the default sort so page 1 is an index range scan
  // whatever the table size.
  const tokenIndexes: Array<[string, string[]]> = [
    ['enrollment_tokens_list_idx', ['organization_id', 'platform', 'created_at', 'id']],
    ['enrollment_tokens_expire_sort_idx', ['organization_id', 'platform', 'expire_at', 'id']],
    ['enrollment_tokens_name_sort_idx', ['organization_id', 'platform', 'display_name', 'id']],
    ['enrollment_tokens_user_idx', ['organization_id', 'platform', 'mdm_user_id', 'created_at', 'id']],
    ['enrollment_tokens_policy_idx', ['organization_id', 'platform', 'policy_id', 'created_at', 'id']],
    ['enrollment_tokens_state_idx', ['organization_id', 'platform', 'state', 'created_at', 'id']],
    ['enrollment_tokens_user_state_idx', ['mdm_user_id', 'state']],
    // PENDING tokens past expiry that the sweeper has not yet marked: the correction applied to
    // the counters below, and the sweeper's own work list.
    ['enrollment_tokens_expiry_idx', ['organization_id', 'state', 'expire_at', 'platform']],
  ];
  for (const [name, columns] of tokenIndexes) {
    await db.schema.createIndex(name).on('enrollment_tokens').columns(columns).execute();
  }

  // Tokens per organization, platform and stored state, kept exact by triggers, so a list's
  // totalDocs does not mean counting every row of a large organization.
  await db.schema
    .createTable('enrollment_token_counts')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('enrollment_token_counts_pk', ['organization_id', 'platform', 'state'])
    .execute();
  for (const statement of dialect === 'sqlite' ? SQLITE_COUNTER_TRIGGERS : POSTGRES_COUNTER_TRIGGERS) await sql.raw(statement).execute(db);

  await db.schema
    .createTable('enrollment_token_tags')
    .addColumn('token_id', 'text', (c) => c.notNull().references('enrollment_tokens.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('enrollment_token_tags_pk', ['token_id', 'tag'])
    .execute();
  await db.schema
    .createIndex('enrollment_token_tags_org_tag_idx')
    .on('enrollment_token_tags')
    .columns(['organization_id', 'tag', 'token_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['enrollment_token_tags', 'enrollment_token_counts', 'enrollment_tokens', 'enterprises', 'segments', 'catalog_items']) {
    await db.schema.dropTable(table).execute();
  }
  // PostgreSQL's trigger functions outlive their triggers (SQLite has none).
  if (dialectOf(db) === 'postgres') {
    await sql.raw('drop function if exists enrollment_tokens_count_insert(), enrollment_tokens_count_delete(), enrollment_tokens_count_update()').execute(db);
  }
}
