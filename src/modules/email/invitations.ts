/**
 * Queuing invitations: what other modules (the token service) ask of the email module. Rows go
 * into the outbox in the caller's transaction, so an invitation exists exactly when its token
 * does; the worker sends them. An invitation may be queued HELD — its token's provider (AMAPI)
 * has not made the token yet — and is then released, or failed, when the provider answers.
 */
import type { Db } from '../../db/database.ts';
import { enqueueInvitations, failHeldInvitations, type Invitation, releaseHeldInvitations, supersedeWaitingInvitations } from './outbox.repository.ts';

export type { Invitation };

export function createInvitationQueue(deps: { mailDomain: string }) {
  return {
    /** Queue invitations, each due now, or HELD until released. */
    enqueue: (trx: Db, invitations: readonly Invitation[], now: string, options: { held?: boolean } = {}) => enqueueInvitations(trx, invitations, now, deps.mailDomain, options.held ?? false),
    /** The held invitations of these tokens become due now; answers how many. */
    releaseHeld: (trx: Db, tokenIds: readonly string[], now: string) => releaseHeldInvitations(trx, tokenIds, now),
    /** The held invitations of these tokens will never go; answers how many. */
    failHeld: (trx: Db, tokenIds: readonly string[], reason: string) => failHeldInvitations(trx, tokenIds, reason),
    /** Retire a token's deliveries still waiting for a (re)try or held: a resend replaces them. */
    supersedeWaiting: (trx: Db, tokenId: string) => supersedeWaitingInvitations(trx, tokenId),
  };
}

export type InvitationQueue = ReturnType<typeof createInvitationQueue>;
