/**
 * SQL for webhook endpoints and their deliveries. Deliveries are a queue table
 * (jobs/lease-queue.ts): written in the transaction of the change they tell about, claimed under
 * a lease, finished with their outcome.
 */
import type { Compilable, ExpressionBuilder, Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { type BulkColumns, insertRows, isOneOf } from '../../db/bulk-insert.ts';
import { decodeJson, type DialectName, encodeJson, epochMillis } from '../../db/dialect.ts';
import { fetchPage } from '../../db/paginate.ts';
import { prepareQuery } from '../../db/prepared.ts';
import { executeInOneTransaction } from '../../db/sqlite-thread.ts';
import type { Database, WebhookDeliveryTable, WebhookEndpointTable } from '../../db/schema.ts';
import type { PageRequest } from '../../lib/pagination.ts';
import { toIso, toIsoOrNull } from '../../lib/time.ts';
import { leaseQueue } from '../../jobs/lease-queue.ts';
import { groupBy } from '../../lib/group-by.ts';

export interface StoredEndpoint {
  id: string;
  organizationId: string;
  url: string;
  description: string;
  /** null: every event type. */
  eventTypes: string[] | null;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretUntil: string | null;
  disabledAt: string | null;
  disabledReason: string | null;
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
}

function toEndpoint(row: Selectable<WebhookEndpointTable>): StoredEndpoint {
  return {
    id: row.id,
    organizationId: row.organizationId,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes === null ? null : decodeJson<string[]>(row.eventTypes),
    secretSealed: row.secretSealed,
    previousSecretSealed: row.previousSecretSealed,
    previousSecretUntil: toIsoOrNull(row.previousSecretUntil),
    disabledAt: toIsoOrNull(row.disabledAt),
    disabledReason: row.disabledReason,
    failingSince: toIsoOrNull(row.failingSince),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

export async function insertEndpoint(db: Db, endpoint: StoredEndpoint): Promise<void> {
  await db
    .insertInto('webhookEndpoints')
    .values({ ...endpoint, eventTypes: endpoint.eventTypes === null ? null : encodeJson(endpoint.eventTypes) })
    .execute();
}

/** Write the endpoint's changed fields (the id and organization never change). */
/** Written only while the row still has the version `readAt` (false: it changed meanwhile). */
export async function updateEndpoint(db: Db, endpoint: StoredEndpoint, readAt: string): Promise<boolean> {
  const { id, organizationId, createdAt: _createdAt, eventTypes, ...fields } = endpoint;
  const result = await db
    .updateTable('webhookEndpoints')
    .set({ ...fields, eventTypes: eventTypes === null ? null : encodeJson(eventTypes) })
    .where('id', '=', id)
    .where('organizationId', '=', organizationId)
    .where('updatedAt', '=', readAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findEndpoint(db: Db, organizationId: string, id: string): Promise<StoredEndpoint | null> {
  const row = await db.selectFrom('webhookEndpoints').selectAll().where('organizationId', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return row ? toEndpoint(row) : null;
}

export async function findEndpointsByIds(db: Db, ids: readonly string[]): Promise<StoredEndpoint[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('webhookEndpoints').selectAll().where('id', 'in', ids).execute();
  return rows.map(toEndpoint);
}

export async function listEndpoints(db: Db, organizationId: string, page: PageRequest) {
  const query = db.selectFrom('webhookEndpoints').selectAll().where('organizationId', '=', organizationId);
  const { rows, total } = await fetchPage(query, page, { createdAt: 'createdAt', url: 'url' });
  return { items: rows.map(toEndpoint), total };
}

/** With `readAt`, deleted only while the row still has that version. */
export async function deleteEndpoint(db: Db, organizationId: string, id: string, readAt?: string): Promise<boolean> {
  let query = db.deleteFrom('webhookEndpoints').where('organizationId', '=', organizationId).where('id', '=', id);
  if (readAt !== undefined) query = query.where('updatedAt', '=', readAt);
  return Number((await query.executeTakeFirst()).numDeletedRows) === 1;
}

/** What event fan-out needs of an organization's enabled endpoints: which types each receives. */
export interface Subscription {
  endpointId: string;
  eventTypes: string[] | null;
}

/** Read by every token write (on SQLite at every one: nothing is cached there), so compiled once. */
const subscriptionsOf = prepareQuery((db, a: { organizationId: string }) =>
  db.selectFrom('webhookEndpoints').select(['id', 'eventTypes']).where('organizationId', '=', a.organizationId).where('disabledAt', 'is', null),
);

export async function enabledSubscriptions(db: Db, organizationId: string): Promise<Subscription[]> {
  const rows = await subscriptionsOf.all(db, { organizationId });
  return rows.map((row) => ({ endpointId: row.id, eventTypes: row.eventTypes === null ? null : decodeJson<string[]>(row.eventTypes) }));
}

// ---- deliveries -------------------------------------------------------------------------------

export interface DeliveryRow {
  id: string;
  organizationId: string;
  endpointId: string;
  eventType: string;
  payload: string;
  attempts: number;
  createdAt: string;
}

export interface StoredDelivery extends DeliveryRow {
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  nextAttemptAt: string;
  leased: boolean;
  lastError: string | null;
  lastResponseStatus: number | null;
  lastResponseBody: string | null;
  deliveredAt: string | null;
}

/**
 * A delivery's body: its event's, or its own on rows queued before events held bodies (migration
 * 0017). coalesce reads the event only when the row holds none.
 */
const bodyOf = (eb: ExpressionBuilder<Database, 'webhookDeliveries'>) =>
  eb.fn
    .coalesce('webhookDeliveries.payload', eb.selectFrom('webhookEvents').select('webhookEvents.payload').whereRef('webhookEvents.id', '=', 'webhookDeliveries.eventId'))
    .$notNull()
    .as('body');

function toDelivery(row: Selectable<WebhookDeliveryTable> & { body: string }, now: string): StoredDelivery {
  return {
    id: row.id,
    organizationId: row.organizationId,
    endpointId: row.endpointId,
    eventType: row.eventType,
    payload: row.body,
    status: row.status as StoredDelivery['status'],
    attempts: Number(row.attempts),
    nextAttemptAt: toIso(row.nextAttemptAt),
    leased: row.leaseUntil !== null && toIso(row.leaseUntil) > now,
    lastError: row.lastError,
    lastResponseStatus: row.lastResponseStatus === null ? null : Number(row.lastResponseStatus),
    lastResponseBody: row.lastResponseBody,
    createdAt: toIso(row.createdAt),
    deliveredAt: toIsoOrNull(row.deliveredAt),
  };
}

/** How each column of a new event is stored. */
const EVENT_COLUMN_KINDS = { id: 'text', organizationId: 'text', type: 'text', payload: 'text', createdAt: 'timestamp' } as const satisfies BulkColumns<'webhookEvents'>;

/** How each delivery column a new message sets is stored. */
const DELIVERY_COLUMN_KINDS = {
  id: 'text', organizationId: 'text', endpointId: 'text', eventId: 'text', eventType: 'text', status: 'text',
  attempts: 'integer', nextAttemptAt: 'timestamp', createdAt: 'timestamp',
} as const satisfies BulkColumns<'webhookDeliveries'>;

export interface NewEvent {
  id: string;
  organizationId: string;
  type: string;
  /** The exact body its deliveries send. */
  payload: string;
  createdAt: string;
}

export interface NewDelivery {
  id: string;
  organizationId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  createdAt: string;
}

/**
 * Queue events and their deliveries (in the caller's transaction), each due now: batched like
 * every bulk write (db/bulk-insert.ts). Every delivery's event is among `events`.
 */
export async function insertEventDeliveries(trx: Db, events: readonly NewEvent[], deliveries: readonly NewDelivery[]): Promise<void> {
  await insertRows(trx, 'webhookEvents', EVENT_COLUMN_KINDS, events);
  await insertRows(
    trx,
    'webhookDeliveries',
    DELIVERY_COLUMN_KINDS,
    deliveries.map((delivery) => ({ ...delivery, status: 'PENDING', attempts: 0, nextAttemptAt: delivery.createdAt })),
  );
}

export async function listDeliveries(db: Db, organizationId: string, endpointId: string, page: PageRequest, filters: { status?: string }, now: string) {
  let query = db.selectFrom('webhookDeliveries').selectAll().select(bodyOf).where('organizationId', '=', organizationId).where('endpointId', '=', endpointId);
  if (filters.status) query = query.where('status', '=', filters.status);
  const { rows, total } = await fetchPage(query, page, { createdAt: 'createdAt' });
  return { items: rows.map((row) => toDelivery(row, now)), total };
}

export async function findDelivery(db: Db, organizationId: string, endpointId: string, id: string, now: string): Promise<StoredDelivery | null> {
  const row = await db
    .selectFrom('webhookDeliveries')
    .selectAll()
    .select(bodyOf)
    .where('organizationId', '=', organizationId)
    .where('endpointId', '=', endpointId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toDelivery(row, now) : null;
}

/** Make a delivery due now (a manual retry); not while a worker holds it. */
export async function scheduleNow(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('webhookDeliveries')
    .set({ status: 'PENDING', nextAttemptAt: now, leaseOwner: null, leaseUntil: null })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

const queue = leaseQueue('webhookDeliveries');

/** A delivery as the worker claims it: what sending it needs, and when it became due (the worker's lag is measured against it). */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  payload: string;
  /** Attempts made before this one. */
  attempts: number;
  /** When it became due, in milliseconds since the epoch. */
  dueAtMs: number;
}

/**
 * Take up to `limit` due deliveries for `owner` until `leaseUntil`, reading back only what
 * sending them needs: a worker claims hundreds a second, and every column answered is read,
 * carried (on SQLite from the jobs thread) and parsed (on SQLite a 640-row claim answering every
 * column took ~13 µs a row, these five ~8 µs).
 */
export async function claimDue(db: Db, dialect: DialectName, owner: string, limit: number, now: string, leaseUntil: string): Promise<ClaimedDelivery[]> {
  const rows = await db
    .updateTable('webhookDeliveries')
    .set({ leaseOwner: owner, leaseUntil })
    .where('id', 'in', queue.dueIds(db, dialect, limit, now))
    .returning((eb) => ['id', 'endpointId', 'attempts', epochMillis(dialect, 'nextAttemptAt').as('dueAtMs'), bodyOf(eb)])
    .execute();
  return rows.map((row) => ({ id: row.id, endpointId: row.endpointId, payload: row.body, attempts: Number(row.attempts), dueAtMs: Number(row.dueAtMs) }));
}

export const { extendLeases, releaseLeases, countUnfinished, oldestDueAt } = queue;

export interface DeliveryOutcome {
  row: ClaimedDelivery;
  status: 'DELIVERED' | 'PENDING' | 'FAILED';
  at: string;
  error: string | null;
  responseStatus: number | null;
  responseBody: string | null;
  nextAttemptAt: string;
  /** Whether the endpoint was in a run of failures when the delivery was claimed. */
  endpointWasFailing: boolean;
}

/**
 * Deliveries, the common case, in one statement per chunk of rows that got the same answer
 * (almost always one: the receiver's usual status and body) rather than one per message.
 * `deliveredAt` is the group's last, within the batch's second or so of each delivery.
 */
function deliveredStatements(db: Db, owner: string, delivered: readonly DeliveryOutcome[]): Compilable[] {
  const statements: Compilable[] = [];
  const byAnswer = groupBy(delivered, (outcome) => `${outcome.responseStatus} ${outcome.responseBody ?? ''}`);
  for (const group of byAnswer.values()) {
    const at = group.reduce((latest, outcome) => (outcome.at > latest ? outcome.at : latest), group[0]!.at);
    for (const isRecorded of isOneOf(db, 'id', group.map((outcome) => outcome.row.id))) {
      statements.push(
        db
          .updateTable('webhookDeliveries')
          .set((eb) => ({
            status: 'DELIVERED',
            attempts: eb('attempts', '+', 1),
            lastError: null,
            lastResponseStatus: group[0]!.responseStatus,
            lastResponseBody: group[0]!.responseBody,
            nextAttemptAt: at,
            deliveredAt: at,
            leaseOwner: null,
            leaseUntil: null,
          }))
          .where('leaseOwner', '=', owner)
          .where(isRecorded),
      );
    }
  }
  return statements;
}

/**
 * Record attempts' outcomes, only on rows `owner` still holds (a runner that lost its lease must
 * not overwrite the outcome of the one that took over), and keep each endpoint's run of failures:
 * a success ends it; a failure starts it when none is running; an endpoint whose run is older
 * than `disableAfterMs` is disabled with `reason`. One transaction per batch, whose statements
 * need none of each other's results: on SQLite's jobs connection it runs inside the thread.
 */
export async function recordDeliveryOutcomes(db: Db, owner: string, outcomes: readonly DeliveryOutcome[], disableAfterMs: number, now: string): Promise<void> {
  if (outcomes.length === 0) return;
  const delivered = outcomes.filter((outcome) => outcome.status === 'DELIVERED');
  const statements = deliveredStatements(db, owner, delivered);
  for (const outcome of outcomes) {
    if (outcome.status === 'DELIVERED') continue;
    statements.push(
      db
        .updateTable('webhookDeliveries')
        .set({
          status: outcome.status,
          attempts: outcome.row.attempts + 1,
          lastError: outcome.error,
          lastResponseStatus: outcome.responseStatus,
          lastResponseBody: outcome.responseBody,
          nextAttemptAt: outcome.nextAttemptAt,
          deliveredAt: null,
          leaseOwner: null,
          leaseUntil: null,
        })
        .where('id', '=', outcome.row.id)
        .where('leaseOwner', '=', owner),
    );
  }
  // Only endpoints seen failing at claim time have a run to end: in the common case (every
  // delivery succeeds, nothing was failing) no endpoint is written at all.
  const succeeded = [...new Set(delivered.filter((outcome) => outcome.endpointWasFailing).map((outcome) => outcome.row.endpointId))];
  const failed = [...new Set(outcomes.filter((outcome) => outcome.status !== 'DELIVERED').map((outcome) => outcome.row.endpointId))].filter((id) => !succeeded.includes(id));
  for (const isSucceeded of isOneOf(db, 'id', succeeded)) {
    statements.push(db.updateTable('webhookEndpoints').set({ failingSince: null }).where(isSucceeded).where('failingSince', 'is not', null));
  }
  const cutoff = new Date(Date.parse(now) - disableAfterMs).toISOString();
  for (const isFailed of isOneOf(db, 'id', failed)) {
    statements.push(db.updateTable('webhookEndpoints').set({ failingSince: now }).where(isFailed).where('failingSince', 'is', null));
    statements.push(
      db
        .updateTable('webhookEndpoints')
        .set({ disabledAt: now, disabledReason: `every delivery failed for ${Math.round(disableAfterMs / 86_400_000)} days`, updatedAt: now })
        .where(isFailed)
        .where('disabledAt', 'is', null)
        .where('failingSince', '<=', cutoff),
    );
  }
  await executeInOneTransaction(db, statements);
}
