/** CRUD routes for one catalog kind; app.ts registers this once per kind under its path. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { preconditionOf, versionedRead, versionedWrite } from '../../http/preconditions.ts';
import { listQuery, pageOf, pageRequestFrom } from '../../http/pagination.ts';
import { EntityId, errorResponses, OrganizationParams, success } from '../../http/schemas.ts';
import type { CatalogService } from './catalog.service.ts';
import type { CatalogKind } from './catalog.types.ts';

export const catalogRoutes: FastifyPluginAsyncTypebox<{ catalog: CatalogService; kind: CatalogKind }> = async (app, { catalog, kind }) => {
  const tags = [kind.label];
  const permission = (action: string) => ({ auth: { permission: `${kind.permission}.${action}` } });
  // Named in the API description after the kind: `ApplePolicy`.
  const Item = { ...kind.response, title: kind.names.one };
  const one = success(Item, `The ${kind.kind}`);
  const errors = errorResponses(400, 401, 403, 404);
  const ItemParams = Type.Object({ ...OrganizationParams.properties, id: EntityId(`${kind.kind} id`) }, { additionalProperties: false });
  const ListQuery = listQuery(['createdAt', 'updatedAt', 'name'] as const, {
    search: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Case-insensitive substring of the name' })),
  });
  const present = kind.present;

  app.post(
    '/',
    { config: permission('create'), schema: { tags, operationId: `create${kind.names.one}`, summary: `Create (${kind.kind})`, params: OrganizationParams, body: kind.createBody, response: { 200: one, ...errors } } },
    async (request) => ok(present(await catalog.create(organizationOf(request).id, kind.kind, request.body as Record<string, unknown>))),
  );

  app.get(
    '/',
    {
      config: permission('list'),
      schema: { tags, operationId: `list${kind.names.many}`, summary: `List (${kind.kind})`, params: OrganizationParams, querystring: ListQuery, response: { 200: success(pageOf(Item, 'A page'), 'A page'), ...errors } },
    },
    async (request) => {
      const page = await catalog.list(organizationOf(request).id, kind.kind, request.query.search, pageRequestFrom(request.query, 'createdAt'));
      return ok({ ...page, items: page.items.map(present) });
    },
  );

  app.get(
    '/:id',
    { config: { ...permission('get'), versioned: true }, schema: versionedRead({ tags, operationId: `get${kind.names.one}`, summary: `Get (${kind.kind})`, params: ItemParams, response: { 200: one, ...errors } }) },
    async (request) => ok(present(await catalog.get(organizationOf(request).id, kind.kind, request.params.id))),
  );

  app.put(
    '/:id',
    {
      config: { ...permission('update'), versioned: true },
      schema: versionedWrite({ tags, operationId: `update${kind.names.one}`, summary: `Update (${kind.kind}); fields left out are kept`, params: ItemParams, body: kind.updateBody, response: { 200: one, ...errors } }),
    },
    async (request) =>
      ok(present(await catalog.update(organizationOf(request).id, kind.kind, request.params.id, request.body as Record<string, unknown>, preconditionOf(request)))),
  );

  app.delete(
    '/:id',
    {
      config: { ...permission('remove'), versioned: true },
      schema: versionedWrite({ tags, operationId: `delete${kind.names.one}`, summary: `Delete (${kind.kind})`, params: ItemParams, response: { 200: one, ...errors } }),
    },
    async (request) => ok(present(await catalog.remove(organizationOf(request).id, kind.kind, request.params.id, preconditionOf(request)))),
  );
};
