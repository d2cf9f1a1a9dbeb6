/** Request and response schemas of the token endpoints, composed from a platform's fields. */
import { Type } from '@sinclair/typebox';
import { listQuery, pageOf } from '../../http/pagination.ts';
import { BoundedString, EntityId, LenientBoolean, OrganizationParams, StringEnum } from '../../http/schemas.ts';
import { commonBodyFields } from '../../platforms/common-fields.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import { MAX_PLAN_BULK_EMAILS } from '../organizations/organizations.types.ts';
import { TOKEN_STATES } from './enrollment-tokens.types.ts';

/** RFC 5321's 64 + 1 + 255: longer strings cannot be addresses and are refused with the request. */
const MAX_BULK_ADDRESS_LENGTH = 320;

export const TOKEN_SORT_FIELDS = ['createdAt', 'expireAt', 'displayName'] as const;

export function tokenSchemas(adapter: PlatformAdapter) {
  const createBody = Type.Object(
    { ...commonBodyFields, ...adapter.createFields, mdmUserId: EntityId('The MDM user the token is for (required)') },
    { additionalProperties: false },
  );
  const bulkBody = Type.Object(
    {
      ...commonBodyFields,
      ...adapter.createFields,
      // The bounds sit in the schema so an oversized list is refused before any address is read;
      // the plan's own (lower) bulkMaxEmails is checked by the service (5017).
      userEmails: Type.Array(BoundedString(MAX_BULK_ADDRESS_LENGTH, { description: `An email address (at most ${MAX_BULK_ADDRESS_LENGTH} characters)` }), {
        maxItems: MAX_PLAN_BULK_EMAILS,
        description: `Addresses to issue tokens to (required); users are found or created by email. Invalid or repeated addresses count as fails. At most the plan's bulkMaxEmails (5017 beyond it) and never more than ${MAX_PLAN_BULK_EMAILS}`,
      }),
    },
    { additionalProperties: false },
  );
  const updateBody = Type.Object(
    { displayName: commonBodyFields.displayName, tags: commonBodyFields.tags, ...adapter.updateFields },
    { additionalProperties: false },
  );
  const listQuerySchema = listQuery(TOKEN_SORT_FIELDS, {
    'mdm-user': Type.Optional(EntityId('Only tokens of this MDM user')),
    [adapter.policyFilter]: Type.Optional(EntityId(`Only tokens whose main ${adapter.policyKind} is this one`)),
    state: Type.Optional(StringEnum(TOKEN_STATES, { description: 'Only tokens in this state (EXPIRED includes unswept PENDING past expiry)' })),
    tags: Type.Optional(
      Type.Union([BoundedString(1024), Type.Array(BoundedString(128), { maxItems: 50 })], {
        description: 'Only tokens carrying any of these tags: repeat the parameter or separate with commas',
      }),
    ),
    search: Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: "Case-insensitive substring of the user's email or the displayName" })),
    'show-deleted': Type.Optional(LenientBoolean({ description: 'Include DELETED tokens (default false)' })),
  });
  // Nothing is required, so the body may be left out: a bare POST resends as the token was.
  const resendBody = Type.Object(
    { emailText: commonBodyFields.emailText, language: commonBodyFields.language },
    { additionalProperties: false, description: 'Optional overrides for this delivery only' },
  );
  const params = Type.Object({ ...OrganizationParams.properties, tokenId: EntityId('Enrollment token id') }, { additionalProperties: false });
  const bulkResult = Type.Object(
    {
      total: Type.Integer({ description: 'userEmails.length' }),
      success: Type.Integer({ description: 'Tokens created' }),
      fail: Type.Integer({ description: 'Addresses that got no token' }),
      failures: Type.Array(
        Type.Object(
          {
            email: Type.String({ description: 'The address as sent' }),
            code: Type.Integer({ description: 'Error code' }),
            message: Type.String({ description: 'Why it failed' }),
          },
          { description: 'A failed address' },
        ),
        { description: 'Each failed address with its reason' },
      ),
      tokens: Type.Array(
        Type.Object(
          {
            email: Type.String({ description: 'The address, trimmed' }),
            id: EntityId('The token created for it'),
          },
          { description: 'A created token' },
        ),
        { description: 'Each address that got a token, in request order, with its token id' },
      ),
    },
    { title: 'BulkTokenResult', description: 'Outcome of a bulk creation' },
  );
  return { createBody, bulkBody, updateBody, resendBody, listQuery: listQuerySchema, params, token: adapter.tokenSchema, page: pageOf(adapter.tokenSchema, 'A page of tokens'), bulkResult };
}

/** Query `tags` as given (repeated or comma-separated) → a clean list. */
export function parseTagsFilter(tags: string | string[] | undefined): string[] | undefined {
  if (tags === undefined) return undefined;
  const list = (Array.isArray(tags) ? tags : tags.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  return list.length > 0 ? list : undefined;
}
