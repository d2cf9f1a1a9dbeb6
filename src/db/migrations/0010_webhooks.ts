/**
 * Outbound webhooks:
 * - `webhook_endpoints`: an organization's destinations. `event_types` is a JSON array of the
 *   event types it receives (null: every type). The signing secret is sealed (crypto/secret-box.ts);
 *   after a rotation the previous one keeps signing beside it until `previous_secret_until`.
 *   `disabled_at`/`disabled_reason`: switched off by an admin, or by enrolld after every delivery
 *   failed since `failing_since` for the failure window.
 * - `webhook_deliveries`: one message to one endpoint, a queue table (jobs/lease-queue.ts). Its
 *   id is the message's `webhook-id`, stable across attempts; `payload` is the exact body sent
 *   (text on both databases: jsonb would reorder its keys and break the signature).
 * On PostgreSQL, endpoints notify changes like the other cached tables (migration 0009), so
 * every process drops its cached subscriptions when one changes.
 *
 * The SQL is written out here, not generated: a migration must keep meaning what it meant.
 */
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';
import { columnTypesOf } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypesOf(db);
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('event_types', types.json)
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('previous_secret_sealed', 'text')
    .addColumn('previous_secret_until', types.timestamp)
    .addColumn('disabled_at', types.timestamp)
    .addColumn('disabled_reason', 'text')
    .addColumn('failing_since', types.timestamp)
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('updated_at', types.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_endpoints_org_idx').on('webhook_endpoints').columns(['organization_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    /** PENDING (to deliver or retry), DELIVERED, FAILED (every attempt failed, or the endpoint is gone). */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', types.timestamp, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', types.timestamp)
    .addColumn('last_error', 'text')
    .addColumn('last_response_status', 'integer')
    .addColumn('last_response_body', 'text')
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('delivered_at', types.timestamp)
    .execute();
  // The claim query: due PENDING rows in order.
  await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  // An endpoint's delivery log, newest first.
  await db.schema.createIndex('webhook_deliveries_endpoint_idx').on('webhook_deliveries').columns(['endpoint_id', 'created_at']).execute();

  if (dialectOf(db) === 'postgres') {
    await sql
      .raw('create trigger webhook_endpoints_notify_change after insert or update or delete or truncate on webhook_endpoints for each statement execute function enrolld_notify_change()')
      .execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_endpoints').execute();
}
