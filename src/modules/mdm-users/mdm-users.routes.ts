/** /v1/organizations/:organizationId/mdm/users */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { pageRequestFrom } from '../../http/pagination.ts';
import { preconditionOf, versionedRead, versionedWrite } from '../../http/preconditions.ts';
import { errorResponses, success } from '../../http/schemas.ts';
import {
  CreateMdmUserBody,
  ListMdmUsersQuery,
  MdmUserPage,
  MdmUserParams,
  MdmUserSchema,
  OrganizationParams,
  UpdateMdmUserBody,
} from './mdm-users.schemas.ts';
import type { MdmUserService } from './mdm-users.service.ts';
import { ErrorCode } from '../../errors.ts';

const tags = ['MDM users'];
const permission = (action: string) => ({ auth: { permission: `mdm.global.mdmUser.${action}` } });
const one = success(MdmUserSchema, 'The MDM user');
const errors = errorResponses(400, 401, 403, 404);

export const mdmUserRoutes: FastifyPluginAsyncTypebox<{ mdmUsers: MdmUserService }> = async (app, { mdmUsers }) => {
  app.post(
    '/',
    {
      config: { ...permission('create'), errors: [ErrorCode.MdmUserAlreadyExists] },
      schema: { tags, operationId: 'createMdmUser', summary: 'Create an MDM user', params: OrganizationParams, body: CreateMdmUserBody, response: { 200: one, ...errors } },
    },
    async (request) => {
      const organization = organizationOf(request);
      return ok(await mdmUsers.create(organization.id, request.body, organization.defaultLanguage));
    },
  );

  app.get(
    '/',
    {
      config: permission('list'),
      schema: {
        tags,
        operationId: 'listMdmUsers',
        summary: 'List MDM users',
        params: OrganizationParams,
        querystring: ListMdmUsersQuery,
        response: { 200: success(MdmUserPage, 'A page of MDM users'), ...errors },
      },
    },
    async (request) => {
      const { search, email } = request.query;
      return ok(await mdmUsers.list(organizationOf(request).id, { search, email }, pageRequestFrom(request.query, 'createdAt')));
    },
  );

  app.get(
    '/:mdmUserId',
    { config: { ...permission('get'), versioned: true }, schema: versionedRead({ tags, operationId: 'getMdmUser', summary: 'Get an MDM user', params: MdmUserParams, response: { 200: one, ...errors } }) },
    async (request) => ok(await mdmUsers.get(organizationOf(request).id, request.params.mdmUserId)),
  );

  app.put(
    '/:mdmUserId',
    {
      config: { ...permission('update'), versioned: true, errors: [ErrorCode.MdmUserAlreadyExists] },
      schema: versionedWrite({
        tags,
        operationId: 'updateMdmUser',
        summary: 'Update an MDM user (fields left out are kept)',
        params: MdmUserParams,
        body: UpdateMdmUserBody,
        response: { 200: one, ...errors },
      }),
    },
    async (request) => ok(await mdmUsers.update(organizationOf(request).id, request.params.mdmUserId, request.body, preconditionOf(request))),
  );

  app.delete(
    '/:mdmUserId',
    {
      config: { ...permission('remove'), versioned: true, errors: [ErrorCode.MdmUserHasPendingTokens] },
      schema: versionedWrite({ tags, operationId: 'deleteMdmUser', summary: 'Delete an MDM user', params: MdmUserParams, response: { 200: one, ...errors } }),
    },
    async (request) => ok(await mdmUsers.remove(organizationOf(request).id, request.params.mdmUserId, preconditionOf(request))),
  );
};
