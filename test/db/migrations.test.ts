/**
 * Every migration's down undoes its up exactly: from the latest schema, undoing the migrations
 * down to each point (and finally all of them) and applying them again gives the same tables,
 * columns, indexes, constraints, triggers and trigger functions as the first time, on SQLite and
 * on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NO_MIGRATIONS, sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { dialectOf } from '../../src/db/dialect.ts';
import { MIGRATION_NAMES, migrateTo, migrateToLatest } from '../../src/db/migrate.ts';
import { leaseQueue } from '../../src/jobs/lease-queue.ts';
import { claimDue, insertEventDeliveries, listDeliveries } from '../../src/modules/webhooks/webhooks.repository.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { ON_POSTGRES } from '../helpers/database.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

async function rows(db: Db, query: ReturnType<typeof sql>): Promise<unknown[]> {
  return (await query.execute(db)).rows;
}

/** The schema as the database describes it, Kysely's own bookkeeping left out. */
async function schemaOf(db: Db): Promise<Record<string, unknown>> {
  if (dialectOf(db) === 'sqlite') {
    const objects = (await rows(db, sql`select type, name, tbl_name as "table", sql from sqlite_master
      where name not like 'sqlite_%' and name not like 'kysely_%' order by type, name`)) as Array<{ type: string; name: string; sql: string | null }>;
    const tables: Record<string, unknown> = {};
    for (const { name } of objects.filter((o) => o.type === 'table')) {
      tables[name] = {
        // Column order, types, nullability, defaults and keys, not the stored CREATE text, which
        // SQLite edits in place on ALTER TABLE … DROP COLUMN.
        columns: await rows(db, sql`select name, type, "notnull", dflt_value, pk from pragma_table_info(${name}) order by cid`),
        foreignKeys: await rows(db, sql`select "table", "from", "to", on_update, on_delete from pragma_foreign_key_list(${name}) order by id, seq`),
        indexes: await rows(db, sql`select name, "unique", origin, partial from pragma_index_list(${name}) order by name`),
      };
    }
    return { tables, indexesAndTriggers: objects.filter((o) => o.type !== 'table').map(({ type, name, sql: text }) => ({ type, name, sql: text })) };
  }
  const own = (column: string) => sql.raw(`${column} = current_schema()`);
  return {
    columns: await rows(db, sql`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
      where ${own('table_schema')} and table_name not like 'kysely_%' order by table_name, ordinal_position`),
    indexes: await rows(db, sql`select tablename, indexname, indexdef from pg_indexes where ${own('schemaname')} and tablename not like 'kysely_%' order by indexname`),
    constraints: await rows(db, sql`select conrelid::regclass::text as "table", conname, pg_get_constraintdef(oid) as definition from pg_constraint
      where connamespace = current_schema()::regnamespace and conrelid::regclass::text not like 'kysely_%' order by 1, 2`),
    triggers: await rows(db, sql`select event_object_table, trigger_name, event_manipulation, action_timing, action_orientation, action_condition, action_statement
      from information_schema.triggers where ${own('trigger_schema')} order by 1, 2, 3`),
    functions: await rows(db, sql`select proname, prosrc from pg_proc where pronamespace = current_schema()::regnamespace order by proname`),
    storage: await rows(db, sql`select relname, reloptions from pg_class where relnamespace = current_schema()::regnamespace and reloptions is not null order by relname`),
  };
}

