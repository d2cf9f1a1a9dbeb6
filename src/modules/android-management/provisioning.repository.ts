/**
 * The `android_provisioning` queue (a queue table: jobs/lease-queue.ts): one row per Android
 * token made through Google, holding the call still to make. CREATE makes Google's token; a
 * revocation turns the row into DELETE (at once if nothing was made yet). A row is DONE when
 * nothing is left to do at Google, FAILED when Google refused for good.
 */
import type { Selectable } from 'kysely';
import { insertRows, type BulkColumns } from '../../db/bulk-insert.ts';
import type { Db } from '../../db/database.ts';
import type { DialectName } from '../../db/dialect.ts';
import type { AndroidProvisioningTable } from '../../db/schema.ts';
import { toIso, toIsoOrNull } from '../../lib/time.ts';
import { leaseQueue } from '../../jobs/lease-queue.ts';
import type { CreatedEnrollmentToken } from './google-client.ts';

export type ProvisioningAction = 'CREATE' | 'DELETE';

export interface ProvisioningRow {
  id: string;
  organizationId: string;
  tokenId: string;
  enterpriseName: string;
  action: ProvisioningAction;
  googleName: string | null;
  tokenExpireAt: string;
  attempts: number;
  /** When an earlier attempt began whose outcome was never recorded: Google may hold its token. */
  attemptInDoubtSince: string | null;
}

const queue = leaseQueue('androidProvisioning');

/** The columns a new job sets; the rest start at their defaults (null, 0), which keeps a bulk's statements few. */
const COLUMN_KINDS = {
  id: 'text', organizationId: 'text', tokenId: 'text', enterpriseName: 'text', action: 'text', status: 'text', nextAttemptAt: 'timestamp',
  tokenExpireAt: 'timestamp', createdAt: 'timestamp',
} as const satisfies BulkColumns<'androidProvisioning'>;

function toRow(row: Selectable<AndroidProvisioningTable>): ProvisioningRow {
  return {
    id: row.id,
    organizationId: row.organizationId,
    tokenId: row.tokenId,
    enterpriseName: row.enterpriseName,
    action: row.action as ProvisioningAction,
    googleName: row.googleName,
    tokenExpireAt: toIso(row.tokenExpireAt),
    attempts: Number(row.attempts),
    attemptInDoubtSince: toIsoOrNull(row.attemptStartedAt),
  };
}

/** Queue the creation of Google's tokens for new enrolld tokens (in their transaction). */
export async function enqueueCreates(trx: Db, organizationId: string, enterpriseName: string, tokens: ReadonlyArray<{ id: string; expireAt: string }>, now: string): Promise<void> {
  const rows = tokens.map((token) => ({
    // One job per token, under the token's id: a revocation finds it by its primary key.
    id: token.id,
    organizationId,
    tokenId: token.id,
    enterpriseName,
    action: 'CREATE',
    status: 'PENDING',
    nextAttemptAt: now,
    tokenExpireAt: token.expireAt,
    createdAt: now,
  }));
  await insertRows(trx, 'androidProvisioning', COLUMN_KINDS, rows);
}

/**
 * The token was revoked: what Google made (or may be making) must go. A row still being worked
 * keeps its lease; its outcome, once recorded, finds the DELETE (recordCreated).
 */
export async function requestDelete(trx: Db, tokenId: string, now: string): Promise<void> {
  await trx.updateTable('androidProvisioning').set({ action: 'DELETE', status: 'PENDING', attempts: 0, nextAttemptAt: now, lastError: null }).where('id', '=', tokenId).execute();
}

export async function claimDue(db: Db, dialect: DialectName, owner: string, limit: number, now: string, leaseUntil: string): Promise<ProvisioningRow[]> {
  return (await queue.claimDue(db, dialect, owner, limit, now, leaseUntil)).map(toRow);
}

export const { extendLeases, releaseLeases } = queue;
export const countUnfinished = queue.countUnfinished;

/** A call to Google is about to go: until its outcome is recorded, Google may hold what it made. */
export async function markAttemptStarted(db: Db, owner: string, id: string, now: string): Promise<void> {
  await db.updateTable('androidProvisioning').set({ attemptStartedAt: now, attemptOwner: owner }).where('id', '=', id).where('leaseOwner', '=', owner).execute();
}

/**
 * Whether another worker is making a CREATE call for a token of this enterprise expiring within
 * `windowMs` of `expireAt` right now: what it makes would look like an orphan in Google's list
 * until it is recorded.
 */
