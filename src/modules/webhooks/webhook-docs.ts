/**
 * The events as the OpenAPI document describes them (OpenAPI 3.1 `webhooks`): one entry per
 * event type with its headers, its body's shape and an example body (taken from real deliveries).
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import { PING_EVENT, WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.ts';

const ORG = '6b0e9085c630ff1e619fc666';
const TOKEN = '6b0e9085c630ff1e619fc66b';
const DEVICE = '6b0e9085c630ff1e619fc66f';
const AT = '2026-12-01T09:16:53.409Z';

/** An Apple token as the API answers it to a key without readSecret. */
const APPLE_TOKEN = {
  id: TOKEN,
  mdmUser: { id: '6b0e9085c630ff1e619fc669', email: 'ada@example.com' },
  displayName: 'Work laptop',
  tags: [],
  state: 'PENDING',
  createdAt: '2026-12-01T09:16:53.406Z',
  updatedAt: '2026-12-01T09:16:53.406Z',
  expireAt: '2026-12-02T09:16:53.406Z',
  enrollmentLink: null,
  enrollCode: null,
  sendEmail: true,
  emailText: '',
  segmentId: null,
  platform: 'apple',
  language: 'en',
  emailDelivery: { status: 'QUEUED', attempts: 0, sentAt: null, lastError: null, deferredReason: null },
  organization: ORG,
  admEnterprise: '6b0e9085c630ff1e619fc66a',
  admDevice: null,
  config: {},
  enroll: { serverExpirationDate: '2026-12-02T09:16:53.406Z', mobileConfigSigned: true },
  type: 'user',
  subType: 'standard',
  admPolicy: null,
  admPolicyAssignments: [],
  admVppLocation: null,
  summary: { expirationTimestamp: '2026-12-02T09:16:53.406Z' },
  profiles: [],
  applications: [],
  configuration: {},
};

const APPLE_DEVICE = {
  id: DEVICE,
  organizationId: ORG,
  platform: 'apple',
  tokenId: TOKEN,
  serialNumber: 'C02XK0AAJGH5',
  udid: '66ADE930-5FDF-5EC4-8429-15640684C489',
  imei: null,
  meid: null,
  model: 'MacBookPro18,3',
  osVersion: '15.1',
  name: "Ada's MacBook Pro",
  status: 'REDEEMED',
  enrolledAt: null,
  checkedOutAt: null,
  lastSeenAt: null,
  providerState: null,
  createdAt: '2026-12-01T09:16:53.481Z',
};

const INVITATION = { enrollmentTokenId: TOKEN, email: 'ada@example.com', language: 'en', messageId: `<6b0e9085c630ff1e619fc66c.${TOKEN}@mdm.example.com>` };

/** An example `data` of each event type. */
export const WEBHOOK_EVENT_EXAMPLES: Readonly<Record<WebhookEventType | typeof PING_EVENT, Record<string, unknown>>> = {
  'enrollment_token.created': APPLE_TOKEN,
  'enrollment_token.updated': { ...APPLE_TOKEN, tags: ['sales'], updatedAt: '2026-12-01T09:20:11.032Z' },
  'enrollment_token.revoked': { ...APPLE_TOKEN, state: 'DELETED', updatedAt: '2026-12-01T09:31:40.571Z' },
  'enrollment_token.expired': { ...APPLE_TOKEN, state: 'EXPIRED', updatedAt: '2026-12-02T09:17:00.102Z' },
  'enrollment_token.redeemed': { token: { ...APPLE_TOKEN, state: 'DONE', admDevice: DEVICE, updatedAt: APPLE_DEVICE.createdAt }, device: APPLE_DEVICE },
  'enrollment_token.redemption_refused': {
    platform: 'apple',
    tokenId: TOKEN,
    reason: 'already_used',
    clientAddress: '203.0.113.7',
    device: { serialNumber: 'F2LXK1ZZQ6L8' },
    createdAt: '2026-12-01T09:16:53.543Z',
  },
  'invitation.sent': { ...INVITATION, emailDelivery: { status: 'SENT', attempts: 1, sentAt: '2026-12-01T09:16:54.120Z', lastError: null } },
  'invitation.failed': { ...INVITATION, emailDelivery: { status: 'FAILED', attempts: 1, sentAt: null, lastError: '550 5.1.1 <ada@example.com>: no such user' } },
  'device.enrolled': { device: { ...APPLE_DEVICE, status: 'ENROLLED', enrolledAt: '2026-12-01T09:17:02.310Z' }, token: { ...APPLE_TOKEN, state: 'DONE', admDevice: DEVICE } },
  'device.checked_out': {
    device: { ...APPLE_DEVICE, status: 'CHECKED_OUT', enrolledAt: '2026-12-01T09:17:02.310Z', checkedOutAt: '2026-12-09T15:40:11.902Z' },
  },
  [PING_EVENT]: { webhookId: '6b0e9085c630ff1e619fc680', message: 'A test event sent from enrolld' },
};

