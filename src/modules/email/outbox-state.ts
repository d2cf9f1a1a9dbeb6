/** What the outbox holds, as operators watch it (the metrics read it at each scrape). */
import type { Db } from '../../db/database.ts';
import { countUnsentByState, oldestDueAt } from './outbox.repository.ts';

/** Unsent invitations by state: due (waiting for a worker), sending (claimed), waiting (a retry or the budget). */
export const unsentInvitations = (db: Db, now: string) => countUnsentByState(db, now);

/** When the oldest invitation that is due became due, or null when none is. */
export const oldestDueInvitation = (db: Db, now: string) => oldestDueAt(db, now);
