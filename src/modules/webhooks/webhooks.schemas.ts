/** Request and response schemas of /v1/organizations/:organizationId/webhooks. */
import { Type } from '@sinclair/typebox';
import { listQuery, pageOf } from '../../http/pagination.ts';
import { BoundedString, EntityId, LenientBoolean, OrganizationParams, StringEnum, Timestamp } from '../../http/schemas.ts';
import { MAX_URL_LENGTH } from './destination.ts';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.ts';

const Url = Type.String({
  examples: ['https://hooks.example.com/enrolld'],
  minLength: 1,
  maxLength: MAX_URL_LENGTH,
  description: `Where events are POSTed: an http or https URL (at most ${MAX_URL_LENGTH} characters) of a public address`,
});
const Description = BoundedString(512, { description: 'What the endpoint is for (at most 512 characters)', examples: ['Helpdesk: new enrollments'] });
const EventTypes = Type.Union(
  [
    Type.Array(StringEnum(WEBHOOK_EVENT_TYPES, { description: 'An event type' }), {
      minItems: 1,
      maxItems: WEBHOOK_EVENT_TYPES.length * 2,
      description: 'The event types the endpoint receives',
    }),
    Type.Null(),
  ],
  { description: `The event types it receives (${WEBHOOK_EVENT_TYPES.join(', ')}); null or absent: every type` },
);
const Enabled = LenientBoolean({ description: 'Whether events are delivered to it (default true)' });

export const CreateWebhookBody = Type.Object(
  { url: Url, description: Type.Optional(Description), eventTypes: Type.Optional(EventTypes), enabled: Type.Optional(Enabled) },
  { additionalProperties: false },
);

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Description),
    eventTypes: Type.Optional(EventTypes),
    enabled: Type.Optional(LenientBoolean({ description: 'false stops deliveries; true starts them again, also after enrolld disabled the endpoint' })),
  },
  { additionalProperties: false },
);

export const WebhookParams = Type.Object({ ...OrganizationParams.properties, webhookId: EntityId('Webhook endpoint id') }, { additionalProperties: false });
export const DeliveryParams = Type.Object(
  { ...WebhookParams.properties, deliveryId: Type.String({ pattern: '^msg_[a-f0-9]{24}$', examples: ['msg_6b0e9085c630ff1e619fc670'], description: 'Delivery id (its webhook-id)', errorMessage: 'must be a delivery id (msg_ and 24 hexadecimal characters)' }) },
  { additionalProperties: false },
);

const NullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

const endpointFields = {
  id: EntityId('Webhook endpoint id'),
  organization: EntityId('The organization it belongs to'),
  url: Type.String({ description: 'Where events are POSTed' }),
  description: Type.String({ description: 'What the endpoint is for' }),
  eventTypes: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'The event types it receives; null: every type' }),
  enabled: Type.Boolean({ description: 'Whether events are delivered to it' }),
  disabledReason: NullableString('Why it is disabled (by request, or after every delivery failed for 5 days); null while enabled'),
  failingSince: NullableString('When its current run of failed deliveries began; null while deliveries succeed'),
  previousSecretExpiresAt: NullableString('Until when the secret before the last rotation still signs deliveries beside the new one; null when only one secret signs'),
  createdAt: Timestamp('When it was created'),
  updatedAt: Timestamp('When it was last changed'),
};

export const WebhookSchema = Type.Object(endpointFields, { title: 'Webhook', description: 'A webhook endpoint (its secret is never shown again)' });
export const WebhookWithSecretSchema = Type.Object(
  {
    ...endpointFields,
    secret: Type.String({ description: 'The signing secret (whsec_…), for a Standard Webhooks verifier. Shown only in this response: store it now' }),
  },
  { title: 'WebhookWithSecret', description: 'The endpoint with its new signing secret' },
);

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;

export const DeliverySchema = Type.Object(
  {
    id: Type.String({ description: 'The message id, sent as webhook-id on every attempt' }),
    endpointId: EntityId('The endpoint'),
    eventType: Type.String({ description: 'The event type (or ping)' }),
    event: Type.Object(
      {
        type: Type.String({ description: 'The event type' }),
        timestamp: Timestamp('When it happened'),
        data: Type.Record(Type.String(), Type.Unknown(), { description: 'The object it is about, as the API answers it' }),
      },
      { description: 'The body delivered (see the webhooks section for each type)' },
    ),
    status: StringEnum(DELIVERY_STATUSES, { description: 'PENDING (to attempt or retry), DELIVERED (a 2xx answer) or FAILED (every attempt failed)' }),
    attempts: Type.Integer({ description: 'Attempts made' }),
    nextAttemptAt: NullableString('When it is attempted next; null unless PENDING'),
    lastResponseStatus: Type.Union([Type.Integer(), Type.Null()], { description: 'The HTTP status of the last answer; null when there was none' }),
    lastResponseBody: NullableString('The first KB of the last answer'),
    lastError: NullableString('Why the last attempt failed'),
    createdAt: Timestamp('When the event happened'),
    deliveredAt: NullableString('When a 2xx answer came'),
  },
  { title: 'WebhookDelivery', description: 'One event delivered to one endpoint' },
);

export const ListWebhooksQuery = listQuery(['createdAt', 'url'] as const, {});
export const WebhookPage = pageOf(WebhookSchema, 'A page of webhook endpoints');
export const ListDeliveriesQuery = listQuery(['createdAt'] as const, {
  status: Type.Optional(StringEnum(DELIVERY_STATUSES, { description: 'Only deliveries in this status' })),
});
export const DeliveryPage = pageOf(DeliverySchema, 'A page of deliveries, newest first');
export { OrganizationParams };
