/** Request and response schemas of the Apple integrations' settings. */
import { Type } from '@sinclair/typebox';
import { Timestamp } from '../../http/schemas.ts';

const WebhookId = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 128,
    pattern: '^[A-Za-z0-9-]+$',
    examples: ['0f8e3b2a-6c1d-4e5f-9a7b-2c3d4e5f6a7b'],
    description,
    errorMessage: 'must be the webhook ID step-ca printed (letters, digits and dashes)',
  });
const WebhookSecret = (description: string) =>
  Type.String({
    minLength: 44,
    maxLength: 1024,
    pattern: '^[A-Za-z0-9+/]+={0,2}$',
    examples: ['c2VjcmV0IGJ5dGVzIHRoYXQgc3RlcC1jYSBwcmludGVkIGZvciB0aGUgd2ViaG9vaw=='],
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

const GoogleServiceAccountEmail = (description: string) =>
  Type.String({ minLength: 3, maxLength: 320, format: 'email', description });

export const AmapiBody = Type.Object(
  {
    enterpriseName: Type.String({
      pattern: '^enterprises/[A-Za-z0-9_-]{1,100}$',
      examples: ['enterprises/LC01abcdef'],
      description: 'The Android Enterprise, as Google names it: `enterprises/LC0…`',
      errorMessage: 'must be an enterprise name such as enterprises/LC02abcd1',
    }),
    serviceAccountKey: Type.Optional(
      Type.Object(
        {
          type: Type.Literal('service_account', { description: 'Always "service_account"' }),
          client_email: GoogleServiceAccountEmail('The service account (it needs the Android Management User role in the project)'),
          private_key: Type.String({ minLength: 100, maxLength: 10_000, description: 'The PEM private key' }),
          private_key_id: Type.Optional(Type.String({ maxLength: 200, description: 'The key id' })),
          project_id: Type.Optional(Type.String({ maxLength: 200, description: 'The Google Cloud project' })),
        },
        {
          additionalProperties: true,
          description: 'The JSON key file of the service account, as Google gave it. Write-only: never answered; left out, the stored key is kept',
        },
      ),
    ),
    pubsub: Type.Object(
      {
        audience: Type.String({ minLength: 1, maxLength: 2048, description: "The push subscription's audience (Google puts it in each push token's `aud`); by default Google uses the endpoint URL" }),
        serviceAccountEmail: GoogleServiceAccountEmail("The push subscription's service account: only pushes signed for it are accepted"),
      },
      { additionalProperties: false, description: 'How the Pub/Sub push subscription authenticates its pushes (required: unauthenticated pushes are refused)' },
    ),
  },
  { additionalProperties: false },
);

export const AmapiSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('local'), Type.Literal('amapi')], { description: 'amapi: Android tokens are made by Google; local: by enrolld alone (custom DPCs, development)' }),
    enterpriseName: Type.Union([Type.String(), Type.Null()], { description: 'The Android Enterprise (amapi mode)' }),
    serviceAccountEmail: Type.Union([Type.String(), Type.Null()], { description: 'The service account enrolld calls Google as (the key is never answered)' }),
    pubsub: Type.Union(
      [
        Type.Object(
          {
            audience: Type.String({ description: 'Expected audience of push tokens' }),
            serviceAccountEmail: Type.String({ description: 'Expected signer of push tokens' }),
          },
          { description: 'Push authentication' },
        ),
        Type.Null(),
      ],
      { description: 'Push authentication (amapi mode)' },
    ),
    hookUrl: Type.Union([Type.String(), Type.Null()], { description: "The push subscription's endpoint: POST /hooks/android/pubsub/<hook id> (amapi mode)" }),
    createdAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it was first registered' }),
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it was last changed' }),
  },
  { description: "The organization's Android Management API connection" },
);
