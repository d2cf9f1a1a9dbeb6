/** Request and response schemas of /v1/organizations/:organizationId/service-accounts. */
import { Type } from '@sinclair/typebox';
import { ROLES } from '../../auth/permissions.ts';
import { listQuery, pageOf } from '../../http/pagination.ts';
import { BoundedString, EntityId, OrganizationParams, StringEnum, Timestamp } from '../../http/schemas.ts';

export const CreateServiceAccountBody = Type.Object(
  {
    name: BoundedString(128, { minLength: 1, description: 'What the key is for (1–128 characters)' }),
    role: Type.Optional(StringEnum(ROLES, { description: 'admin (everything), developer (all but keys) or viewer (list/get); or give `permissions`' })),
    permissions: Type.Optional(
      Type.Array(
        Type.String({
          minLength: 1,
          maxLength: 128,
          description: 'A permission such as mdm.apple.enrollmentToken.create, or a prefix ending in * (mdm.apple.*)',
        }),
        { minItems: 1, maxItems: 500, description: 'Explicit permissions instead of a role' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ServiceAccountParams = Type.Object(
  { ...OrganizationParams.properties, serviceAccountId: EntityId('Service account id') },
  { additionalProperties: false },
);

const accountFields = {
  id: EntityId('Service account id'),
  organization: EntityId('The organization the key belongs to'),
  name: Type.String({ description: 'What the key is for' }),
  role: Type.Union([StringEnum(ROLES, { description: 'The role' }), Type.Null()], { description: 'The role, or null for an explicit permission list' }),
  permissions: Type.Array(Type.String({ description: 'A permission' }), { description: 'Everything the key may do' }),
  tokenPrefix: Type.String({ description: 'The first characters of the key, to tell keys apart' }),
  createdAt: Timestamp('When the key was created'),
  revokedAt: Type.Union([Type.String(), Type.Null()], { description: 'When the key was revoked, or null while it works' }),
};

export const ServiceAccountSchema = Type.Object(accountFields, { title: 'ServiceAccount', description: 'A service account (API key); the secret is never shown again' });

export const CreatedServiceAccountSchema = Type.Object(
  { ...accountFields, token: Type.String({ description: 'The bearer token. Shown only in this response: store it now' }) },
  { title: 'ServiceAccountWithToken', description: 'The new service account with its token' },
);

export const ListServiceAccountsQuery = listQuery(['createdAt', 'name'] as const, {});
export const ServiceAccountPage = pageOf(ServiceAccountSchema, 'A page of service accounts');
export { OrganizationParams };
