/**
 * PostgreSQL only: the webhook queue writes less per delivery.
 *
 * Every delivery rewrites its row twice: the claim writes the lease, the outcome writes the
 * status. PostgreSQL writes a new version of the row each time and, unless the new version fits
 * on the same page and no indexed column changed (a HOT update), an entry in every index of the
 * table. With pages filled by inserts, neither write was HOT: six index entries a delivery.
 * - `fillfactor = 50`: inserts leave half of each page free, so the claim's new version (only
 *   the lease columns change, and no index holds them) stays on its page, as a HOT update with
 *   no index entry. The outcome changes the status, so it still writes its entries.
 * - The due index covers only PENDING rows, on `next_attempt_at` (renamed
 *   `webhook_deliveries_pending_idx`): a delivered or failed row's new version gets no entry in
 *   it, and the claim reads a small index instead of one holding every delivery ever made. The
 *   queue's statements write `status = 'PENDING'` as a literal (jobs/lease-queue.ts): a prepared
 *   statement's generic plan can only use a partial index whose predicate it sees.
 *
 * Measured by EXPLAIN (ANALYZE, WAL) over a drained 10,000-delivery queue: the claim and the
 * outcome together wrote ~1,520 bytes of write-ahead log per delivery before and ~780 after, and
 * took ~30–37 µs of server time per delivery before and ~18–25 after (one run of five 32); during bench:webhooks the
 * PostgreSQL processes used ~56–65 µs per delivery before and ~40 after. The price is space: the
 * table's pages are filled to about half by inserts.
 *
 * The fillfactor applies to pages written from now on (PostgreSQL does not rewrite the table for
 * it). The new index is built before the old one is dropped, so the claim always has one.
 * SQLite has no fillfactor, and its queue rows are rewritten in place: nothing changes there.
 */
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  await sql`alter table webhook_deliveries set (fillfactor = 50)`.execute(db);
  await sql`create index webhook_deliveries_pending_idx on webhook_deliveries (next_attempt_at) where status = 'PENDING'`.execute(db);
  await db.schema.dropIndex('webhook_deliveries_due_idx').execute();
}

export async function down(db: AnyDb): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.dropIndex('webhook_deliveries_pending_idx').execute();
  await sql`alter table webhook_deliveries reset (fillfactor)`.execute(db);
}
