/** Request and response schemas of the segment endpoints. */
import { Type } from '@sinclair/typebox';
import { listQuery } from '../../http/pagination.ts';
import { BoundedString, LenientInteger, MAX_INTEGER_ID, OrganizationParams, Timestamp } from '../../http/schemas.ts';

export const ParentId = Type.Union([LenientInteger({ minimum: 1, maximum: MAX_INTEGER_ID, description: 'Parent segment id' }), Type.Null()], {
  description: 'Parent segment id, or null for a top-level segment',
  errorMessage: 'must be a segment id (a positive integer) or null',
});

export const CreateBody = Type.Object(
  { name: BoundedString(128, { minLength: 1, description: 'Name (1–128 characters)' }), parentId: Type.Optional(ParentId) },
  { additionalProperties: false },
);

export const UpdateBody = Type.Partial(CreateBody, { additionalProperties: false });

export const SegmentParams = Type.Object(
  { ...OrganizationParams.properties, segmentId: Type.Integer({ minimum: 1, maximum: MAX_INTEGER_ID, description: 'Segment id' }) },
  { additionalProperties: false },
);

export const SegmentSchema = Type.Object(
  {
    id: Type.Integer({ description: 'Segment id' }),
    organization: Type.String({ description: 'The organization it belongs to' }),
    name: Type.String({ description: 'Name' }),
    parentId: Type.Union([Type.Integer(), Type.Null()], { description: 'Parent segment id, or null' }),
    createdAt: Timestamp('When it was created'),
    updatedAt: Timestamp('When it was last changed'),
  },
  { title: 'Segment', description: 'A segment' },
);

export const ListQuery = listQuery(['createdAt', 'name', 'id'] as const, {
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Case-insensitive substring of the name' })),
});
