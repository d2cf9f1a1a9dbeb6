/**
 * The expiry sweeper: every interval, the token service persists EXPIRED for PENDING tokens past
 * expireAt (EnrollmentTokenService.expireDue), in whichever process runs the background work.
 */
import type { Db } from '../../db/database.ts';
import type { Platform } from '../../platforms/platform-names.ts';

/** Tokens marked per statement: a large backlog never holds the database for long. */
const BATCH = 1000;

/** Mark up to BATCH expired tokens EXPIRED (in the caller's transaction); answers the tokens changed. */
export async function sweepExpiredBatch(trx: Db, now: string): Promise<Array<{ id: string; organizationId: string; platform: Platform }>> {
  const due = trx.selectFrom('enrollmentTokens').select('id').where('state', '=', 'PENDING').where('expireAt', '<=', now).limit(BATCH);
  const swept = await trx
    .updateTable('enrollmentTokens')
    .set({ state: 'EXPIRED', updatedAt: now })
    .where('id', 'in', due)
    .where('state', '=', 'PENDING')
    .returning(['id', 'organizationId', 'platform'])
    .execute();
  return swept as Array<{ id: string; organizationId: string; platform: Platform }>;
}

/** Call `sweep` every `intervalMs` until stopped. */
export function startExpirySweeper(sweep: () => Promise<unknown>, intervalMs: number, onError: (error: unknown) => void) {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweep().catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
