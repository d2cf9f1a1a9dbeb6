/**
 * Queuing invitations: what other modules (the token service) ask of the email module. Rows go
 * into the outbox in the caller's transaction, so an invitation exists exactly when its token
 * does; the worker sends them.
 */
import type { Db } from '../../db/database.ts';
import { enqueueInvitations, type Invitation, supersedeWaitingInvitations } from './outbox.repository.ts';

export type { Invitation };

export function createInvitationQueue(deps: { mailDomain: string }) {
  return {
    /** Queue invitations, each due now. */
    enqueue: (trx: Db, invitations: readonly Invitation[], now: string) => enqueueInvitations(trx, invitations, now, deps.mailDomain),
    /** Retire a token's deliveries still waiting for a (re)try: a resend replaces them. */
    supersedeWaiting: (trx: Db, tokenId: string) => supersedeWaitingInvitations(trx, tokenId),
  };
}

export type InvitationQueue = ReturnType<typeof createInvitationQueue>;
