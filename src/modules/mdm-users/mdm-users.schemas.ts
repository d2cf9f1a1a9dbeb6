/** Request and response schemas of /v1/organizations/:organizationId/mdm/users. */
import { Type } from '@sinclair/typebox';
import { listQuery, pageOf } from '../../http/pagination.ts';
import { BoundedString, EntityId, FreeFormObject, LanguageSchema, OrganizationParams, Tags, Timestamp } from '../../http/schemas.ts';
import { MAX_EMAIL_LENGTH } from '../../lib/email-address.ts';

const Email = Type.String({
  format: 'email',
  maxLength: MAX_EMAIL_LENGTH,
  description: 'Email address; unique per organization, compared without regard to case',
  examples: ['jane@example.com'],
  errorMessage: 'must be a valid email address',
});

const fields = {
  name: Type.Union([BoundedString(128, { examples: ['Jane Doe'] }), Type.Null()], {
    description: 'Full name shown in invitations (at most 128 characters), or null',
    errorMessage: 'must be a string of at most 128 characters, or null',
  }),
  tags: Tags('Free-form labels'),
  language: LanguageSchema('Language of the user\'s invitations: en, es, fr, de, it or pt (default en)'),
  managedAppleId: Type.Union([BoundedString(254), Type.Null()], {
    description: 'Managed Apple ID for user enrollment, or null',
    errorMessage: 'must be a string of at most 254 characters, or null',
  }),
  metadata: FreeFormObject('Free-form JSON object kept with the user'),
};

export const CreateMdmUserBody = Type.Object(
  {
    email: Email,
    name: Type.Optional(fields.name),
    tags: Type.Optional(fields.tags),
    language: Type.Optional(fields.language),
    managedAppleId: Type.Optional(fields.managedAppleId),
    metadata: Type.Optional(fields.metadata),
  },
  { additionalProperties: false },
);

/** Every field optional: fields left out keep their values. */
export const UpdateMdmUserBody = Type.Partial(CreateMdmUserBody, { additionalProperties: false });

export const MdmUserParams = Type.Object(
  { ...OrganizationParams.properties, mdmUserId: EntityId('MDM user id') },
  { additionalProperties: false },
);

export const MdmUserSchema = Type.Object(
  {
    id: EntityId('MDM user id'),
    organization: EntityId('The organization the user belongs to'),
    email: Type.String({ description: 'Email address' }),
    name: Type.Union([Type.String(), Type.Null()], { description: 'Full name, or null' }),
    tags: Type.Array(Type.String({ description: 'A tag' }), { description: 'Free-form labels' }),
    language: LanguageSchema('Language of the user\'s invitations'),
    managedAppleId: Type.Union([Type.String(), Type.Null()], { description: 'Managed Apple ID, or null' }),
    metadata: FreeFormObject('Free-form JSON object kept with the user'),
    createdAt: Timestamp('When the user was created'),
    updatedAt: Timestamp('When the user was last changed'),
  },
  { title: 'MdmUser', description: 'An MDM user' },
);

export const ListMdmUsersQuery = listQuery(['createdAt', 'updatedAt', 'email', 'name'] as const, {
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: 'Case-insensitive substring of the email or name' })),
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: 'Exact email, compared without regard to case' })),
});

export const MdmUserPage = pageOf(MdmUserSchema, 'A page of MDM users');
export { OrganizationParams };
