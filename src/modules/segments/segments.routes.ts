/** /v1/organizations/:organizationId/segments — integer ids, as in Applivery. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { organizationOf } from '../../http/auth.ts';
import { ok } from '../../http/envelope.ts';
import { listQuery, pageOf, pageRequestFrom } from '../../http/pagination.ts';
import { BoundedString, errorResponses, LenientInteger, MAX_INTEGER_ID, OrganizationParams, success, Timestamp } from '../../http/schemas.ts';
import type { SegmentService } from './segments.service.ts';

const tags = ['Segments'];
const permission = (action: string) => ({ auth: { permission: `mdm.global.segment.${action}` } });
const errors = errorResponses(400, 401, 403, 404);

const ParentId = Type.Union([LenientInteger({ minimum: 1, maximum: MAX_INTEGER_ID, description: 'Parent segment id' }), Type.Null()], {
  description: 'Parent segment id, or null for a top-level segment',
  errorMessage: 'must be a segment id (a positive integer) or null',
});
const CreateBody = Type.Object(
  { name: BoundedString(128, { minLength: 1, description: 'Name (1–128 characters)' }), parentId: Type.Optional(ParentId) },
  { additionalProperties: false },
);
const UpdateBody = Type.Partial(CreateBody, { additionalProperties: false });
const SegmentParams = Type.Object(
  { ...OrganizationParams.properties, segmentId: Type.Integer({ minimum: 1, maximum: MAX_INTEGER_ID, description: 'Segment id' }) },
  { additionalProperties: false },
);
const SegmentSchema = Type.Object(
  {
    id: Type.Integer({ description: 'Segment id' }),
    organization: Type.String({ description: 'The organization it belongs to' }),
    name: Type.String({ description: 'Name' }),
    parentId: Type.Union([Type.Integer(), Type.Null()], { description: 'Parent segment id, or null' }),
    createdAt: Timestamp('When it was created'),
    updatedAt: Timestamp('When it was last changed'),
  },
  { description: 'A segment' },
);
const one = success(SegmentSchema, 'The segment');
const ListQuery = listQuery(['createdAt', 'name', 'id'] as const, {
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Case-insensitive substring of the name' })),
});

export const segmentRoutes: FastifyPluginAsyncTypebox<{ segments: SegmentService }> = async (app, { segments }) => {
  app.post(
    '/',
    { config: permission('create'), schema: { tags, summary: 'Create a segment', params: OrganizationParams, body: CreateBody, response: { 200: one, ...errors } } },
    async (request) => ok(await segments.create(organizationOf(request).id, request.body)),
  );
  app.get(
    '/',
    {
      config: permission('list'),
      schema: { tags, summary: 'List segments', params: OrganizationParams, querystring: ListQuery, response: { 200: success(pageOf(SegmentSchema, 'A page'), 'A page'), ...errors } },
    },
    async (request) => ok(await segments.list(organizationOf(request).id, request.query.search, pageRequestFrom(request.query, 'createdAt'))),
  );
  app.get(
    '/:segmentId',
    { config: permission('get'), schema: { tags, summary: 'Get a segment', params: SegmentParams, response: { 200: one, ...errors } } },
    async (request) => ok(await segments.get(organizationOf(request).id, request.params.segmentId)),
  );
  app.put(
    '/:segmentId',
    { config: permission('update'), schema: { tags, summary: 'Update a segment', params: SegmentParams, body: UpdateBody, response: { 200: one, ...errors } } },
    async (request) => ok(await segments.update(organizationOf(request).id, request.params.segmentId, request.body)),
  );
  app.delete(
    '/:segmentId',
    { config: permission('remove'), schema: { tags, summary: 'Delete a segment', params: SegmentParams, response: { 200: one, ...errors } } },
    async (request) => ok(await segments.remove(organizationOf(request).id, request.params.segmentId)),
  );
};
