/**
 * The SQL every queue table shares. A queue table holds one row per job with the columns of
 * QueueColumns (db/schema.ts): `status` (PENDING while the job is to do or retry; a final status
 * after), `attempts`, `next_attempt_at` (due from then), `lease_owner` and `lease_until` (who
 * holds the row, and until when: an expired lease means its runner died, and the row is
 * claimable again), and `last_error`; an index on (status, next_attempt_at) serves the claim (on
 * PostgreSQL, webhook_deliveries has one on next_attempt_at over PENDING rows only: see below).
 * What a kind adds (the email's token and Message-ID, the webhook's endpoint and body) is its own.
 */
import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { type DialectName, lockForClaim } from '../db/dialect.ts';
import { isOneOf } from '../db/bulk-insert.ts';
import type { Database, QueueColumns } from '../db/schema.ts';
import { toIso } from '../lib/time.ts';

/**
 * `status = 'PENDING'` with the value in the statement's text rather than bound: PostgreSQL's
 * due index of webhook_deliveries covers only PENDING rows (migration 0018), and the generic
 * plan of a prepared statement can use a partial index only when its predicate is in the text.
 */
const PENDING = sql.lit('PENDING');

/** The tables that follow the queue-table contract above. */
export type QueueTableName = { [T in keyof Database]: Database[T] extends QueueColumns ? T : never }[keyof Database];

/**
 * The queries below use only the contract's columns, which every queue table has under the same
 * names and types; Kysely is told the table is `emailOutbox` only so that it types them.
 */
const asTable = (table: QueueTableName) => table as 'emailOutbox';

/** Where a queue's unfinished jobs stand: claimed (`sending`), `due`, or `waiting` for a later attempt. */
export type UnfinishedCounts = Record<'sending' | 'due' | 'waiting', number>;

export function leaseQueue<T extends QueueTableName>(table: T) {
  const name = asTable(table);

  /**
   * The ids of up to `limit` rows due at `now`, oldest due first, skipping rows under a live
   * lease (and on PostgreSQL rows another claim has locked): the subquery a claim updates.
   */
  function dueIds(db: Db, dialect: DialectName, limit: number, now: string) {
    return lockForClaim(
      dialect,
      db
        .selectFrom(name)
        .select('id')
        .where('status', '=', PENDING)
        .where('nextAttemptAt', '<=', now)
        .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', now)]))
        .orderBy('nextAttemptAt')
        .limit(limit),
    );
  }

  return {
    dueIds,

    /** Take up to `limit` due rows for `owner` until `leaseUntil` (see dueIds), answering them whole. */
    async claimDue(db: Db, dialect: DialectName, owner: string, limit: number, now: string, leaseUntil: string): Promise<Array<Selectable<Database[T]>>> {
      const rows = await db.updateTable(name).set({ leaseOwner: owner, leaseUntil }).where('id', 'in', dueIds(db, dialect, limit, now)).returningAll().execute();
      return rows as unknown as Array<Selectable<Database[T]>>;
    },

    /**
     * Push the lease of rows `owner` still holds further out: they are being worked or recorded,
     * and a slow destination must not let another runner take them and repeat them.
     */
    async extendLeases(db: Db, owner: string, ids: readonly string[], leaseUntil: string): Promise<void> {
      for (const isHeld of isOneOf(db, 'id', ids)) {
        await db.updateTable(name).set({ leaseUntil }).where('leaseOwner', '=', owner).where(isHeld).execute();
      }
    },

    /** Give back rows a stopping runner claimed but did not do, so the next runner takes them at once. */
    async releaseLeases(db: Db, owner: string, ids: readonly string[]): Promise<void> {
      for (const isHeld of isOneOf(db, 'id', ids)) {
        await db.updateTable(name).set({ leaseOwner: null, leaseUntil: null }).where('leaseOwner', '=', owner).where(isHeld).execute();
      }
    },

    /**
     * Where the unfinished jobs stand at `now`, for the metrics scrape: `sending` (under a live
     * lease), `due` (waiting for a runner) and `waiting` (a retry holds them until later). One
     * statement over the PENDING rows of the due index; finished rows, which only grow, are not
     * counted.
     */
    async countUnfinished(db: Db, now: string): Promise<UnfinishedCounts> {
      const rows = await db
        .selectFrom(name)
        .select((eb) => [
          eb
            .case()
            .when(eb.and([eb('leaseUntil', 'is not', null), eb('leaseUntil', '>', now)]))
            .then('sending')
            .when('nextAttemptAt', '<=', now)
            .then('due')
            .else('waiting')
            .end()
            .as('state'),
          eb.fn.countAll<number>().as('n'),
        ])
        .where('status', '=', PENDING)
        .groupBy('state')
        .execute();
      const counts = { sending: 0, due: 0, waiting: 0 };
      for (const row of rows) counts[row.state as keyof typeof counts] = Number(row.n);
      return counts;
    },

    /** When the longest-waiting due job became due (null: none is due). One index lookup. */
    async oldestDueAt(db: Db, now: string): Promise<string | null> {
      const row = await db
        .selectFrom(name)
        .select((eb) => eb.fn.min('nextAttemptAt').as('oldest'))
        .where('status', '=', PENDING)
        .where('nextAttemptAt', '<=', now)
        .executeTakeFirst();
      return row?.oldest ? toIso(row.oldest) : null;
    },
  };
}
