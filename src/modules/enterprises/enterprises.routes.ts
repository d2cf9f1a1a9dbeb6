/** GET/PUT /v1/organizations/:organizationId/mdm/<platform>/enterprise, one registration per platform. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { preconditionOf, versionedRead, versionedWrite } from '../../http/preconditions.ts';
import { BoundedString, EntityId, errorResponses, OrganizationParams, success, Timestamp } from '../../http/schemas.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import { type EnterpriseService, presentEnterprise } from './enterprises.service.ts';
import { BrandingInput, BrandingOutput } from './enterprises.schemas.ts';

export const enterpriseRoutes: FastifyPluginAsyncTypebox<{ enterprises: EnterpriseService; adapter: PlatformAdapter }> = async (
  app,
  { enterprises, adapter },
) => {
  const tags = [`${adapter.label} enterprise`];
  const permission = (action: string) => ({ auth: { permission: `mdm.${adapter.platform}.enterprise.${action}` } });
  const EnterpriseSchema = Type.Object(
    {
      id: EntityId('Enterprise id'),
      organization: Type.String({ description: 'Organization id' }),
      platform: Type.Literal(adapter.platform, { description: 'The platform' }),
      name: Type.String({ description: 'Name' }),
      configuration: BrandingOutput,
      settings: adapter.enterprise.output,
      createdAt: Timestamp('When it was created'),
      updatedAt: Timestamp('When it was last changed'),
    },
    { title: `${adapter.label}Enterprise`, description: `The ${adapter.label} enterprise` },
  );
  const UpdateBody = Type.Object(
    {
      name: Type.Optional(BoundedString(128, { minLength: 1, description: 'Name' })),
      configuration: Type.Optional(BrandingInput),
      settings: Type.Optional(adapter.enterprise.input),
    },
    { additionalProperties: false },
  );
  const one = success(EnterpriseSchema, 'The enterprise');
  const errors = errorResponses(400, 401, 403, 404);

  app.get(
    '/',
    { config: { ...permission('get'), versioned: true }, schema: versionedRead({ tags, operationId: `get${adapter.label}Enterprise`, summary: `Get the ${adapter.label} enterprise`, params: OrganizationParams, response: { 200: one, ...errors } }) },
    async (request) => ok(presentEnterprise(adapter, await enterprises.getOrCreate(organizationOf(request).id, adapter.platform))),
  );

  app.put(
    '/',
    {
      config: { ...permission('update'), versioned: true },
      schema: versionedWrite({ tags, operationId: `update${adapter.label}Enterprise`, summary: `Update the ${adapter.label} enterprise (parts left out are kept)`, params: OrganizationParams, body: UpdateBody, response: { 200: one, ...errors } }),
    },
    async (request) => ok(presentEnterprise(adapter, await enterprises.update(organizationOf(request).id, adapter.platform, request.body, preconditionOf(request)))),
  );
};
