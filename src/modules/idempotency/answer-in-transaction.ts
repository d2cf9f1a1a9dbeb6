/**
 * A request under an Idempotency-Key whose work is one transaction can have its answer written in
 * that same transaction: then a node dying between the commit and the answer cannot leave the key
 * looking unfinished, and a retry is answered, never done again. The HTTP layer says how a
 * result becomes the answer; a service only hands over its result, inside its transaction.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from '../../db/database.ts';

export type RecordAnswer = (trx: Db, result: unknown) => Promise<void>;

const recorder = new AsyncLocalStorage<RecordAnswer>();

/** Run `work` (a request's handler) so that the services it calls can record their answer. */
export function recordingAnswers<T>(record: RecordAnswer, work: () => T): T {
  return recorder.run(record, work);
}

/** Inside the work's transaction: the result is the request's answer (nothing when no key was sent). */
export async function recordAnswerIn(trx: Db, result: unknown): Promise<void> {
  await recorder.getStore()?.(trx, result);
}
