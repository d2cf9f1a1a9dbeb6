/**
 * The expiry sweeper: persists EXPIRED for PENDING tokens past expireAt. Reads never depend on it
 * (a PENDING token past expiry already reads as EXPIRED), but persisting keeps the pending
 * counters' correction small and lets state indexes answer directly. It works in bounded batches
 * so a large backlog never holds the database for long, and runs in whichever process runs the
 * background work.
 */
import type { Db } from '../../db/database.ts';

const BATCH = 1000;

/** Mark up to `BATCH` expired tokens; answers how many changed. */
export async function sweepExpiredOnce(db: Db, now: string): Promise<number> {
  const due = db.selectFrom('enrollmentTokens').select('id').where('state', '=', 'PENDING').where('expireAt', '<=', now).limit(BATCH);
  const result = await db
    .updateTable('enrollmentTokens')
    .set({ state: 'EXPIRED', updatedAt: now })
    .where('id', 'in', due)
    .where('state', '=', 'PENDING')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function sweepExpired(db: Db, now: string = new Date().toISOString()): Promise<number> {
  let total = 0;
  for (let swept = await sweepExpiredOnce(db, now); swept > 0; swept = await sweepExpiredOnce(db, now)) total += swept;
  return total;
}

/** Sweep every `intervalMs` until stopped. */
export function startExpirySweeper(db: Db, intervalMs: number, onError: (error: unknown) => void) {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweepExpired(db).catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
