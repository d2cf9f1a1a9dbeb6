/** /v1/organizations/:organizationId/service-accounts — API keys of one organization. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { organizationOf, principalOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { pageRequestFrom } from '../../http/pagination.ts';
import { errorResponses, success } from '../../http/schemas.ts';
import {
  CreatedServiceAccountSchema,
  CreateServiceAccountBody,
  ListServiceAccountsQuery,
  OrganizationParams,
  ServiceAccountPage,
  ServiceAccountParams,
  ServiceAccountSchema,
} from './service-accounts.schemas.ts';
import type { ServiceAccountService } from './service-accounts.service.ts';

const tags = ['Service accounts'];
const permission = (action: string) => ({ auth: { permission: `base.organization.serviceAccount.${action}` } });

export const serviceAccountRoutes: FastifyPluginAsyncTypebox<{ serviceAccounts: ServiceAccountService }> = async (
  app,
  { serviceAccounts },
) => {
  app.post(
    '/',
    {
      config: permission('create'),
      schema: {
        tags,
        operationId: 'createServiceAccount',
        summary: 'Create a service account and return its token once',
        params: OrganizationParams,
        body: CreateServiceAccountBody,
        response: { 200: success(CreatedServiceAccountSchema, 'The new key'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await serviceAccounts.create(organizationOf(request).id, request.body, principalOf(request))),
  );

  app.get(
    '/',
    {
      config: permission('list'),
      schema: {
        tags,
        operationId: 'listServiceAccounts',
        summary: 'List service accounts (without secrets)',
        params: OrganizationParams,
        querystring: ListServiceAccountsQuery,
        response: { 200: success(ServiceAccountPage, 'A page of keys'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await serviceAccounts.list(organizationOf(request).id, pageRequestFrom(request.query, 'createdAt'))),
  );

  app.delete(
    '/:serviceAccountId',
    {
      config: permission('remove'),
      schema: {
        tags,
        operationId: 'revokeServiceAccount',
        summary: 'Revoke a service account: its token stops working at once',
        description:
          'A key may revoke only keys whose every permission it holds itself, and never the organization\'s last admin key ' +
          '(a live key holding every permission): both answer 403/4003. The root key may revoke any key.',
        params: ServiceAccountParams,
        response: { 200: success(ServiceAccountSchema, 'The revoked key'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await serviceAccounts.revoke(organizationOf(request).id, request.params.serviceAccountId, principalOf(request))),
  );
};
