/**
 * What other modules ask of webhooks: write an event's deliveries in the transaction of the
 * change that caused it, so an event exists exactly when its change does (nothing committed is
 * ever untold; nothing rolled back is told). One delivery per event per enabled endpoint that
 * receives its type, all sending the event's one stored body; an organization without endpoints
 * writes nothing, and callers ask `wants` first so they do not even build the event's data.
 *
 * An organization's subscriptions are read in the caller's transaction; on PostgreSQL they are
 * kept per process (db/row-cache.ts) and dropped when any endpoint changes anywhere (the
 * endpoints table notifies, migration 0010). Caching a read made inside a transaction is safe
 * here: the transactions that emit events never write endpoints, so what they read is committed.
 */
import type { ChangeNotices } from '../../db/change-notices.ts';
import type { Db } from '../../db/database.ts';
import { createRowCache, ROW_CACHE_DEFAULTS } from '../../db/row-cache.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso } from '../../lib/time.ts';
import type { WebhookEvent, WebhookEventType } from './webhook-events.ts';
import { enabledSubscriptions, insertEventDeliveries, type NewDelivery, type NewEvent, type Subscription } from './webhooks.repository.ts';

/** A message id as Standard Webhooks suggests: a prefix and a unique, roughly time-ordered id. */
export const newMessageId = () => `msg_${newId()}`;

/** An event's id (internal: receivers see each delivery's message id). */
export const newEventId = () => `evt_${newId()}`;

/** The body every delivery of one event carries: the bytes that are signed. */
export function eventBody(type: string, timestamp: string, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp, data });
}

const receives = (subscription: Subscription, type: string) => subscription.eventTypes === null || subscription.eventTypes.includes(type);

export function createWebhookOutbox(deps: { changeNotices: ChangeNotices; onQueued?: () => void }) {
  const cache = createRowCache<Subscription[]>(deps.changeNotices, ROW_CACHE_DEFAULTS);
  // Within one transaction a write asks `wants` and then `emit` (some ask `wants` twice): the
  // subscriptions are read once per transaction and organization (on SQLite, which caches
  // nothing, that is a read saved each time), and forgotten with the transaction.
  const perTransaction = new WeakMap<Db, Map<string, Promise<Subscription[]>>>();
  const read = (executor: Db, organizationId: string) => cache.get(organizationId, () => enabledSubscriptions(executor, organizationId)) as Promise<Subscription[]>;
  function subscriptions(executor: Db, organizationId: string): Promise<Subscription[]> {
    if (!executor.isTransaction) return read(executor, organizationId);
    let known = perTransaction.get(executor);
    if (!known) perTransaction.set(executor, (known = new Map()));
    let list = known.get(organizationId);
    if (!list) known.set(organizationId, (list = read(executor, organizationId)));
    return list;
  }

  return {
    /** Whether any enabled endpoint of the organization receives one of `types`. */
    async wants(executor: Db, organizationId: string, ...types: WebhookEventType[]): Promise<boolean> {
      const list = await subscriptions(executor, organizationId);
      return list.some((subscription) => types.some((type) => receives(subscription, type)));
    },

    /** Queue the events' deliveries in `trx`; answers how many were queued. */
    async emit(trx: Db, organizationId: string, events: readonly WebhookEvent[]): Promise<number> {
      if (events.length === 0) return 0;
      const list = await subscriptions(trx, organizationId);
      if (list.length === 0) return 0;
      const now = nowIso();
      const stored: NewEvent[] = [];
      const deliveries: NewDelivery[] = [];
      for (const event of events) {
        const targets = list.filter((subscription) => receives(subscription, event.type));
        if (targets.length === 0) continue;
        const eventId = newEventId();
        stored.push({ id: eventId, organizationId, type: event.type, payload: eventBody(event.type, event.timestamp ?? now, event.data), createdAt: now });
        for (const target of targets) {
          deliveries.push({ id: newMessageId(), organizationId, endpointId: target.endpointId, eventId, eventType: event.type, createdAt: now });
        }
      }
      await insertEventDeliveries(trx, stored, deliveries);
      return deliveries.length;
    },

    /** Call after the commit of a transaction that emitted: wakes this process's webhook worker. */
    queued(count: number): void {
      if (count > 0) deps.onQueued?.();
    },
  };
}

export type WebhookOutbox = ReturnType<typeof createWebhookOutbox>;
