/**
 * /v1/organizations/:organizationId/mdm/<platform>/enterprise/enrollment-tokens — registered once
 * per platform adapter; the handlers are the same for all three.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { organizationOf, principalOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { preconditionOf, versionedRead, versionedWrite } from '../../http/preconditions.ts';
import { pageRequestFrom } from '../../http/pagination.ts';
import { errorResponses, OrganizationParams, success } from '../../http/schemas.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import { parseTagsFilter, tokenSchemas } from './enrollment-tokens.schemas.ts';
import type { EnrollmentTokenService } from './enrollment-tokens.service.ts';
import type { TokenState } from './enrollment-tokens.types.ts';
import { secretViewFor } from './token-secrets.ts';
import { ErrorCode } from '../../errors.ts';

export const enrollmentTokenRoutes: FastifyPluginAsyncTypebox<{ tokens: EnrollmentTokenService; adapter: PlatformAdapter }> = async (
  app,
  { tokens, adapter },
) => {
  const schemas = tokenSchemas(adapter);
  const createErrors = [ErrorCode.EntityNotFound, ErrorCode.FeatureNotAllowed, ErrorCode.LimitExceeded, ...(adapter.documentedErrors ?? [])];
  const updateErrors = [ErrorCode.ErrorUpdatingEntity, ...(adapter.documentedErrors ?? [])];
  const tags = [`${adapter.label} enrollment tokens`];
  const permission = (action: string) => ({ auth: { permission: `mdm.${adapter.platform}.enrollmentToken.${action}` } });
  const one = success(schemas.token, 'The token');
  const errors = errorResponses(400, 401, 403, 404);
  const secrets = (request: FastifyRequest) => secretViewFor(principalOf(request), adapter);

  app.post(
    '/',
    {
      config: { ...permission('create'), errors: createErrors },
      schema: { tags, operationId: `create${adapter.label}EnrollmentToken`, summary: `Create an ${adapter.label} enrollment token for one user`, params: OrganizationParams, body: schemas.createBody, response: { 200: one, ...errors } },
    },
    async (request) => ok(secrets(request).token(await tokens.create(organizationOf(request), adapter, request.body))),
  );

  app.post(
    '/bulk',
    {
      config: { ...permission('create'), errors: createErrors },
      schema: {
        tags,
        operationId: `create${adapter.label}EnrollmentTokensInBulk`,
        summary: `Create ${adapter.label} enrollment tokens for many users at once`,
        params: OrganizationParams,
        body: schemas.bulkBody,
        response: { 200: success(schemas.bulkResult, 'The outcome'), ...errors },
      },
    },
    async (request) => ok(await tokens.createBulk(organizationOf(request), adapter, request.body)),
  );

  app.get(
    '/',
    {
      config: permission('list'),
      schema: { tags, operationId: `list${adapter.label}EnrollmentTokens`, summary: `List ${adapter.label} enrollment tokens`, params: OrganizationParams, querystring: schemas.listQuery, response: { 200: success(schemas.page, 'A page of tokens'), ...errors } },
    },
    async (request) => {
      const query = request.query as Record<string, unknown> & { page: number; limit: number; sort?: string };
      const filters = {
        mdmUserId: query['mdm-user'] as string | undefined,
        policyId: query[adapter.policyFilter] as string | undefined,
        state: query.state as TokenState | undefined,
        tags: parseTagsFilter(query.tags as string | string[] | undefined),
        search: query.search as string | undefined,
        showDeleted: query['show-deleted'] === true,
      };
      return ok(secrets(request).page(await tokens.list(organizationOf(request).id, adapter, filters, pageRequestFrom(query, 'createdAt'))));
    },
  );

  app.get(
    '/:tokenId',
    { config: { ...permission('get'), versioned: true }, schema: versionedRead({ tags, operationId: `get${adapter.label}EnrollmentToken`, summary: `Get an ${adapter.label} enrollment token`, params: schemas.params, response: { 200: one, ...errors } }) },
    async (request) => ok(secrets(request).token(await tokens.get(organizationOf(request).id, adapter, request.params.tokenId))),
  );

  app.put(
    '/:tokenId',
    {
      config: { ...permission('update'), versioned: true, errors: updateErrors },
      schema: versionedWrite({ tags, operationId: `update${adapter.label}EnrollmentToken`, summary: 'Update a PENDING token (displayName, tags, policies, segment)', params: schemas.params, body: schemas.updateBody, response: { 200: one, ...errors } }),
    },
    async (request) => ok(secrets(request).token(await tokens.update(organizationOf(request).id, adapter, request.params.tokenId, request.body, preconditionOf(request)))),
  );

  app.post(
    '/:tokenId/resend',
    {
      config: { ...permission('update'), errors: [ErrorCode.ErrorUpdatingEntity] },
      schema: {
        tags,
        operationId: `resend${adapter.label}EnrollmentTokenInvitation`,
        summary: 'Queue the invitation again (PENDING tokens only), optionally with another note or language',
        params: schemas.params,
        body: schemas.resendBody,
        response: { 200: one, ...errors },
      },
    },
    async (request) => ok(secrets(request).token(await tokens.resend(organizationOf(request), adapter, request.params.tokenId, request.body ?? {}))),
  );

  app.delete(
    '/:tokenId',
    {
      config: { ...permission('remove'), versioned: true },
      schema: versionedWrite({ tags, operationId: `revoke${adapter.label}EnrollmentToken`, summary: 'Revoke a token: DELETED, its link stops working', params: schemas.params, response: { 200: one, ...errors } }),
    },
    async (request) => ok(secrets(request).token(await tokens.remove(organizationOf(request).id, adapter, request.params.tokenId, preconditionOf(request)))),
  );
};
