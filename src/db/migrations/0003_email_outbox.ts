/**
 * The email outbox: one row per invitation to deliver, written in the same transaction as its
 * token, claimed by workers under a lease, and kept with its outcome.
 */
import type { Kysely } from 'kysely';
import { columnTypesOf } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const types = columnTypesOf(db);
  await db.schema
    .createTable('email_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('token_id', 'text', (c) => c.notNull().references('enrollment_tokens.id').onDelete('cascade'))
    /** Stable across retries, so a redelivery after a crash is recognisable. */
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    /** Overrides given to resend (null: the token's own). */
    .addColumn('language', 'text')
    .addColumn('email_text', 'text')
    /** PENDING (to send or retry), SENT, FAILED (permanently). */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', types.timestamp, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', types.timestamp)
    .addColumn('last_error', 'text')
    .addColumn('created_at', types.timestamp, (c) => c.notNull())
    .addColumn('sent_at', types.timestamp)
    .execute();
  // The claim query: due PENDING rows in order.
  await db.schema.createIndex('email_outbox_due_idx').on('email_outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('email_outbox_token_idx').on('email_outbox').columns(['token_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_outbox').execute();
}
