/**
 * SQL for the email outbox. Rows are written in the token's transaction, claimed under a lease
 * (an expired lease means its worker died: the row is claimable again), and finished with their
 * outcome, mirrored onto the token's `emailDelivery`.
 */
import type { Selectable } from 'kysely';
import { type BulkColumns, chunks, chunkSizeFor, insertRows } from '../../db/bulk-insert.ts';
import { groupBy } from '../../lib/group-by.ts';
import { type DialectName, lockForClaim } from '../../db/dialect.ts';
import type { EmailOutboxTable } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import { toIso } from '../../lib/time.ts';
import type { Db } from '../../db/database.ts';
import { recordInvitationAttempt, recordInvitationsSent } from '../enrollment-tokens/token-state.ts';


export interface OutboxRow {
  id: string;
  organizationId: string;
  tokenId: string;
  messageId: string;
  language: string | null;
  emailText: string | null;
  attempts: number;
}

/** A row as claimed: with when it became due, which the worker's lag is measured against. */
export interface ClaimedRow extends OutboxRow {
  nextAttemptAt: string;
}

export interface Invitation {
  organizationId: string;
  tokenId: string;
  language?: string | null;
  emailText?: string | null;
}

function toClaimedRow(row: Selectable<EmailOutboxTable>): ClaimedRow {
  return {
    id: row.id,
    organizationId: row.organizationId,
    tokenId: row.tokenId,
    messageId: row.messageId,
    language: row.language,
    emailText: row.emailText,
    attempts: Number(row.attempts),
    nextAttemptAt: toIso(row.nextAttemptAt),
  };
}

/** How each outbox column an invitation sets is stored (budgetedAt is left to its default, null). */
const INVITATION_COLUMN_KINDS = {
  id: 'text', organizationId: 'text', tokenId: 'text', messageId: 'text', language: 'text', emailText: 'text', status: 'text',
  attempts: 'integer', nextAttemptAt: 'timestamp', leaseOwner: 'text', leaseUntil: 'timestamp', lastError: 'text', createdAt: 'timestamp', sentAt: 'timestamp',
} as const satisfies BulkColumns<'emailOutbox'>;

/** Queue invitations (in the caller's transaction): one statement on PostgreSQL, multi-row chunks on SQLite (db/bulk-insert.ts). */
export async function enqueueInvitations(trx: Db, invitations: readonly Invitation[], now: string, mailDomain: string): Promise<void> {
  const rows = invitations.map((invitation) => {
    const id = newId();
    return {
      id,
      organizationId: invitation.organizationId,
      tokenId: invitation.tokenId,
      messageId: `<${id}.${invitation.tokenId}@${mailDomain}>`,
      language: invitation.language ?? null,
      emailText: invitation.emailText ?? null,
      status: 'PENDING',
      attempts: 0,
      nextAttemptAt: now,
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
      createdAt: now,
      sentAt: null,
    };
  });
  await insertRows(trx, 'emailOutbox', INVITATION_COLUMN_KINDS, rows);
}

/** Take up to `limit` due rows for `owner` until `leaseUntil`; rows under a live lease are skipped. */
export async function claimDue(db: Db, dialect: DialectName, owner: string, limit: number, now: string, leaseUntil: string): Promise<ClaimedRow[]> {
  const due = lockForClaim(
    dialect,
    db
      .selectFrom('emailOutbox')
      .select('id')
      .where('status', '=', 'PENDING')
      .where('nextAttemptAt', '<=', now)
      .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', now)]))
      .orderBy('nextAttemptAt')
      .limit(limit),
  );
  const rows = await db.updateTable('emailOutbox').set({ leaseOwner: owner, leaseUntil }).where('id', 'in', due).returningAll().execute();
  return rows.map(toClaimedRow);
}

export interface Outcome {
  row: OutboxRow;
  status: 'SENT' | 'PENDING' | 'FAILED';
  at: string;
  error: string | null;
  nextAttemptAt?: string;
}

/**
 * Record attempts' outcomes on their outbox rows and tokens, in one transaction per batch. Only
 * rows `owner` still holds are touched: a worker that lost its lease must not overwrite the
 * outcome of the worker that took over.
 */
export async function recordOutcomes(db: Db, owner: string, outcomes: readonly Outcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const sent = outcomes.filter((outcome) => outcome.status === 'SENT');
  const others = outcomes.filter((outcome) => outcome.status !== 'SENT');
  await db.transaction().execute(async (trx) => {
    if (sent.length > 0) await recordSent(trx, owner, sent);
    for (const outcome of others) await recordOne(trx, owner, outcome);
  });
}