export async function createInFlight(db: Db, enterpriseName: string, exceptId: string, expireAt: string, windowMs: number, now: string): Promise<boolean> {
  const from = new Date(Date.parse(expireAt) - windowMs).toISOString();
  const to = new Date(Date.parse(expireAt) + windowMs).toISOString();
  const row = await db
    .selectFrom('androidProvisioning')
    .select('id')
    .where('enterpriseName', '=', enterpriseName)
    .where('status', '=', 'PENDING')
    .where('googleName', 'is', null)
    .where('attemptOwner', 'is not', null)
    .whereRef('attemptOwner', '=', 'leaseOwner')
    .where('leaseUntil', '>', now)
    .where('tokenExpireAt', '>=', from)
    .where('tokenExpireAt', '<=', to)
    .where('id', '!=', exceptId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * After Google's list taken at `listedAt` was cleared of unknown tokens expiring within
 * `windowMs` of `expireAt`: every lost call of that fingerprint begun before the listing has had
 * what it made deleted, so those rows are no longer in doubt (one reconciliation serves them
 * all, rather than one per row, each waiting for the others' creations). A row in a Google call
 * right now is left to its worker; one merely claimed is cleared, and its worker reads that
 * (stillInDoubt) before reconciling again.
 */
export async function clearDoubts(db: Db, enterpriseName: string, expireAt: string, windowMs: number, listedAt: string, now: string): Promise<void> {
  await db
    .updateTable('androidProvisioning')
    .set({ attemptStartedAt: null })
    .where('enterpriseName', '=', enterpriseName)
    .where('status', '=', 'PENDING')
    .where('googleName', 'is', null)
    .where('attemptStartedAt', '<', listedAt)
    .where('tokenExpireAt', '>=', new Date(Date.parse(expireAt) - windowMs).toISOString())
    .where('tokenExpireAt', '<=', new Date(Date.parse(expireAt) + windowMs).toISOString())
    .where((eb) => eb.or([eb('attemptOwner', 'is', null), eb('attemptOwner', '!=', eb.ref('leaseOwner')), eb('leaseOwner', 'is', null), eb('leaseUntil', '<=', now)]))
    .execute();
}

/** Whether the row is still in doubt (another attempt's reconciliation may have cleared it since it was claimed). */
export async function stillInDoubt(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('androidProvisioning').select('attemptStartedAt').where('id', '=', id).executeTakeFirst();
  return row !== undefined && row.attemptStartedAt !== null;
}

/** Which of `names` (Google's token names) enrolld recorded. */
export async function knownGoogleNames(db: Db, enterpriseName: string, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await db.selectFrom('androidProvisioning').select('googleName').where('enterpriseName', '=', enterpriseName).where('googleName', 'in', names).execute();
  return new Set(rows.map((row) => row.googleName!));
}

export type ProvisioningOutcome =
  | { row: ProvisioningRow; kind: 'created'; made: CreatedEnrollmentToken }
  | { row: ProvisioningRow; kind: 'done' }
  | { row: ProvisioningRow; kind: 'retry'; error: string; nextAttemptAt: string; inDoubt: boolean; countsAsAttempt: boolean }
  | { row: ProvisioningRow; kind: 'failed'; error: string };

/**
 * Record one outcome on its row, if `owner` still holds it (a worker that lost its lease must
 * not overwrite the outcome of the one that took over). Answers false when it did not.
 */
export async function recordOutcome(trx: Db, owner: string, outcome: ProvisioningOutcome, now: string): Promise<boolean> {
  const { row } = outcome;
  const held = trx.updateTable('androidProvisioning').where('id', '=', row.id).where('leaseOwner', '=', owner);
  const settled = { leaseOwner: null, leaseUntil: null, attemptOwner: null };
  const attempts = row.attempts + 1;
  switch (outcome.kind) {
    case 'created': {
      // Made: DONE — unless the token was revoked meanwhile, when the DELETE is due at once.
      const done = await held.set({ ...settled, googleName: outcome.made.name, attemptStartedAt: null, status: 'DONE', attempts, lastError: null }).where('action', '=', 'CREATE').executeTakeFirst();
      if (Number(done.numUpdatedRows) === 1) return true;
      const revoked = await held.set({ ...settled, googleName: outcome.made.name, attemptStartedAt: null, status: 'PENDING', nextAttemptAt: now }).executeTakeFirst();
      return Number(revoked.numUpdatedRows) === 1;
    }
    case 'done':
      return Number((await held.set({ ...settled, attemptStartedAt: null, status: 'DONE', attempts, lastError: null }).where('action', '=', row.action).executeTakeFirst()).numUpdatedRows) === 1;
    case 'retry':
      return (
        Number(
          (
            await held
              .set({
                ...settled,
                // Kept when Google may have done the call: the next attempt looks for what it made.
                ...(outcome.inDoubt ? {} : { attemptStartedAt: null }),
                attempts: outcome.countsAsAttempt ? attempts : row.attempts,
                nextAttemptAt: outcome.nextAttemptAt,
                lastError: outcome.error,
              })
              .executeTakeFirst()
          ).numUpdatedRows,
        ) === 1
      );
    case 'failed':
      return Number((await held.set({ ...settled, attemptStartedAt: null, status: 'FAILED', attempts, lastError: outcome.error }).where('action', '=', row.action).executeTakeFirst()).numUpdatedRows) === 1;
  }
}

/** The enrolld token Google's token `googleName` was made for, in the organization, or null. */
export async function tokenIdOfGoogleName(db: Db, organizationId: string, googleName: string): Promise<string | null> {
  const row = await db.selectFrom('androidProvisioning').select('tokenId').where('organizationId', '=', organizationId).where('googleName', '=', googleName).executeTakeFirst();
  return row?.tokenId ?? null;
}

/** Whether a Pub/Sub message was already handled for the organization. */
export async function messageSeen(db: Db, organizationId: string, messageId: string): Promise<boolean> {
  return (await db.selectFrom('pubsubMessages').select('messageId').where('organizationId', '=', organizationId).where('messageId', '=', messageId).executeTakeFirst()) !== undefined;
}

/** Remember a handled message (a concurrent duplicate that got here first is fine). */
export async function rememberMessage(db: Db, organizationId: string, messageId: string, now: string): Promise<void> {
  await db.insertInto('pubsubMessages').values({ organizationId, messageId, receivedAt: now }).onConflict((oc) => oc.columns(['organizationId', 'messageId']).doNothing()).execute();
}
