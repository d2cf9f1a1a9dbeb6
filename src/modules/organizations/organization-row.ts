/** How a stored organization row reads as an Organization (its repository's, and the key lookup's, which reads it with the key). */
import { decodeJson } from '../../db/dialect.ts';
import type { OrganizationRow } from '../../db/schema.ts';
import { toIso } from '../../lib/time.ts';
import type { Language } from '../../lib/languages.ts';
import type { Organization, Plan } from './organizations.types.ts';

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    plan: decodeJson<Plan>(row.plan),
    emailDomains: row.emailDomains === null ? null : decodeJson<string[]>(row.emailDomains),
    defaultLanguage: (row.defaultLanguage ?? 'en') as Language,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}
