/**
 * SQL for the email outbox, a queue table (jobs/lease-queue.ts): rows are written in the token's
 * transaction, claimed under a lease, and finished with their outcome, mirrored onto the token's
 * `emailDelivery`.
 */
import type { Selectable } from 'kysely';
import { type BulkColumns, chunks, chunkSizeFor, insertRows } from '../../db/bulk-insert.ts';
import { groupBy } from '../../lib/group-by.ts';
import type { DialectName } from '../../db/dialect.ts';
import { leaseQueue } from '../../jobs/lease-queue.ts';
import type { EmailOutboxTable } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import { toIso } from '../../lib/time.ts';
import type { Db } from '../../db/database.ts';
import { recordInvitationAttempt, recordInvitationsSent } from '../enrollment-tokens/token-state.ts';
import type { WebhookOutbox } from '../webhooks/webhook-outbox.ts';


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
export async function enqueueInvitations(trx: Db, invitations: readonly Invitation[], now: string, mailDomain: string, held = false): Promise<void> {
  const rows = invitations.map((invitation) => {
    const id = newId();
    return {
      id,
      organizationId: invitation.organizationId,
      tokenId: invitation.tokenId,
      messageId: `<${id}.${invitation.tokenId}@${mailDomain}>`,
      language: invitation.language ?? null,
      emailText: invitation.emailText ?? null,
      status: held ? 'HELD' : 'PENDING',
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

const queue = leaseQueue('emailOutbox');

/** Take up to `limit` due rows for `owner` until `leaseUntil`; rows under a live lease are skipped. */
export async function claimDue(db: Db, dialect: DialectName, owner: string, limit: number, now: string, leaseUntil: string): Promise<ClaimedRow[]> {
  return (await queue.claimDue(db, dialect, owner, limit, now, leaseUntil)).map(toClaimedRow);
}

export interface Outcome {
  row: OutboxRow;
  status: 'SENT' | 'PENDING' | 'FAILED';
  at: string;
  error: string | null;
  nextAttemptAt?: string;
  /** The address it went (or was to go) to, when the mail was composed. */
  recipient?: string;
  language?: string;
}

/** Where invitation outcomes are told to webhooks, in the transaction that records them. */
export type InvitationEvents = Pick<WebhookOutbox, 'wants' | 'emit'>;

/**
 * Record attempts' outcomes on their outbox rows and tokens, in one transaction per batch, with
 * the `invitation.sent` and `invitation.failed` events of the outcomes recorded. Only rows
 * `owner` still holds are touched: a worker that lost its lease must not overwrite the outcome of
 * the worker that took over. Answers how many webhook deliveries were queued.
 */
export async function recordOutcomes(db: Db, owner: string, outcomes: readonly Outcome[], events: InvitationEvents): Promise<number> {
  if (outcomes.length === 0) return 0;
  const sent = outcomes.filter((outcome) => outcome.status === 'SENT');
  const others = outcomes.filter((outcome) => outcome.status !== 'SENT');
  return db.transaction().execute(async (trx) => {
    const told: Outcome[] = sent.length > 0 ? await recordSent(trx, owner, sent) : [];
    for (const outcome of others) {
      if ((await recordOne(trx, owner, outcome)) && outcome.status === 'FAILED') told.push(outcome);
    }
    return emitInvitationEvents(trx, told, events);
  });
}

/** The invitation events of recorded final outcomes, per organization that listens. */
async function emitInvitationEvents(trx: Db, outcomes: readonly Outcome[], events: InvitationEvents): Promise<number> {
  let queued = 0;
  for (const [organizationId, ofOrganization] of groupBy(outcomes, (outcome) => outcome.row.organizationId)) {
    if (!(await events.wants(trx, organizationId, 'invitation.sent', 'invitation.failed'))) continue;
    queued += await events.emit(
      trx,
      organizationId,
      ofOrganization.map((outcome) => ({
        type: outcome.status === 'SENT' ? 'invitation.sent' : 'invitation.failed',
        timestamp: outcome.at,
        data: {
          enrollmentTokenId: outcome.row.tokenId,
          email: outcome.recipient ?? null,
          language: outcome.language ?? null,
          messageId: outcome.row.messageId,
          emailDelivery: {
            status: outcome.status,
            attempts: outcome.row.attempts + 1,
            sentAt: outcome.status === 'SENT' ? outcome.at : null,
            lastError: outcome.error,
          },
        },
      })),
    );
  }
  return queued;
}

/**
 * Deliveries, the common case, in a few statements for the whole batch rather than two per
 * message (on PostgreSQL each statement is a round trip). `sentAt` is the last send of the
 * batch, within the batch's second or so of the real time of each message. Answers the outcomes
 * recorded (those of rows `owner` still held).
 */
async function recordSent(trx: Db, owner: string, sent: readonly Outcome[]): Promise<Outcome[]> {
  const at = sent.reduce((latest, outcome) => (outcome.at > latest ? outcome.at : latest), sent[0]!.at);
  const byId = new Map(sent.map((outcome) => [outcome.row.id, outcome]));
  const recordedOutcomes: Outcome[] = [];
  for (const ids of chunks([...byId.keys()], chunkSizeFor(1))) {
    const recorded = await trx
      .updateTable('emailOutbox')
      .set((eb) => ({ status: 'SENT', attempts: eb('attempts', '+', 1), lastError: null, sentAt: at, nextAttemptAt: at, leaseOwner: null, leaseUntil: null }))
      .where('leaseOwner', '=', owner)
      .where('id', 'in', ids)
      .returning(['id', 'tokenId', 'attempts'])
      .execute();
    for (const row of recorded) recordedOutcomes.push(byId.get(row.id)!);
    // One token update per distinct attempt count (almost always just "1").
    const byAttempts = groupBy(recorded, (row) => Number(row.attempts), (row) => row.tokenId);
    for (const [attempts, tokenIds] of byAttempts) {
      await recordInvitationsSent(trx, tokenIds, attempts, at);
    }
  }
  return recordedOutcomes;
}

/** Answers whether the outcome was recorded (its row was still `owner`'s). */
async function recordOne(trx: Db, owner: string, outcome: Outcome): Promise<boolean> {
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
  if (Number(updated.numUpdatedRows) !== 1) return false;
  await recordInvitationAttempt(trx, outcome.row.tokenId, outcome.status === 'PENDING' ? 'QUEUED' : outcome.status, attempts, outcome.error);
  return true;
}

/** Retire a token's deliveries still waiting for a (re)try: a resend replaces them. */
export async function supersedeWaitingInvitations(trx: Db, tokenId: string): Promise<void> {
  await trx
    .updateTable('emailOutbox')
    .set({ status: 'FAILED', lastError: 'superseded by a resend' })
    .where('tokenId', '=', tokenId)
    .where('status', 'in', ['PENDING', 'HELD'])
    .where('leaseOwner', 'is', null)
    .execute();
}

/**
 * Invitations HELD until their token's provider made it (AMAPI): due now. Answers how many were
 * released.
 */
export async function releaseHeldInvitations(trx: Db, tokenIds: readonly string[], now: string): Promise<number> {
  const result = await trx.updateTable('emailOutbox').set({ status: 'PENDING', nextAttemptAt: now }).where('tokenId', 'in', tokenIds).where('status', '=', 'HELD').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Invitations HELD for a token its provider could not make: they will never be sent. Answers how many. */
export async function failHeldInvitations(trx: Db, tokenIds: readonly string[], reason: string): Promise<number> {
  const result = await trx.updateTable('emailOutbox').set({ status: 'FAILED', lastError: reason }).where('tokenId', 'in', tokenIds).where('status', '=', 'HELD').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export const { extendLeases, releaseLeases } = queue;

/** Where the invitations still to deliver stand at `now` (see lease-queue.ts). */
export const countUnsentByState = queue.countUnfinished;

/** When the longest-waiting due invitation became due (null: none is due). */
export const oldestDueAt = queue.oldestDueAt;
