/**
 * Webhook bodies move out of the delivery queue:
 * - `webhook_events`: one row per event an organization's endpoints receive, with the exact body
 *   every delivery of it sends (text on both databases: jsonb would reorder its keys and break
 *   the signature). An event to three endpoints stores its body once.
 * - `webhook_deliveries.event_id`: the event a delivery sends; `payload` becomes nullable and is
 *   null on rows queued from now on. Rows queued before keep their body in `payload` (they are
 *   read as `coalesce(payload, the event's payload)`), so nothing is copied.
 *
 * Why: a queue row is rewritten twice per delivery (claimed under a lease, then its outcome), and
 * a database rewrites the whole row each time. With the ~1 KB body inside, a 640-row claim and
 * its record took ~21 µs a row on SQLite; with the body in its own table, ~9 µs (and the queue's
 * pages, which the write-ahead log copies, hold five times as many rows).
 *
 * `event_id` has no foreign key: events are deleted only with their organization, which deletes
 * its deliveries too, and a key would need an index on every queued delivery just for that delete.
 *
 * SQLite cannot drop a NOT NULL constraint in place: there the table is rebuilt (as SQLite
 * documents: create the new table, copy, drop the old one, rename, recreate the indexes); nothing
 * references it. On PostgreSQL it is an ALTER. Down moves the bodies of rows queued since back
 * into `payload` and restores the table as migration 0010 made it.
 *
 * The SQL is written out here, not generated: a migration must keep meaning what it meant.
 */
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';
import { columnTypesOf } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** The columns of webhook_deliveries as migration 0010 made them, in order; `payload` after `event_type`. */
const DELIVERY_COLUMNS = [
  'id', 'organization_id', 'endpoint_id', 'event_type', 'payload', 'status', 'attempts', 'next_attempt_at',
  'lease_owner', 'lease_until', 'last_error', 'last_response_status', 'last_response_body', 'created_at', 'delivered_at',
] as const;

/** webhook_deliveries under `name`, as 0010 made it, with a nullable payload and event_id last when `withEvents`. */
async function createDeliveries(db: AnyDb, name: string, withEvents: boolean): Promise<void> {
  const types = columnTypesOf(db);
  let table = db.schema
    .createTable(name)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => (withEvents ? c : c.notNull()))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', types.timestamp, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', types.timestamp)
    .addColumn('last_error', 'text')
    .addColumn('last_response_status', 'integer')
    .addColumn('last_response_body', 'text')
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('delivered_at', types.timestamp);
  if (withEvents) table = table.addColumn('event_id', 'text');
  await table.execute();
}

/** SQLite: replace webhook_deliveries by a new one (see createDeliveries), filled by `select` over the old one (aliased `d`). */
async function rebuildDeliveriesOnSqlite(db: AnyDb, withEvents: boolean, select: ReturnType<typeof sql>): Promise<void> {
  // One transaction: a crash between the drop and the rename must not lose the queue (Kysely runs
  // SQLite's migrations outside one).
  await db.transaction().execute(async (trx) => {
    await createDeliveries(trx, 'webhook_deliveries_rebuilt', withEvents);
    const columns = [...DELIVERY_COLUMNS, ...(withEvents ? ['event_id'] : [])].map((column) => sql.ref(column));
    await sql`insert into webhook_deliveries_rebuilt (${sql.join(columns)}) ${select}`.execute(trx);
    await trx.schema.dropTable('webhook_deliveries').execute();
    await trx.schema.alterTable('webhook_deliveries_rebuilt').renameTo('webhook_deliveries').execute();
    await createDeliveryIndexes(trx);
  });
}

/** The indexes of migration 0010, by the same names. */
async function createDeliveryIndexes(db: AnyDb): Promise<void> {
  await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_endpoint_idx').on('webhook_deliveries').columns(['endpoint_id', 'created_at']).execute();
}

export async function up(db: AnyDb): Promise<void> {
  const types = columnTypesOf(db);
  await db.schema
    .createTable('webhook_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .execute();
  if (dialectOf(db) === 'postgres') {
    await db.schema.alterTable('webhook_deliveries').alterColumn('payload', (c) => c.dropNotNull()).execute();
    await db.schema.alterTable('webhook_deliveries').addColumn('event_id', 'text').execute();
    return;
  }
  const columns = DELIVERY_COLUMNS.map((column) => sql.ref(`d.${column}`));
  await rebuildDeliveriesOnSqlite(db, true, sql`select ${sql.join(columns)}, null from webhook_deliveries d`);
}

export async function down(db: AnyDb): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`update webhook_deliveries d set payload = e.payload from webhook_events e where d.payload is null and e.id = d.event_id`.execute(db);
    await db.schema.alterTable('webhook_deliveries').dropColumn('event_id').execute();
    await db.schema.alterTable('webhook_deliveries').alterColumn('payload', (c) => c.setNotNull()).execute();
  } else {
    const columns = DELIVERY_COLUMNS.map((column) =>
      column === 'payload' ? sql`coalesce(d.payload, (select e.payload from webhook_events e where e.id = d.event_id))` : sql.ref(`d.${column}`),
    );
    await rebuildDeliveriesOnSqlite(db, false, sql`select ${sql.join(columns)} from webhook_deliveries d`);
  }
  await db.schema.dropTable('webhook_events').execute();
}
