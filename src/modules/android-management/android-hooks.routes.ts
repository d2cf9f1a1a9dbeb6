/**
 * POST /hooks/android/pubsub/:hookId — the endpoint of an organization's Pub/Sub push
 * subscription for Android Management API notifications (the hook id names the organization;
 * GET …/mdm/android/enterprise/integrations/amapi shows the URL). Not the /v1 API: Google's push
 * token instead of an API key, and 204 with no body, which Pub/Sub takes as an acknowledgement.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../../http/schemas.ts';
import type { AndroidHookService } from './android-hooks.service.ts';

/** A Device resource is a few kilobytes; Pub/Sub messages are at most 10 MB, AMAPI's far smaller. */
const PUSH_BODY_LIMIT = 1024 * 1024;

export const androidHookRoutes: FastifyPluginAsyncTypebox<{ hooks: AndroidHookService }> = async (app, { hooks }) => {
  app.post(
    '/pubsub/:hookId',
    {
      bodyLimit: PUSH_BODY_LIMIT,
      // Public (Google's token is checked by the service) and not rate-limited: one subscription
      // speaks for every device of the organization.
      config: { auth: { public: true } as const },
      schema: {
        tags: ['Android integrations'],
        operationId: 'receiveAndroidPubSubPush',
        summary: 'Pub/Sub push endpoint for Android Management API notifications (ENROLLMENT, STATUS_REPORT)',
        description:
          "Requires the push subscription's OIDC token (`Authorization: Bearer`, signed by Google for the registered audience and service account). Every authenticated push is acknowledged with 204, whatever it changed: a repeated messageId changes nothing.",
        params: Type.Object({ hookId: Type.String({ minLength: 1, maxLength: 64, description: 'The hook id of the URL enrolld made' }) }),
        body: Type.Unknown({ description: 'The Pub/Sub push body: {message: {data, attributes: {notificationType}, messageId, publishTime}, subscription}' }),
        response: { 204: Type.Null({ description: 'Acknowledged' }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const result = await hooks.pushed(request.params.hookId, { body: request.body, authorization: request.headers.authorization, clientAddress: request.ip ?? null });
      if (result.handled) request.log.info({ push: result.what }, 'android push handled');
      else request.log.warn({ push: result.why }, 'android push acknowledged without effect');
      return reply.code(204).send(null);
    },
  );
};
