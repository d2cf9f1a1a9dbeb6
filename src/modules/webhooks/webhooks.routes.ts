/** /v1/organizations/:organizationId/webhooks — an organization's webhook endpoints and their deliveries. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { preconditionOf, versionedRead, versionedWrite } from '../../http/preconditions.ts';
import { pageRequestFrom } from '../../http/pagination.ts';
import { errorResponses, success } from '../../http/schemas.ts';
import {
  CreateWebhookBody,
  DeliveryPage,
  DeliveryParams,
  DeliverySchema,
  ListDeliveriesQuery,
  ListWebhooksQuery,
  OrganizationParams,
  UpdateWebhookBody,
  WebhookPage,
  WebhookParams,
  WebhookSchema,
  WebhookWithSecretSchema,
} from './webhooks.schemas.ts';
import type { WebhookService } from './webhooks.service.ts';

const tags = ['Webhooks'];
const permission = (action: string) => ({ auth: { permission: `base.organization.webhook.${action}` } });

export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhookService }> = async (app, { webhooks }) => {
  app.post(
    '/',
    {
      config: permission('create'),
      schema: {
        tags,
        operationId: 'createWebhook',
        summary: 'Create a webhook endpoint and return its signing secret once',
        description: 'A URL that is a loopback, private, link-local or other non-public literal address answers 400/3000.',
        params: OrganizationParams,
        body: CreateWebhookBody,
        response: { 200: success(WebhookWithSecretSchema, 'The new endpoint with its secret'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await webhooks.create(organizationOf(request).id, request.body)),
  );

  app.get(
    '/',
    {
      config: permission('list'),
      schema: {
        tags,
        operationId: 'listWebhooks',
        summary: 'List webhook endpoints',
        params: OrganizationParams,
        querystring: ListWebhooksQuery,
        response: { 200: success(WebhookPage, 'A page of endpoints'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await webhooks.list(organizationOf(request).id, pageRequestFrom(request.query, 'createdAt'))),
  );

  app.get(
    '/:webhookId',
    {
      config: { ...permission('get'), versioned: true },
      schema: versionedRead({ tags, operationId: 'getWebhook', summary: 'Get a webhook endpoint', params: WebhookParams, response: { 200: success(WebhookSchema, 'The endpoint'), ...errorResponses(400, 401, 403, 404) } }),
    },
    async (request) => ok(await webhooks.get(organizationOf(request).id, request.params.webhookId)),
  );

  app.put(
    '/:webhookId',
    {
      config: { ...permission('update'), versioned: true },
      schema: versionedWrite({
        tags,
        operationId: 'updateWebhook',
        summary: 'Change a webhook endpoint (only the fields given)',
        params: WebhookParams,
        body: UpdateWebhookBody,
        response: { 200: success(WebhookSchema, 'The endpoint after the change'), ...errorResponses(400, 401, 403, 404) },
      }),
    },
    async (request) => ok(await webhooks.update(organizationOf(request).id, request.params.webhookId, request.body, preconditionOf(request))),
  );

  app.delete(
    '/:webhookId',
    {
      config: { ...permission('remove'), versioned: true },
      schema: versionedWrite({
        tags,
        operationId: 'deleteWebhook',
        summary: 'Delete a webhook endpoint with its delivery log',
        params: WebhookParams,
        response: { 200: success(WebhookSchema, 'The deleted endpoint'), ...errorResponses(400, 401, 403, 404) },
      }),
    },
    async (request) => ok(await webhooks.remove(organizationOf(request).id, request.params.webhookId, preconditionOf(request))),
  );

  app.post(
    '/:webhookId/rotate-secret',
    {
      config: permission('update'),
      schema: {
        tags,
        operationId: 'rotateWebhookSecret',
        summary: 'Replace the signing secret; the previous one keeps signing beside it for 24 hours',
        params: WebhookParams,
        response: { 200: success(WebhookWithSecretSchema, 'The endpoint with its new secret'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await webhooks.rotateSecret(organizationOf(request).id, request.params.webhookId)),
  );

  app.post(
    '/:webhookId/test',
    {
      config: permission('update'),
      schema: {
        tags,
        operationId: 'testWebhook',
        summary: 'Send a ping event to the endpoint',
        params: WebhookParams,
        response: { 200: success(DeliverySchema, 'The queued delivery'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await webhooks.test(organizationOf(request).id, request.params.webhookId)),
  );

  app.get(
    '/:webhookId/deliveries',
    {
      config: permission('get'),
      schema: {
        tags,
        operationId: 'listWebhookDeliveries',
        summary: "List the endpoint's deliveries: status, attempts, last answer or error, next attempt",
        params: WebhookParams,
        querystring: ListDeliveriesQuery,
        response: { 200: success(DeliveryPage, 'A page of deliveries'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { status } = request.query;
      return ok(await webhooks.listDeliveries(organizationOf(request).id, request.params.webhookId, pageRequestFrom(request.query, 'createdAt'), { status }));
    },
  );

  app.post(
    '/:webhookId/deliveries/:deliveryId/retry',
    {
      config: permission('update'),
      schema: {
        tags,
        operationId: 'retryWebhookDelivery',
        summary: 'Attempt a delivery again now',
        description: 'A delivery a worker is attempting at this moment answers 400/5120.',
        params: DeliveryParams,
        response: { 200: success(DeliverySchema, 'The delivery, due now'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await webhooks.retryDelivery(organizationOf(request).id, request.params.webhookId, request.params.deliveryId)),
  );
};
