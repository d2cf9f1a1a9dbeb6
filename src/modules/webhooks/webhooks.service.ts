/**
 * An organization's webhook endpoints: create, list, get, update, delete, rotate the signing
 * secret, send a test ping; and each endpoint's delivery log with manual retry.
 */
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { Db } from '../../db/database.ts';
import { decodeJson } from '../../db/dialect.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { buildPage, type Page, type PageRequest } from '../../lib/pagination.ts';
import { nowIso } from '../../lib/time.ts';
import { assertPrecondition, nextVersion, type Precondition, writeVersioned } from '../../lib/versions.ts';
import { urlProblem } from './destination.ts';
import { PING_EVENT } from './webhook-events.ts';
import { eventBody, newEventId, newMessageId } from './webhook-outbox.ts';
import { newSigningSecret, ROTATION_OVERLAP_MS } from './webhook-secrets.ts';
import * as repository from './webhooks.repository.ts';

export interface WebhookEndpoint {
  id: string;
  organization: string;
  url: string;
  description: string;
  eventTypes: string[] | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventType: string;
  /** The body as delivered: `{type, timestamp, data}`. */
  event: { type: string; timestamp: string; data: Record<string, unknown> };
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  nextAttemptAt: string | null;
  lastResponseStatus: number | null;
  lastResponseBody: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface CreateWebhookInput {
  url: string;
  description?: string;
  eventTypes?: string[] | null;
  enabled?: boolean;
}

export type UpdateWebhookInput = Partial<CreateWebhookInput>;

export interface WebhookServiceDeps {
  db: Db;
  secrets: SecretBox;
  /** ENROLLD_WEBHOOK_ALLOW_PRIVATE: literal private addresses are accepted. */
  allowPrivate: boolean;
  /** Called after a commit that queued deliveries (wakes this process's webhook worker). */
  onQueued?: () => void;
}

const DISABLED_BY_REQUEST = 'disabled through the API';

function present(endpoint: repository.StoredEndpoint, now: string): WebhookEndpoint {
  return {
    id: endpoint.id,
    organization: endpoint.organizationId,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.disabledAt === null,
    disabledReason: endpoint.disabledReason,
    failingSince: endpoint.failingSince,
    previousSecretExpiresAt: endpoint.previousSecretUntil && endpoint.previousSecretUntil > now ? endpoint.previousSecretUntil : null,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

function presentDelivery(delivery: repository.StoredDelivery): WebhookDelivery {
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    eventType: delivery.eventType,
    event: decodeJson(delivery.payload) as WebhookDelivery['event'],
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.status === 'PENDING' ? delivery.nextAttemptAt : null,
    lastResponseStatus: delivery.lastResponseStatus,
    lastResponseBody: delivery.lastResponseBody,
    lastError: delivery.lastError,
    createdAt: delivery.createdAt,
    deliveredAt: delivery.deliveredAt,
  };
}

/** Event types once each, in the order given; null and absent mean every type. */
const normalizeTypes = (types: string[] | null | undefined) => (types ? [...new Set(types)] : null);

export function createWebhookService(deps: WebhookServiceDeps) {
  const { db } = deps;

  function assertUrl(url: string): void {
    const problem = urlProblem(url, deps.allowPrivate);
    if (problem) throw AppError.validation([{ path: '/body/url', message: `"url" ${problem}` }]);
  }

  async function find(organizationId: string, id: string): Promise<repository.StoredEndpoint> {
    const endpoint = await repository.findEndpoint(db, organizationId, id);
    if (!endpoint) throw AppError.notFound('webhook');
    return endpoint;
  }

  return {
    /** Answers the endpoint with its signing secret, shown this once. */
    async create(organizationId: string, input: CreateWebhookInput): Promise<WebhookEndpoint & { secret: string }> {
      assertUrl(input.url);
      const now = nowIso();
      const secret = newSigningSecret();
      const endpoint: repository.StoredEndpoint = {
        id: newId(),
        organizationId,
        url: input.url,
        description: input.description ?? '',
        eventTypes: normalizeTypes(input.eventTypes),
        secretSealed: deps.secrets.seal(secret, organizationId),
        previousSecretSealed: null,
        previousSecretUntil: null,
        disabledAt: input.enabled === false ? now : null,
        disabledReason: input.enabled === false ? DISABLED_BY_REQUEST : null,
        failingSince: null,
        createdAt: now,
        updatedAt: now,
      };
      await repository.insertEndpoint(db, endpoint);
      return { ...present(endpoint, now), secret };
    },

    async list(organizationId: string, page: PageRequest): Promise<Page<WebhookEndpoint>> {
      const now = nowIso();
      const { items, total } = await repository.listEndpoints(db, organizationId, page);
      return buildPage(
        items.map((endpoint) => present(endpoint, now)),
        total,
        page,
      );
    },

    async get(organizationId: string, id: string): Promise<WebhookEndpoint> {
      return present(await find(organizationId, id), nowIso());
    },

    /**
     * Change what is given. Enabling an endpoint (also one enrolld disabled after its failures)
     * starts it afresh: its run of failures is forgotten.
     */
    async update(organizationId: string, id: string, input: UpdateWebhookInput, precondition?: Precondition): Promise<WebhookEndpoint> {
      if (input.url !== undefined) assertUrl(input.url);
      return writeVersioned(precondition, async () => {
        const endpoint = await find(organizationId, id);
        assertPrecondition(precondition, endpoint.updatedAt);
        const now = nextVersion(endpoint.updatedAt, nowIso());
        const next: repository.StoredEndpoint = {
          ...endpoint,
          url: input.url ?? endpoint.url,
          description: input.description ?? endpoint.description,
          eventTypes: input.eventTypes !== undefined ? normalizeTypes(input.eventTypes) : endpoint.eventTypes,
          updatedAt: now,
        };
        if (input.enabled === true && endpoint.disabledAt !== null) Object.assign(next, { disabledAt: null, disabledReason: null, failingSince: null });
        if (input.enabled === false && endpoint.disabledAt === null) Object.assign(next, { disabledAt: now, disabledReason: DISABLED_BY_REQUEST });
        return (await repository.updateEndpoint(db, next, endpoint.updatedAt)) ? present(next, now) : null;
      });
    },

    /** Deletes the endpoint and its delivery log; deliveries still queued are dropped. */
    async remove(organizationId: string, id: string, precondition?: Precondition): Promise<WebhookEndpoint> {
      const endpoint = await find(organizationId, id);
      assertPrecondition(precondition, endpoint.updatedAt);
      if (!(await repository.deleteEndpoint(db, organizationId, id, precondition && endpoint.updatedAt))) {
        throw precondition ? new AppError(ErrorCode.PreconditionFailed) : AppError.notFound('webhook');
      }
      return present(endpoint, nowIso());
    },

    /** A new secret, answered once; the previous one keeps signing beside it for 24 hours. */
    async rotateSecret(organizationId: string, id: string): Promise<WebhookEndpoint & { secret: string }> {
      // Two rotations racing: the second reads again, so the first's secret becomes its previous one.
      return writeVersioned(undefined, async () => {
        const endpoint = await find(organizationId, id);
        const now = nextVersion(endpoint.updatedAt, nowIso());
        const secret = newSigningSecret();
        const next: repository.StoredEndpoint = {
          ...endpoint,
          secretSealed: deps.secrets.seal(secret, organizationId),
          previousSecretSealed: endpoint.secretSealed,
          previousSecretUntil: new Date(Date.parse(now) + ROTATION_OVERLAP_MS).toISOString(),
          updatedAt: now,
        };
        return (await repository.updateEndpoint(db, next, endpoint.updatedAt)) ? { ...present(next, now), secret } : null;
      });
    },

    /** Queue a `ping` event to this endpoint alone (whatever types it receives); answers its delivery. */
    async test(organizationId: string, id: string): Promise<WebhookDelivery> {
      const endpoint = await find(organizationId, id);
      const now = nowIso();
      const event = { id: newEventId(), organizationId, type: PING_EVENT, payload: eventBody(PING_EVENT, now, { webhookId: endpoint.id, message: 'A test event sent from enrolld' }), createdAt: now };
      const delivery = { id: newMessageId(), organizationId, endpointId: endpoint.id, eventId: event.id, eventType: PING_EVENT, createdAt: now };
      await db.transaction().execute((trx) => repository.insertEventDeliveries(trx, [event], [delivery]));
      deps.onQueued?.();
      return presentDelivery({ ...delivery, payload: event.payload, status: 'PENDING', attempts: 0, nextAttemptAt: now, leased: false, lastError: null, lastResponseStatus: null, lastResponseBody: null, deliveredAt: null });
    },

    async listDeliveries(organizationId: string, id: string, page: PageRequest, filters: { status?: string }): Promise<Page<WebhookDelivery>> {
      await find(organizationId, id);
      const { items, total } = await repository.listDeliveries(db, organizationId, id, page, filters, nowIso());
      return buildPage(items.map(presentDelivery), total, page);
    },

    /** Attempt a delivery again now, whatever its state, unless a worker is attempting it this moment. */
    async retryDelivery(organizationId: string, id: string, deliveryId: string): Promise<WebhookDelivery> {
      const now = nowIso();
      const delivery = await repository.findDelivery(db, organizationId, id, deliveryId, now);
      if (!delivery) throw AppError.notFound('webhookDelivery');
      if (!(await repository.scheduleNow(db, delivery.id, now))) {
        throw new AppError(ErrorCode.ErrorUpdatingEntity, 'Error updating entity: the delivery is being attempted right now; retry when it has finished');
      }
      deps.onQueued?.();
      return presentDelivery({ ...delivery, status: 'PENDING', nextAttemptAt: now, leased: false });
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
