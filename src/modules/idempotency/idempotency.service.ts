/**
 * Safe retries (the IETF httpapi Idempotency-Key draft): a client that did not hear the answer to
 * a POST sends it again with the same Idempotency-Key, and gets the first answer — status and body
 * — without the work being done twice. Keys are scoped per API key and kept 24 hours. The same
 * key with another request (method, path or body) is refused (422, 5301); a request arriving
 * while the first with its key still runs is refused (409, 5302) rather than run twice. Server
 * errors and rate limits are not kept: the key is free to try again. Everything lives in the
 * database, so it holds across API nodes.
 *
 * A running first request holds its key on a short lease that its node renews while the work goes
 * on: when a node dies mid-request (its transaction rolled back), the key is free again within
 * the lease, so a client retrying after a crash waits seconds, not minutes.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { claimKey, completeKey, findKey, type NewKey, purgeExpiredKeys, releaseKey, renewKey, takeOverKey } from './idempotency.repository.ts';

const KEEP_MS = 24 * 60 * 60 * 1000;
/** A first request whose lease was not renewed for this long was abandoned (its node died): the key is taken over. */
export const RUNNING_LEASE_MS = 15 * 1000;
/** How often a node renews the lease of a request it is still running. */
export const RENEW_LEASE_EVERY_MS = 5 * 1000;
const PURGE_EVERY_MS = 60 * 1000;

/** What to do with a request that carries a key. */
export type IdempotentStart =
  | {
      kind: 'first';
      /** The answer, as it is sent; `within` a transaction of the work's, so both commit or neither. */
      finish(status: number, body: string, within?: Db): Promise<void>;
      abandon(): Promise<void>;
      renew(): Promise<void>;
    }
  | { kind: 'replay'; status: number; body: string };

/** The request's identity: what must be the same for a repeat to be the same request. */
export function fingerprintOf(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${url}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

export function createIdempotencyService(deps: { db: Db; now?: () => Date }) {
  const { db } = deps;
  const clock = deps.now ?? (() => new Date());
  let purgedAt = 0;

  return {
    async start(scope: string, key: string, fingerprint: string): Promise<IdempotentStart> {
      const now = clock();
      if (now.getTime() - purgedAt > PURGE_EVERY_MS) {
        purgedAt = now.getTime();
        await purgeExpiredKeys(db, now.toISOString());
      }
      const attempt: NewKey = {
        scope,
        key,
        fingerprint,
        now: now.toISOString(),
        lockedUntil: new Date(now.getTime() + RUNNING_LEASE_MS).toISOString(),
        expiresAt: new Date(now.getTime() + KEEP_MS).toISOString(),
      };
      const first = {
        kind: 'first' as const,
        finish: (status: number, body: string, within?: Db) => completeKey(within ?? db, scope, key, fingerprint, status, body),
        abandon: () => releaseKey(db, scope, key),
        renew: () => renewKey(db, scope, key, fingerprint, new Date(clock().getTime() + RUNNING_LEASE_MS).toISOString()),
      };
      if (await claimKey(db, attempt)) return first;
      if (await takeOverKey(db, attempt)) return first;
      const existing = await findKey(db, scope, key);
      // Released between the two statements: as good as new.
      if (!existing) return (await claimKey(db, attempt)) ? first : Promise.reject(new AppError(ErrorCode.IdempotencyKeyInUse));
      if (existing.fingerprint !== fingerprint) {
        throw new AppError(ErrorCode.IdempotencyKeyMismatch, 'Idempotency-Key already used for another request: another method, path or body (keys are kept 24 hours)');
      }
      if (existing.status === 'RUNNING' || existing.responseStatus === null || existing.responseBody === null) throw new AppError(ErrorCode.IdempotencyKeyInUse);
      return { kind: 'replay', status: existing.responseStatus, body: existing.responseBody };
    },
  };
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;
