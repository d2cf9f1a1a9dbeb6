/** Where webhook deliveries stand, as operators watch them (the metrics read it at each scrape). */
import type { Db } from '../../db/database.ts';
import { countUnfinished, oldestDueAt } from './webhooks.repository.ts';

/** Deliveries not yet done, by state: due (waiting for a worker), sending (claimed), waiting (a retry holds them). */
export const unfinishedDeliveries = (db: Db, now: string) => countUnfinished(db, now);

/** When the oldest due delivery became due, or null when none is. */
export const oldestDueDelivery = (db: Db, now: string) => oldestDueAt(db, now);
