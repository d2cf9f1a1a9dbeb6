/** /v1/organizations — root key only. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { pageRequestFrom } from '../../http/pagination.ts';
import { errorResponses, OrganizationParams, success } from '../../http/schemas.ts';
import {
  CreateOrganizationBody,
  ListOrganizationsQuery,
  OrganizationPage,
  OrganizationSchema,
  UpdateOrganizationBody,
} from './organizations.schemas.ts';
import type { OrganizationService } from './organizations.service.ts';

const rootOnly = { auth: { rootOnly: true } } as const;
const tags = ['Organizations'];
const one = success(OrganizationSchema, 'The organization');

export const organizationRoutes: FastifyPluginAsyncTypebox<{ organizations: OrganizationService }> = async (app, { organizations }) => {
  app.post(
    '/',
    {
      config: rootOnly,
      schema: { tags, operationId: 'createOrganization', summary: 'Create an organization', body: CreateOrganizationBody, response: { 200: one, ...errorResponses(400, 401, 403) } },
    },
    async (request) => ok(await organizations.create(request.body)),
  );

  app.get(
    '/',
    {
      config: rootOnly,
      schema: {
        tags,
        operationId: 'listOrganizations',
        summary: 'List organizations',
        querystring: ListOrganizationsQuery,
        response: { 200: success(OrganizationPage, 'A page of organizations'), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => ok(await organizations.list(request.query.search, pageRequestFrom(request.query, 'createdAt'))),
  );

  app.get(
    '/:organizationId',
    {
      config: rootOnly,
      schema: { tags, operationId: 'getOrganization', summary: 'Get an organization', params: OrganizationParams, response: { 200: one, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => ok(organizationOf(request)),
  );

  app.put(
    '/:organizationId',
    {
      config: rootOnly,
      schema: {
        tags,
        operationId: 'updateOrganization',
        summary: 'Update an organization (name, slug, plan, emailDomains)',
        params: OrganizationParams,
        body: UpdateOrganizationBody,
        response: { 200: one, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await organizations.update(organizationOf(request).id, request.body)),
  );

  app.delete(
    '/:organizationId',
    {
      config: rootOnly,
      schema: {
        tags,
        operationId: 'deleteOrganization',
        summary: 'Delete an organization and everything it owns',
        params: OrganizationParams,
        response: { 200: one, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(await organizations.remove(organizationOf(request).id)),
  );
};
