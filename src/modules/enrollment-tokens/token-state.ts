/**
 * The changes other modules make to a token inside their own transactions: the redemption's claim
 * (PENDING → DONE), the invitation's delivery status the email worker records on it, and the
 * state its platform's provider reports (token-provisioning.ts). The SQL
 * lives here, with the table's owner; the callers run it on their executor (a transaction, or a
 * statement of theirs that composes the claim).
 */
import type { QueryCreator } from 'kysely';
import type { Db } from '../../db/database.ts';
import { prepareQuery } from '../../db/prepared.ts';
import type { Database } from '../../db/schema.ts';

export interface ClaimArgs {
  tokenId: string;
  deviceId: string;
  now: string;
}

/**
 * The one conditional update that decides a redemption: only a PENDING, unexpired token becomes
 * DONE, so of any number of concurrent attempts exactly one changes the row. A query to run, or
 * to compose into a larger statement (the redemption's one-statement claim on PostgreSQL).
 */
export function claimQuery(qb: QueryCreator<Database>, a: ClaimArgs) {
  return qb
    .updateTable('enrollmentTokens')
    .set({ state: 'DONE', deviceId: a.deviceId, updatedAt: a.now })
    .where('id', '=', a.tokenId)
    .where('state', '=', 'PENDING')
    .where('expireAt', '>', a.now);
}

const claim = prepareQuery((db, a: ClaimArgs) => claimQuery(db, a));

/** Claim the token for the device; false when another attempt won, or it expired or was revoked. */
export async function claimToken(trx: Db, a: ClaimArgs): Promise<boolean> {
  return (await claim.run(trx, a)) === 1;
}

/** Invitations delivered: SENT after `attempts` attempts, at `at`. */
export async function recordInvitationsSent(trx: Db, tokenIds: readonly string[], attempts: number, at: string): Promise<void> {
  await trx
    .updateTable('enrollmentTokens')
    .set({ emailStatus: 'SENT', emailAttempts: attempts, emailLastError: null, emailDeferredReason: null, emailSentAt: at })
    .where('id', 'in', tokenIds)
    .execute();
}

/** One invitation's attempt: QUEUED for a retry or FAILED for good (with the error), or SENT. */
export async function recordInvitationAttempt(trx: Db, tokenId: string, status: 'QUEUED' | 'SENT' | 'FAILED', attempts: number, error: string | null): Promise<void> {
  await trx
    .updateTable('enrollmentTokens')
    .set({ emailStatus: status, emailAttempts: attempts, emailLastError: error, emailDeferredReason: null })
    .where('id', '=', tokenId)
    .execute();
}

/** Invitations held back by the sending budget, with why (shown in the token's emailDelivery). */
export async function recordInvitationsDeferred(trx: Db, tokenIds: readonly string[], reason: string): Promise<void> {
  await trx.updateTable('enrollmentTokens').set({ emailDeferredReason: reason }).where('id', 'in', tokenIds).execute();
}

/** What the token's provider made of it (JSON; see token-provisioning.ts). */
export async function setPlatformState(trx: Db, tokenId: string, stateJson: string, now: string): Promise<void> {
  await trx.updateTable('enrollmentTokens').set({ platformState: stateJson, updatedAt: now }).where('id', '=', tokenId).execute();
}