describe('migrations', () => {
  it('down undoes up exactly, from every migration back to none', async () => {
    const db = ctx.database.db;
    const latest = await schemaOf(db);
    assert.ok(Object.keys(latest).length > 0);
    // Undo back to just after each migration, then everything; re-apply all each time.
    const targets = [...MIGRATION_NAMES.slice(0, -1).reverse(), NO_MIGRATIONS] as const;
    for (const target of targets) {
      await migrateTo(db, target);
      await migrateToLatest(db);
      const label = typeof target === 'string' ? `after undoing to ${target}` : 'after undoing every migration';
      assert.deepEqual(await schemaOf(db), latest, `the schema differs ${label} and migrating up again`);
    }
  });

  it('leaves nothing behind when every migration is undone', async () => {
    const db = ctx.database.db;
    await migrateTo(db, NO_MIGRATIONS);
    const left = await schemaOf(db);
    await migrateToLatest(db);
    if (dialectOf(db) === 'sqlite') {
      assert.deepEqual(left, { tables: {}, indexesAndTriggers: [] });
    } else {
      for (const [kind, list] of Object.entries(left)) assert.deepEqual(list, [], `${kind} left after undoing every migration`);
    }
  });

  it('0017 keeps every queued webhook body: rows queued before it are sent with their own, and down moves events\' bodies back', async () => {
    const { db, dialect } = ctx.database;
    const org = await ctx.services.organizations.create({ name: 'Hooks', slug: 'migrating-hooks' });
    const endpoint = await ctx.services.webhooks.create(org.id, { url: 'https://hooks.example.com/in', eventTypes: null });
    const now = new Date().toISOString();
    await migrateTo(db, '0016_sessions');
    // A delivery queued by the previous version: its body is in the row.
    await sql`insert into webhook_deliveries (id, organization_id, endpoint_id, event_type, payload, status, attempts, next_attempt_at, created_at)
      values ('msg_before', ${org.id}, ${endpoint.id}, 'enrollment_token.created', '{"before":true}', 'PENDING', 0, ${now}, ${now})`.execute(db);
    await migrateToLatest(db);
    await db.transaction().execute((trx) =>
      insertEventDeliveries(
        trx,
        [{ id: 'evt_after', organizationId: org.id, type: 'enrollment_token.created', payload: '{"after":true}', createdAt: now }],
        [{ id: 'msg_after', organizationId: org.id, endpointId: endpoint.id, eventId: 'evt_after', eventType: 'enrollment_token.created', createdAt: now }],
      ),
    );
    const stored = await db.selectFrom('webhookDeliveries').select(['id', 'payload']).orderBy('id').execute();
    assert.deepEqual(stored, [{ id: 'msg_after', payload: null }, { id: 'msg_before', payload: '{"before":true}' }], 'the new row keeps its body in its event only');
    const listed = await listDeliveries(db, org.id, endpoint.id, { page: 1, limit: 10, sortField: 'createdAt', sortDirection: 'asc' }, {}, now);
    assert.deepEqual(Object.fromEntries(listed.items.map((item) => [item.id, item.payload])), { msg_before: '{"before":true}', msg_after: '{"after":true}' });
    const claimed = await claimDue(db, dialect, 'migration-test', 10, new Date(Date.now() + 1000).toISOString(), new Date(Date.now() + 60_000).toISOString());
    assert.deepEqual(Object.fromEntries(claimed.map((row) => [row.id, row.payload])), { msg_before: '{"before":true}', msg_after: '{"after":true}' });

    await migrateTo(db, '0016_sessions');
    const restored = await sql<{ id: string; payload: string }>`select id, payload from webhook_deliveries order by id`.execute(db);
    assert.deepEqual(restored.rows, [{ id: 'msg_after', payload: '{"after":true}' }, { id: 'msg_before', payload: '{"before":true}' }]);
    await migrateToLatest(db);
  });

  it('0018 on PostgreSQL: a claim rewrites its rows in place (HOT, no index entries), and even a generic plan finds due rows through the pending index', { skip: !ON_POSTGRES && 'runs in the PostgreSQL pass' }, async () => {
    const { db, dialect } = ctx.database;
    const org = await ctx.services.organizations.create({ name: 'Pages', slug: 'queue-pages' });
    const endpoint = await ctx.services.webhooks.create(org.id, { url: 'https://hooks.example.com/pages', eventTypes: null });
    const now = new Date(Date.now() - 1000).toISOString();
    const ids = Array.from({ length: 50 }, (_, i) => String(i).padStart(3, '0'));
    await db.transaction().execute((trx) =>
      insertEventDeliveries(
        trx,
        ids.map((i) => ({ id: `evt_pages_${i}`, organizationId: org.id, type: 'enrollment_token.created', payload: `{"n":${i}}`, createdAt: now })),
        ids.map((i) => ({ id: `msg_pages_${i}`, organizationId: org.id, endpointId: endpoint.id, eventId: `evt_pages_${i}`, eventType: 'enrollment_token.created', createdAt: now })),
      ),
    );
    const at = new Date().toISOString();
    await db.transaction().execute(async (trx) => {
      // The backend's counts of row updates not yet reported: read before and after the claim.
      const counts = async () =>
        (
          await sql<{ updated: string; hot: string }>`select pg_stat_get_xact_tuples_updated('webhook_deliveries'::regclass) as updated,
            pg_stat_get_xact_tuples_hot_updated('webhook_deliveries'::regclass) as hot`.execute(trx)
        ).rows[0]!;
      const before = await counts();
      const claimed = await claimDue(trx, dialect, 'pages-test', 100, at, new Date(Date.now() + 60_000).toISOString());
      assert.equal(claimed.length, 50);
      const after = await counts();
      assert.equal(Number(after.updated) - Number(before.updated), 50);
      // All but those whose page ran out of room (the rows nearest a page's end can be).
      const inPlace = Number(after.hot) - Number(before.hot);
      assert.ok(inPlace >= 45, `${inPlace} of 50 claimed rows were updated in place`);

      // The queue's statements are prepared (db/postgres-statements.ts) and may run on a generic plan.
      const due = leaseQueue('webhookDeliveries').dueIds(trx, dialect, 640, at).compile();
      const probe = sql.raw(due.sql);
      // A test's table is tiny, where reading it whole is cheapest: rule that out, to see which index a plan can use.
      await sql`set local plan_cache_mode = force_generic_plan`.execute(trx);
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`prepare due_probe as ${probe}`.execute(trx);
      const plan = await sql<{ 'QUERY PLAN': string }>`explain execute due_probe(${sql.join(due.parameters.map((value) => sql.lit(value)))})`.execute(trx);
      await sql`deallocate due_probe`.execute(trx);
      const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
      assert.match(text, /webhook_deliveries_pending_idx/, text);
    });
  });
});
