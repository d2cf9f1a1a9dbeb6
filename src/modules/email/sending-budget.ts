/**
 * Each organization's hourly sending budget (ENROLLD_EMAIL_ORG_RATE_LIMIT): the worker takes a
 * slot for every invitation it is about to hand to the mail server, stamping the outbox row's
 * `budgetedAt`. An organization's slots of the last hour are counted in the database (index
 * organization_id, budgeted_at), under a lock on the organization's row, so the budget holds
 * across any number of workers and nodes. Rows beyond the budget are not sent: their lease is
 * released and their next attempt is set to when a slot frees — no attempt is counted, nothing
 * is dropped — and their tokens' emailDelivery says why they wait.
 */
import type { Db } from '../../db/database.ts';
import { groupBy } from '../../lib/group-by.ts';
import { chunks, chunkSizeFor } from '../../db/bulk-insert.ts';
import type { OrganizationService } from '../organizations/organizations.service.ts';
import type { OutboxRow } from './outbox.repository.ts';
import { recordInvitationsDeferred } from '../enrollment-tokens/token-state.ts';

export const BUDGET_WINDOW_MS = 60 * 60 * 1000;

/** The reason shown on a waiting invitation's token. */
export function deferredReason(limit: number, resumesAt: string): string {
  return `organization sending limit (${limit}/hour) reached; sending resumes at ${resumesAt}`;
}

/**
 * Take slots for `rows` (held by `owner`, about to be sent) at `now`. Answers the ids of the rows
 * that must wait; the others may be sent. One transaction; organizations are locked in id order,
 * so two workers never wait on each other crosswise.
 */
export async function takeSendingSlots(
  db: Db,
  organizations: Pick<OrganizationService, 'lockRow'>,
  owner: string,
  rows: readonly OutboxRow[],
  limit: number,
  now: Date,
): Promise<Set<string>> {
  const deferred = new Set<string>();
  if (rows.length === 0) return deferred;
  const byOrganization = groupBy(rows, (row) => row.organizationId);
  const at = now.toISOString();
  const windowStart = new Date(now.getTime() - BUDGET_WINDOW_MS).toISOString();
  await db.transaction().execute(async (trx) => {
    for (const organizationId of [...byOrganization.keys()].sort()) {
      const mine = byOrganization.get(organizationId)!;
      await organizations.lockRow(trx, organizationId);
      const used = await slotsUsed(trx, organizationId, windowStart);
      const granted = mine.slice(0, Math.max(0, limit - used));
      const waiting = mine.slice(granted.length);
      for (const ids of chunks(granted.map((row) => row.id), chunkSizeFor(1))) {
        await trx.updateTable('emailOutbox').set({ budgetedAt: at }).where('leaseOwner', '=', owner).where('id', 'in', ids).execute();
      }
      if (waiting.length === 0) continue;
      await deferRows(trx, owner, organizationId, waiting, { limit, used: used + granted.length, windowStart, now });
      for (const row of waiting) deferred.add(row.id);
    }
  });
  return deferred;
}

async function slotsUsed(trx: Db, organizationId: string, windowStart: string): Promise<number> {
  const row = await trx
    .selectFrom('emailOutbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organizationId', '=', organizationId)
    .where('budgetedAt', '>', windowStart)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Push `waiting` out to the moments slots free: with `used` slots taken in the window, the i-th
 * waiting row gets the slot of the (used − limit + i)-th oldest stamp, free an hour after it.
 * Rows waiting from earlier batches are not counted ahead, so a few may be pushed out again.
 */
async function deferRows(
  trx: Db,
  owner: string,
  organizationId: string,
  waiting: readonly OutboxRow[],
  window: { limit: number; used: number; windowStart: string; now: Date },
): Promise<void> {
  const stamps = await trx
    .selectFrom('emailOutbox')
    .select('budgetedAt')
    .where('organizationId', '=', organizationId)
    .where('budgetedAt', '>', window.windowStart)
    .orderBy('budgetedAt')
    .limit(waiting.length)
    .offset(Math.max(0, window.used - window.limit))
    .execute();
  const latest = window.now.getTime();
  const freesAt = (i: number) => {
    const stamp = stamps[i]?.budgetedAt;
    return new Date((stamp ? new Date(stamp).getTime() : latest) + BUDGET_WINDOW_MS + 1).toISOString();
  };
  const byTime = groupBy(waiting.map((row, i) => ({ row, freesAt: freesAt(i) })), (entry) => entry.freesAt, (entry) => entry.row);
  for (const [freesAt, rows] of byTime) {
    const ids = rows.map((row) => row.id);
    await trx.updateTable('emailOutbox').set({ nextAttemptAt: freesAt, leaseOwner: null, leaseUntil: null }).where('leaseOwner', '=', owner).where('id', 'in', ids).execute();
    await recordInvitationsDeferred(trx, rows.map((row) => row.tokenId), deferredReason(window.limit, freesAt));
  }
}
