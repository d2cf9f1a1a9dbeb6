/** Request and response schemas of /v1/organizations. */
import { Type } from '@sinclair/typebox';
import { listQuery, pageOf } from '../../http/pagination.ts';
import { BoundedString, EntityId, LanguageSchema, StringEnum, Timestamp } from '../../http/schemas.ts';
import { MAX_EMAIL_DOMAINS } from './email-domains.ts';
import { MAX_PLAN_BULK_EMAILS } from './organizations.types.ts';
import { PLATFORMS } from '../../platforms/platform-names.ts';

/** Slugs: 3–64 of a-z, 0-9 and dashes, and never 24 hex characters (those are ids). */
export const SLUG_PATTERN = '^(?![a-f0-9]{24}$)[a-z0-9-]{3,64}$';

const Slug = Type.String({
  pattern: SLUG_PATTERN,
  examples: ['acme'],
  description: 'URL-safe name usable in place of the id: 3–64 of a-z, 0-9 and "-", not 24 hex characters',
  errorMessage: 'must be 3 to 64 lowercase letters, digits or dashes, and not a 24-character hex string',
});

const Name = BoundedString(128, { minLength: 1, description: 'Display name (1–128 characters)' });

const Features = Type.Array(StringEnum(PLATFORMS, { description: 'A platform: apple, windows or android' }), {
  uniqueItems: true,
  description: 'Platforms the organization may create enrollment tokens for',
});

const PlanInput = Type.Object(
  {
    features: Type.Optional(Features),
    limits: Type.Optional(
      Type.Object(
        {
          bulkMaxEmails: Type.Optional(
            Type.Integer({ minimum: 1, maximum: MAX_PLAN_BULK_EMAILS, description: `Most addresses a bulk request may carry, at most ${MAX_PLAN_BULK_EMAILS} (default 10000)` }),
          ),
          maxPendingTokens: Type.Optional(
            Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
              description: 'Most PENDING enrollment tokens at once; null for no limit (default null)',
            }),
          ),
        },
        { additionalProperties: false, description: 'Quotas' },
      ),
    ),
  },
  { additionalProperties: false, description: 'The billing plan; omitted parts keep their current (or default) values' },
);

const EmailDomains = Type.Union(
  [
    Type.Array(
      // The domain syntax is checked by the service (validateEmailDomains), which names the entry:
      // inside a union a failed pattern would only say that the union did not match.
      Type.String({
        minLength: 1,
        maxLength: 253,
        description: 'A domain (example.com: exactly it) or a wildcard (*.example.com: any of its subdomains, not example.com itself)',
      }),
      { minItems: 1, maxItems: MAX_EMAIL_DOMAINS, description: `The domains, 1 to ${MAX_EMAIL_DOMAINS}` },
    ),
    Type.Null(),
  ],
  {
    description:
      'Recipient domains invitations may be sent to; null (the default) allows any domain. Checked when an invitation would be ' +
      'sent (sendEmail true, resend): other addresses are refused (400/3000; in a bulk, listed in failures)',
  },
);

const DefaultLanguage = LanguageSchema(
  'The language of users created without one (by POST …/mdm/users or by a bulk), and so of their tokens and invitations: en, es, fr, de, it or pt (default en)',
);

export const CreateOrganizationBody = Type.Object(
  { name: Name, slug: Slug, plan: Type.Optional(PlanInput), emailDomains: Type.Optional(EmailDomains), defaultLanguage: Type.Optional(DefaultLanguage) },
  { additionalProperties: false },
);

export const UpdateOrganizationBody = Type.Object(
  { name: Type.Optional(Name), slug: Type.Optional(Slug), plan: Type.Optional(PlanInput), emailDomains: Type.Optional(EmailDomains), defaultLanguage: Type.Optional(DefaultLanguage) },
  { additionalProperties: false },
);

export const OrganizationSchema = Type.Object(
  {
    id: EntityId('Organization id'),
    name: Type.String({ description: 'Display name' }),
    slug: Type.String({ description: 'URL-safe name usable in place of the id' }),
    plan: Type.Object(
      {
        features: Type.Array(StringEnum(PLATFORMS, { description: 'A platform' }), { description: 'Platforms allowed' }),
        limits: Type.Object(
          {
            bulkMaxEmails: Type.Integer({ description: 'Most addresses per bulk request' }),
            maxPendingTokens: Type.Union([Type.Integer(), Type.Null()], { description: 'Most PENDING tokens at once, or null' }),
          },
          { description: 'Quotas' },
        ),
      },
      { description: 'The billing plan' },
    ),
    emailDomains: Type.Union([Type.Array(Type.String({ description: 'example.com or *.example.com' })), Type.Null()], {
      description: 'Recipient domains invitations may be sent to, or null for any domain',
    }),
    defaultLanguage: LanguageSchema('The language of users created without one, and of their tokens'),
    createdAt: Timestamp('When the organization was created'),
    updatedAt: Timestamp('When the organization was last changed'),
  },
  { title: 'Organization', description: 'An organization (tenant)' },
);

export const ORGANIZATION_SORT_FIELDS = ['createdAt', 'updatedAt', 'name', 'slug'] as const;

export const ListOrganizationsQuery = listQuery(ORGANIZATION_SORT_FIELDS, {
  search: Type.Optional(Type.String({ maxLength: 128, description: 'Case-insensitive substring of the name or slug' })),
});

export const OrganizationPage = pageOf(OrganizationSchema, 'A page of organizations');
