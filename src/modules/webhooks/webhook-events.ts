/**
 * The events enrolld tells webhooks about. Each message's body is `{"type", "timestamp", "data"}`:
 * `type` one of the names below, `timestamp` when the change happened (ISO 8601), `data` the
 * object as the API answers it, without secrets (an enrollment token's `enrollCode` and
 * `enrollmentLink` are null, as for a key without `…enrollmentToken.readSecret`).
 */
export const WEBHOOK_EVENT_TYPES = [
  'enrollment_token.created',
  'enrollment_token.updated',
  'enrollment_token.revoked',
  'enrollment_token.expired',
  'enrollment_token.redeemed',
  'enrollment_token.redemption_refused',
  'invitation.sent',
  'invitation.failed',
  'device.enrolled',
  'device.checked_out',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What `POST …/webhooks/:id/test` sends; not a subscribable type (every endpoint receives it). */
export const PING_EVENT = 'ping';

/** An event as a module reports it, in the transaction of the change. */
export interface WebhookEvent {
  type: WebhookEventType;
  /** The object as the API answers it, without secrets. */
  data: Record<string, unknown>;
  /** When it happened; the time of the write when absent. */
  timestamp?: string;
}

/** What each event means, for README and the OpenAPI document. */
export const WEBHOOK_EVENT_DESCRIPTIONS: Readonly<Record<WebhookEventType, string>> = {
  'enrollment_token.created': 'A token was created (one event per token, from single and bulk requests). `data`: the token.',
  'enrollment_token.updated': 'A token was changed (PUT). `data`: the token after the change.',
  'enrollment_token.revoked': 'A token was revoked (DELETE). `data`: the token, state REVOKED.',
  'enrollment_token.expired': 'A PENDING token reached its expiry. `data`: the token, state EXPIRED.',
  'enrollment_token.redeemed': 'A device redeemed the token. `data`: the redemption, with the device.',
  'enrollment_token.redemption_refused': 'A redemption was refused. `data`: the attempt with its `reason` (expired, used, revoked, not found).',
  'invitation.sent': 'An invitation email was accepted by the mail server. `data`: the token id, recipient, Message-ID and attempts.',
  'invitation.failed': 'An invitation email failed for good (a permanent refusal, or every retry failed). `data`: as invitation.sent, with the error.',
  'device.enrolled': 'A device finished enrolling with the MDM (Apple: the MDM server reported its first TokenUpdate). `data`: the device and its token.',
  'device.checked_out': 'A device left management (Apple: the MDM server reported its CheckOut). `data`: the device.',
};
