/**
 * The expiry sweeper: persists EXPIRED for PENDING tokens past expireAt. Reads never depend on it
 * (a PENDING token past expiry already reads as EXPIRED), but persisting keeps the pending
 * counters' correction small and lets state indexes answer directly. It works in bounded batches
 * so a large backlog never holds the database for long, and runs in whichever process runs the
 * background work.
 */
import type { Db } from '../../db/database.ts';
import type { TokenMetrics } from '../metrics/metrics.ts';

const BATCH = 1000;

/** Counts tokens marked EXPIRED, by platform (absent: not counted). */
export type ExpiryMetrics = Pick<TokenMetrics, 'expired'>;

/** Mark up to `BATCH` expired tokens; answers how many changed. */
export async function sweepExpiredOnce(db: Db, now: string, metrics?: ExpiryMetrics): Promise<number> {
  const due = db.selectFrom('enrollmentTokens').select('id').where('state', '=', 'PENDING').where('expireAt', '<=', now).limit(BATCH);
  const swept = await db
    .updateTable('enrollmentTokens')
    .set({ state: 'EXPIRED', updatedAt: now })
    .where('id', 'in', due)
    .where('state', '=', 'PENDING')
    // The platform of each row swept, to count by platform without a second query.
    .returning('platform')
    .execute();
  const byPlatform = new Map<string, number>();
  for (const { platform } of swept) byPlatform.set(platform, (byPlatform.get(platform) ?? 0) + 1);
  for (const [platform, count] of byPlatform) metrics?.expired.inc({ platform }, count);
  return swept.length;
}

export async function sweepExpired(db: Db, now: string = new Date().toISOString(), metrics?: ExpiryMetrics): Promise<number> {
  let total = 0;
  for (let swept = await sweepExpiredOnce(db, now, metrics); swept > 0; swept = await sweepExpiredOnce(db, now, metrics)) total += swept;
  return total;
}

/** Sweep every `intervalMs` until stopped. */
export function startExpirySweeper(db: Db, intervalMs: number, onError: (error: unknown) => void, metrics?: ExpiryMetrics) {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweepExpired(db, undefined, metrics).catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
