/** /v1/organizations/:organizationId/segments — integer ids, as in Applivery. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { pageOf, pageRequestFrom } from '../../http/pagination.ts';
import { errorResponses, OrganizationParams, success } from '../../http/schemas.ts';
import type { SegmentService } from './segments.service.ts';
import { CreateBody, ListQuery, SegmentParams, SegmentSchema, UpdateBody } from './segments.schemas.ts';

const tags = ['Segments'];
const permission = (action: string) => ({ auth: { permission: `mdm.global.segment.${action}` } });
const errors = errorResponses(400, 401, 403, 404);

const one = success(SegmentSchema, 'The segment');

export const segmentRoutes: FastifyPluginAsyncTypebox<{ segments: SegmentService }> = async (app, { segments }) => {
  app.post(
    '/',
    { config: permission('create'), schema: { tags, operationId: 'createSegment', summary: 'Create a segment', params: OrganizationParams, body: CreateBody, response: { 200: one, ...errors } } },
    async (request) => ok(await segments.create(organizationOf(request).id, request.body)),
  );
  app.get(
    '/',
    {
      config: permission('list'),
      schema: { tags, operationId: 'listSegments', summary: 'List segments', params: OrganizationParams, querystring: ListQuery, response: { 200: success(pageOf(SegmentSchema, 'A page'), 'A page'), ...errors } },
    },
    async (request) => ok(await segments.list(organizationOf(request).id, request.query.search, pageRequestFrom(request.query, 'createdAt'))),
  );
  app.get(
    '/:segmentId',
    { config: permission('get'), schema: { tags, operationId: 'getSegment', summary: 'Get a segment', params: SegmentParams, response: { 200: one, ...errors } } },
    async (request) => ok(await segments.get(organizationOf(request).id, request.params.segmentId)),
  );
  app.put(
    '/:segmentId',
    { config: permission('update'), schema: { tags, operationId: 'updateSegment', summary: 'Update a segment', params: SegmentParams, body: UpdateBody, response: { 200: one, ...errors } } },
    async (request) => ok(await segments.update(organizationOf(request).id, request.params.segmentId, request.body)),
  );
  app.delete(
    '/:segmentId',
    { config: permission('remove'), schema: { tags, operationId: 'deleteSegment', summary: 'Delete a segment', params: SegmentParams, response: { 200: one, ...errors } } },
    async (request) => ok(await segments.remove(organizationOf(request).id, request.params.segmentId)),
  );
};