/** What `data` is for each type, for the schema's description. */
const DATA_DESCRIPTIONS: Record<WebhookEventType, string> = {
  'enrollment_token.created': 'The token as its platform answers it (AppleEnrollmentToken, WindowsEnrollmentToken or AndroidEnrollmentToken), codes null',
  'enrollment_token.updated': 'The token after the change, codes null',
  'enrollment_token.revoked': 'The token, state DELETED, codes null',
  'enrollment_token.expired': 'The token, state EXPIRED, codes null',
  'enrollment_token.redeemed': '`token` (state DONE, codes null) and `device`, as the redeem route answers them',
  'enrollment_token.redemption_refused': '`platform`, `tokenId` (null when the code names no token), `reason` (expired, already_used, revoked, not_found), `clientAddress`, `device` (the identity reported) and `createdAt`',
  'invitation.sent': '`enrollmentTokenId`, `email`, `language`, `messageId` and `emailDelivery` (status SENT, attempts, sentAt)',
  'invitation.failed': 'As invitation.sent, `emailDelivery.status` FAILED with `lastError`; `email` is null when the invitation was not sent at all (its token was no longer PENDING)',
  'device.enrolled': '`device` and its `token`',
  'device.checked_out': '`device`',
};

const HEADERS = [
  { name: 'webhook-id', description: 'The message id (msg_…): the same on every attempt of this message, so a repeat can be recognised' },
  { name: 'webhook-timestamp', description: 'Unix seconds of this attempt, to within a few seconds (a batch is signed when it is claimed); refuse messages far from your clock (Standard Webhooks verifiers allow 5 minutes)' },
  {
    name: 'webhook-signature',
    description:
      'Space-separated `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, keyed with the endpoint secret (after `whsec_`, base64-decoded); two signatures for 24 h after a rotation',
  },
].map(({ name, description }): OpenAPIV3_1.ParameterObject => ({ name, in: 'header', required: true, description, schema: { type: 'string' } }));

/** `enrollment_token.created` → `enrollmentTokenCreatedEvent` */
const operationIdOf = (type: string) => `${type.split(/[._]/).map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join('')}Event`;

function entry(type: string, description: string, dataDescription: string): OpenAPIV3_1.PathItemObject {
  return {
    post: {
      operationId: operationIdOf(type),
      summary: type,
      description:
        `${description} Sent to every enabled endpoint of the organization that receives the type. Any 2xx answer delivers it; ` +
        'anything else (or no answer within 15 s) is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h.',
      tags: ['Webhooks'],
      parameters: HEADERS,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['type', 'timestamp', 'data'],
              properties: {
                type: { type: 'string', const: type },
                timestamp: { type: 'string', format: 'date-time', description: 'When it happened' },
                data: { type: 'object', description: dataDescription },
              },
            },
            example: { type, timestamp: AT, data: WEBHOOK_EVENT_EXAMPLES[type as WebhookEventType] },
          },
        },
      },
      responses: { '2XX': { description: 'Received: the delivery is done' } },
    },
  };
}

/** The OpenAPI 3.1 `webhooks` object: every event type, and the test ping. */
export function openApiWebhooks(): Record<string, OpenAPIV3_1.PathItemObject> {
  const webhooks: Record<string, OpenAPIV3_1.PathItemObject> = {};
  for (const type of WEBHOOK_EVENT_TYPES) webhooks[type] = entry(type, WEBHOOK_EVENT_DESCRIPTIONS[type], DATA_DESCRIPTIONS[type]);
  webhooks[PING_EVENT] = entry(PING_EVENT, 'Sent by POST …/webhooks/:webhookId/test to that endpoint alone, whatever types it receives.', '`webhookId` and a `message`');
  return webhooks;
}
