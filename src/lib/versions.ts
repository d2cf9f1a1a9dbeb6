/**
 * Optimistic concurrency for the resources a client edits (users, tokens, enterprises, catalog
 * items, webhooks). A resource's version is its `updatedAt`, which every change moves strictly
 * forward. A change is written only while the row still has the version it was read at, so two
 * edits racing cannot silently lose one: without a precondition the loser reads again and
 * re-applies its change; with one (the client's If-Match) it is refused, because the client
 * decided on a version that is no longer there.
 */
import { AppError, ErrorCode } from '../errors.ts';

/** What the client said it last saw (If-Match): a test of a version. */
export interface Precondition {
  matches(version: string): boolean;
}

/** How often a change that keeps meeting other changes is read and tried again. */
const MAX_ATTEMPTS = 5;

/** The version after `current`: now, or a millisecond past `current` when the clock has not moved on. */
export function nextVersion(current: string, now: string): string {
  const currentMs = Date.parse(current);
  return Date.parse(now) > currentMs ? now : new Date(currentMs + 1).toISOString();
}

/** Refuse the change when the client saw another version. */
export function assertPrecondition(precondition: Precondition | undefined, version: string): void {
  if (precondition && !precondition.matches(version)) throw new AppError(ErrorCode.PreconditionFailed);
}

/**
 * Run a read-check-write `attempt` that answers null when its conditional write found the row
 * changed since its read: again, or (with a precondition) refused.
 */
export async function writeVersioned<T>(precondition: Precondition | undefined, attempt: () => Promise<T | null>): Promise<T> {
  for (let tries = 1; ; tries++) {
    const written = await attempt();
    if (written !== null) return written;
    if (precondition) throw new AppError(ErrorCode.PreconditionFailed);
    if (tries === MAX_ATTEMPTS) throw new AppError(ErrorCode.ErrorUpdatingEntity, 'Error updating entity: it kept changing while this change was made; try again');
  }
}
