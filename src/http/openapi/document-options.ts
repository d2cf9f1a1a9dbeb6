/**
 * What the API description says about itself: its info, servers, security, the tags that group
 * its operations (each with a description), and the webhook events it sends. The operations come
 * from the routes (api-docs.ts); finalize-document.ts finishes them.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import { openApiWebhooks } from '../../modules/webhooks/webhook-docs.ts';
import { PLATFORM_NAMING, PLATFORMS } from '../../platforms/platform-names.ts';
import { describeIdempotencyKey } from '../idempotency.ts';

const perPlatform = (describe: (label: string) => [string, string][]) => PLATFORMS.flatMap((platform) => describe(PLATFORM_NAMING[platform].label));

/** Every tag an operation may carry, in the order the reference shows them. */
export const API_TAGS: Array<{ name: string; description: string }> = (
  [
    ['Operations', 'Liveness and readiness probes for load balancers and orchestrators (no key)'],
    ['Organizations', 'Tenants: each has its plan, email domains, default language and its own keys, users and tokens (root key only)'],
    ['Sessions', 'Sign in with an API key for a browser (the admin console): an HttpOnly session cookie that acts as the key, with a CSRF token; sign out'],
    ['Service accounts', 'API keys of an organization, with a role (admin, operator, viewer) or a list of permissions; a key\'s secret is answered once'],
    ['MDM users', 'The people enrollment tokens are for: email (unique per organization), name, language of their invitations'],
    ...perPlatform((label): [string, string][] => [
      [`${label} enrollment tokens`, `One-use ${label} enrollment tokens: create one or many (bulk), list, read, change, resend the invitation, revoke, and redeem when a device enrolls`],
      [`${label} enterprise`, `The ${label} enterprise: branding of invitations and enrollment pages, and the platform's MDM settings`],
      [`${label} policies`, `${label} policies tokens can name`],
      [`${label} devices`, `${label} devices enrolled with a token`],
    ]),
    ['Apple profiles', 'Apple configuration profiles a token can add to the enrollment'],
    ['Apple applications', 'Apple applications a token can install'],
    ['Apple VPP locations', 'Apple Business Manager VPP locations whose licences a token uses'],
    ['Apple integrations', 'step-ca (SCEP challenges) and NanoMDM/MicroMDM (check-ins): registering them, and the hooks they call'],
    ['Android integrations', 'Google\'s Android Management API: the connection, and the Pub/Sub push endpoint'],
    ['Segments', 'Groups an enrolled device joins (integer ids, as Applivery has them)'],
    ['Webhooks', 'Endpoints that receive token, invitation and device events, signed per Standard Webhooks; their delivery log'],
    ['Enrollment links (public)', 'What a user opens on the device: the page, the signed Apple profile, the Android QR code (no key: the code in the link is the credential)'],
  ] as Array<[string, string]>
).map(([name, description]) => ({ name, description }));

export function apiDocumentOptions(publicUrl: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'enrolld API',
        version: '1',
        description:
          'Device-enrollment tokens for Apple, Windows and Android MDM, compatible with Applivery\'s enrollment-token API. ' +
          'Every answer is `{status: true, data}` or `{status: false, error: {code, message, data?}}`, and every `/v1` answer ' +
          '(errors too) carries `Cache-Control: no-store`: answers hold keys, enrollment codes and tenant data that no cache may keep.',
        license: { name: 'MIT', identifier: 'MIT' },
        contact: { name: 'enrolld maintainers' },
      },
      servers: [{ url: publicUrl }],
      tags: API_TAGS,
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              'A service-account token or the root key. A header longer than 1,024 characters is refused unread (401/4004). ' +
              'Token codes and links need `mdm.<platform>.enrollmentToken.readSecret` (not held by the viewer role): without it they are null.',
          },
        },
      },
      security: [{ bearer: [] }],
      webhooks: openApiWebhooks(),
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url, route }) => ({ schema: describeIdempotencyKey(schema, route), url }),
  };
}
