/**
 * /hooks: where the SCEP CA and the MDM server call enrolld, in their own formats. Not the /v1 API:
 * no API key (each call is signed with the organization's registered key), no envelope in the
 * answers step-ca reads. Bodies are taken as raw bytes whatever their Content-Type — step-ca sets
 * none — because signatures are over the exact bytes sent.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { ok } from '../../http/envelope.ts';
import { errorResponses, success } from '../../http/schemas.ts';
import type { HookCall, MdmHookService } from './mdm-hooks.service.ts';

/** Hook bodies are small JSON documents; a CSR and a certificate fit many times over. */
const HOOK_BODY_LIMIT = 256 * 1024;

const callOf = (request: FastifyRequest): HookCall => ({
  body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
  headers: request.headers,
  clientAddress: request.ip ?? null,
});

const StepCaAnswer = Type.Object(
  {
    allow: Type.Boolean({ description: 'Whether step-ca may sign the request' }),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'For certificate templates (.Webhooks.<name>): tokenId, organizationId, user {id, email, name}' })),
  },
  { description: "step-ca's webhook response body" },
);

const RawBody = Type.Unknown({ description: 'The raw JSON the program sends (signed over its exact bytes)' });

export const mdmHookRoutes: FastifyPluginAsyncTypebox<{ hooks: MdmHookService }> = async (app, { hooks }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
  // Not rate-limited: one MDM server or CA speaks for every device enrolling at once, and a call
  // is refused on its signature before anything is read.
  const config = { auth: { public: true } as const };

  app.post(
    '/step-ca/scep-challenge',
    {
      config,
      schema: {
        tags: ['Apple integrations'],
        operationId: 'receiveStepCaScepChallenge',
        summary: "step-ca's SCEPCHALLENGE webhook: allows a certificate request once per one-time challenge of a live Apple token",
        description:
          'Signed by step-ca: `X-Smallstep-Webhook-ID` names the registered webhook, `X-Smallstep-Signature` is the hex HMAC-SHA256 of the body keyed with its base64-decoded secret. 401 when unknown or unsigned (nothing consumed).',
        body: RawBody,
        response: { 200: StepCaAnswer, ...errorResponses(400, 401) },
      },
    },
    async (request) => hooks.scepChallenge(callOf(request)),
  );

  app.post(
    '/step-ca/scep-notify',
    {
      config,
      schema: {
        tags: ['Apple integrations'],
        operationId: 'receiveStepCaScepNotification',
        summary: "step-ca's NOTIFYING webhook: the certificate issued for an allowed request (or the error), recorded in the token's audit",
        body: RawBody,
        response: { 200: success(Type.Object({}, { description: 'Nothing' }), 'Recorded'), ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      await hooks.scepNotify(callOf(request));
      return ok({});
    },
  );

  app.post(
    '/nanomdm/:hookId',
    {
      config,
      schema: {
        tags: ['Apple integrations'],
        operationId: 'receiveNanoMdmCheckIn',
        summary: "NanoMDM's (or MicroMDM's) check-in webhook: Authenticate redeems the token the profile names, TokenUpdate marks the device enrolled, CheckOut checked out",
        description: 'The hook id in the URL names the organization. With an HMAC key registered, `X-Hmac-Signature` (base64 HMAC-SHA256 of the body) is required. Always 200 for a valid event, whatever it changed: NanoMDM does not retry.',
        params: Type.Object({ hookId: Type.String({ minLength: 1, maxLength: 64, description: 'The hook id of the URL enrolld made' }) }),
        body: RawBody,
        response: { 200: success(Type.Object({ handled: Type.Boolean({ description: 'Whether the event concerned an enrolld enrollment' }) }, { description: 'What enrolld did with the event' }), 'Received'), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ok(await hooks.nanoMdmEvent(request.params.hookId, callOf(request))),
  );
};
