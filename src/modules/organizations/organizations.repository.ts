/** SQL for organizations. Functions take `db` (or a transaction) first. */
import { dialectOf, encodeJson, lockForWrite } from '../../db/dialect.ts';
import { fetchPage } from '../../db/paginate.ts';
import { prepareQuery } from '../../db/prepared.ts';
import { containsInsensitive } from '../../db/search.ts';
import type { OrganizationRow } from '../../db/schema.ts';
import { isId } from '../../lib/ids.ts';
import type { PageRequest } from '../../lib/pagination.ts';
import type { Organization } from './organizations.types.ts';
import type { Db } from '../../db/database.ts';
import { toOrganization } from './organization-row.ts';


export const ORGANIZATION_SORT_COLUMNS = { createdAt: 'createdAt', updatedAt: 'updatedAt', name: 'name', slug: 'slug' };

/** A stored null means any domain (SQL NULL, not the JSON text "null"). */
function encodeEmailDomains(domains: string[] | null): string | null {
  return domains === null ? null : encodeJson(domains);
}

export async function insertOrganization(db: Db, organization: Organization): Promise<void> {
  await db
    .insertInto('organizations')
    .values({ ...organization, plan: encodeJson(organization.plan), emailDomains: encodeEmailDomains(organization.emailDomains) })
    .execute();
}

// Prepared queries name their columns: `*` would break on PostgreSQL when the table gains one.
const ORGANIZATION_COLUMNS = ['id', 'slug', 'name', 'plan', 'emailDomains', 'defaultLanguage', 'createdAt', 'updatedAt'] as const satisfies ReadonlyArray<keyof OrganizationRow>;
const organizationById = prepareQuery((db, a: { id: string }) => db.selectFrom('organizations').select(ORGANIZATION_COLUMNS).where('id', '=', a.id));
const organizationBySlug = prepareQuery((db, a: { slug: string }) => db.selectFrom('organizations').select(ORGANIZATION_COLUMNS).where('slug', '=', a.slug));

/** Resolve the `:organizationId` parameter: a 24-hex id, otherwise a slug (slugs are never 24-hex). */
export async function findOrganization(db: Db, idOrSlug: string): Promise<Organization | null> {
  const key = idOrSlug.toLowerCase();
  const row = isId(key) ? await organizationById.first(db, { id: key }) : await organizationBySlug.first(db, { slug: key });
  return row ? toOrganization(row) : null;
}

export async function listOrganizations(db: Db, search: string | undefined, page: PageRequest) {
  let query = db.selectFrom('organizations').selectAll();
  if (search) {
    query = query.where((eb) => eb.or([containsInsensitive('name', search), containsInsensitive('slug', search)]));
  }
  const { rows, total } = await fetchPage(query, page, ORGANIZATION_SORT_COLUMNS);
  return { items: rows.map(toOrganization), total };
}

export async function countOrganizations(db: Db): Promise<number> {
  const row = await db.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateOrganization(db: Db, organization: Organization): Promise<void> {
  const { id, name, slug, plan, emailDomains, defaultLanguage, updatedAt } = organization;
  await db
    .updateTable('organizations')
    .set({ name, slug, plan: encodeJson(plan), emailDomains: encodeEmailDomains(emailDomains), defaultLanguage, updatedAt })
    .where('id', '=', id)
    .execute();
}

export async function deleteOrganization(db: Db, id: string): Promise<void> {
  await db.deleteFrom('organizations').where('id', '=', id).execute();
}

/**
 * Hold the organization's row until the transaction ends, so that decisions about the
 * organization (its hourly sending budget) are taken one at a time across processes. On
 * PostgreSQL a `FOR NO KEY UPDATE` lock: reads and inserts referencing the organization go on.
 */
export async function lockOrganizationRow(trx: Db, id: string): Promise<void> {
  await lockForWrite(dialectOf(trx), trx.selectFrom('organizations').select('id').where('id', '=', id)).execute();
}
