/** Request and response schemas of the Apple integrations' settings. */
import { Type } from '@sinclair/typebox';
import { Timestamp } from '../../http/schemas.ts';

const WebhookId = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 128,
    pattern: '^[A-Za-z0-9-]+$',
    description,
    errorMessage: 'must be the webhook ID step-ca printed (letters, digits and dashes)',
  });
const WebhookSecret = (description: string) =>
  Type.String({
    minLength: 44,
    maxLength: 1024,
    pattern: '^[A-Za-z0-9+/]+={0,2}$',
    description,
    errorMessage: 'must be the base64 secret step-ca printed (at least 32 bytes)',
  });

export const StepCaBody = Type.Object(
  {
    webhookId: WebhookId('The ID `step ca provisioner webhook add … --kind SCEPCHALLENGE` printed (a UUID)'),
    secret: WebhookSecret('The secret it printed (base64; step-ca makes 64 random bytes). Write-only: never answered'),
    notify: Type.Optional(
      Type.Object(
        {
          webhookId: WebhookId('The ID `step ca provisioner webhook add … --kind NOTIFYING` printed'),
          secret: WebhookSecret('The secret it printed. Write-only'),
        },
        { additionalProperties: false, description: 'The NOTIFYING webhook (optional): step-ca reports each certificate it issued, or why it failed' },
      ),
    ),
  },
  { additionalProperties: false },
);

const Times = {
  createdAt: Timestamp('When it was first registered'),
  updatedAt: Timestamp('When it was last changed'),
};

export const StepCaSchema = Type.Object(
  {
    webhookId: Type.String({ description: 'The registered SCEPCHALLENGE webhook ID (secrets are never answered)' }),
    notifyWebhookId: Type.Union([Type.String(), Type.Null()], { description: 'The registered NOTIFYING webhook ID, or null' }),
    challengeUrl: Type.String({ description: 'The --url of the SCEPCHALLENGE webhook' }),
    notifyUrl: Type.String({ description: 'The --url of the NOTIFYING webhook' }),
    ...Times,
  },
  { description: "The step-ca SCEP provisioner's webhook" },
);

export const NanoMdmBody = Type.Object(
  {
    hmacKey: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 1024,
        description: "The key given to NanoMDM's -webhook-hmac-key; calls without a valid X-Hmac-Signature are then refused. Left out: unsigned calls are accepted (MicroMDM signs nothing). Write-only",
      }),
    ),
  },
  { additionalProperties: false },
);

export const NanoMdmSchema = Type.Object(
  {
    hookUrl: Type.String({ description: "The URL to give NanoMDM's -webhook-url (or MicroMDM's -command-webhook-url); it names this organization" }),
    signed: Type.Boolean({ description: 'Whether calls must carry X-Hmac-Signature' }),
    ...Times,
  },
  { description: 'The NanoMDM check-in webhook' },
);