/**
 * Deliveries, the common case, in a few statements for the whole batch rather than two per
 * message (on PostgreSQL each statement is a round trip). `sentAt` is the last send of the
 * batch, within the batch's second or so of the real time of each message.
 */
async function recordSent(trx: Db, owner: string, sent: readonly Outcome[]): Promise<void> {
  const at = sent.reduce((latest, outcome) => (outcome.at > latest ? outcome.at : latest), sent[0]!.at);
  for (const ids of chunks(sent.map((outcome) => outcome.row.id), chunkSizeFor(1))) {
    const recorded = await trx
      .updateTable('emailOutbox')
      .set((eb) => ({ status: 'SENT', attempts: eb('attempts', '+', 1), lastError: null, sentAt: at, nextAttemptAt: at, leaseOwner: null, leaseUntil: null }))
      .where('leaseOwner', '=', owner)
      .where('id', 'in', ids)
      .returning(['tokenId', 'attempts'])
      .execute();
    // One token update per distinct attempt count (almost always just "1").
    const byAttempts = groupBy(recorded, (row) => Number(row.attempts), (row) => row.tokenId);
    for (const [attempts, tokenIds] of byAttempts) {
      await recordInvitationsSent(trx, tokenIds, attempts, at);
    }
  }
}

async function recordOne(trx: Db, owner: string, outcome: Outcome): Promise<void> {
  const attempts = outcome.row.attempts + 1;
  const updated = await trx
    .updateTable('emailOutbox')
    .set({
      status: outcome.status,
      attempts,
      lastError: outcome.error,
      sentAt: null,
      nextAttemptAt: outcome.nextAttemptAt ?? outcome.at,
      leaseOwner: null,
      leaseUntil: null,
    })
    .where('id', '=', outcome.row.id)
    .where('leaseOwner', '=', owner)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return;
  await recordInvitationAttempt(trx, outcome.row.tokenId, outcome.status === 'PENDING' ? 'QUEUED' : outcome.status, attempts, outcome.error);
}

/** Retire a token's deliveries still waiting for a (re)try: a resend replaces them. */
export async function supersedeWaitingInvitations(trx: Db, tokenId: string): Promise<void> {
  await trx
    .updateTable('emailOutbox')
    .set({ status: 'FAILED', lastError: 'superseded by a resend' })
    .where('tokenId', '=', tokenId)
    .where('status', '=', 'PENDING')
    .where('leaseOwner', 'is', null)
    .execute();
}

/**
 * Push the lease of rows this worker still holds further out: they are being sent or recorded,
 * and a slow SMTP server must not let another worker take them and send them a second time.
 */
export async function extendLeases(db: Db, owner: string, ids: readonly string[], leaseUntil: string): Promise<void> {
  for (const chunk of chunks(ids, chunkSizeFor(1))) {
    await db.updateTable('emailOutbox').set({ leaseUntil }).where('leaseOwner', '=', owner).where('id', 'in', chunk).execute();
  }
}

/** Give back rows a stopping worker claimed but did not send, so the next worker takes them at once. */
export async function releaseLeases(db: Db, owner: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('emailOutbox').set({ leaseOwner: null, leaseUntil: null }).where('leaseOwner', '=', owner).where('id', 'in', ids).execute();
}

/**
 * Where the invitations still to deliver stand at `now`, for the metrics scrape: `sending` (under
 * a live lease), `due` (waiting for a worker) and `waiting` (a retry or the sending budget holds
 * them until later). One statement over the PENDING range of the (status, next_attempt_at) index;
 * SENT and FAILED rows, which only grow, are not counted.
 */
export async function countUnsentByState(db: Db, now: string): Promise<Record<'sending' | 'due' | 'waiting', number>> {
  const rows = await db
    .selectFrom('emailOutbox')
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
    .where('status', '=', 'PENDING')
    .groupBy('state')
    .execute();
  const counts = { sending: 0, due: 0, waiting: 0 };
  for (const row of rows) counts[row.state as keyof typeof counts] = Number(row.n);
  return counts;
}

/** When the longest-waiting due invitation became due (null: none is due). One index lookup. */
export async function oldestDueAt(db: Db, now: string): Promise<string | null> {
  const row = await db
    .selectFrom('emailOutbox')
    .select((eb) => eb.fn.min('nextAttemptAt').as('oldest'))
    .where('status', '=', 'PENDING')
    .where('nextAttemptAt', '<=', now)
    .executeTakeFirst();
  return row?.oldest ? toIso(row.oldest) : null;
}
