/** SQL for service accounts (API keys). Only token hashes are ever written. */
import type { NotNull } from 'kysely';
import { decodeJson, dialectOf, encodeJson, lockForWrite } from '../../db/dialect.ts';
import { fetchPage } from '../../db/paginate.ts';
import { prepareQuery } from '../../db/prepared.ts';
import type { OrganizationRow, ServiceAccountRow } from '../../db/schema.ts';
import type { PageRequest } from '../../lib/pagination.ts';
import { toIso, toIsoOrNull } from '../../lib/time.ts';
import type { Db } from '../../db/database.ts';


export interface StoredServiceAccount {
  id: string;
  organizationId: string;
  name: string;
  role: string | null;
  grants: string[];
  tokenPrefix: string;
  createdAt: string;
  revokedAt: string | null;
}

function toStored(row: ServiceAccountRow): StoredServiceAccount {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    role: row.role,
    grants: decodeJson<string[]>(row.permissions),
    tokenPrefix: row.tokenPrefix,
    createdAt: toIso(row.createdAt),
    revokedAt: toIsoOrNull(row.revokedAt),
  };
}

export async function insertServiceAccount(db: Db, account: StoredServiceAccount, tokenHash: string): Promise<void> {
  const { grants, ...rest } = account;
  await db
    .insertInto('serviceAccounts')
    .values({ ...rest, permissions: encodeJson(grants), tokenHash })
    .execute();
}

export async function listServiceAccounts(db: Db, organizationId: string, page: PageRequest) {
  const query = db.selectFrom('serviceAccounts').selectAll().where('organizationId', '=', organizationId);
  const { rows, total } = await fetchPage(query, page, { createdAt: 'createdAt', name: 'name' });
  return { items: rows.map(toStored), total };
}

export async function findServiceAccount(db: Db, organizationId: string, id: string): Promise<StoredServiceAccount | null> {
  const row = await db
    .selectFrom('serviceAccounts')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id.toLowerCase())
    .executeTakeFirst();
  return row ? toStored(row) : null;
}

/** What a live key may do, as stored: a role, or explicit grants when the role is null. */
export interface LiveKeyGrants {
  id: string;
  role: string | null;
  grants: string[];
}

/**
 * The grants of every live key of an organization, with the rows locked until the transaction
 * ends (PostgreSQL; SQLite's write transaction is exclusive already). Two revocations of the same
 * organization's keys therefore run one after the other, and the second sees the first's result.
 * Locked in id order, so two such transactions never wait on each other crosswise.
 */
export async function lockLiveKeyGrants(trx: Db, organizationId: string): Promise<LiveKeyGrants[]> {
  const query = trx
    .selectFrom('serviceAccounts')
    .select(['id', 'role', 'permissions'])
    .where('organizationId', '=', organizationId)
    .where('revokedAt', 'is', null)
    .orderBy('id');
  const rows = await lockForWrite(dialectOf(trx), query).execute();
  return rows.map((row) => ({ id: row.id, role: row.role, grants: decodeJson<string[]>(row.permissions) }));
}

export async function revokeServiceAccount(db: Db, organizationId: string, id: string, revokedAt: string): Promise<void> {
  await db
    .updateTable('serviceAccounts')
    .set({ revokedAt })
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .where('revokedAt', 'is', null)
    .execute();
}

// A prepared query names its columns: `k.*` would break on PostgreSQL when the table gains one.
// The organization's columns are scalar subqueries by primary key rather than a join: SQLite
// (3.54 with STAT4, as better-sqlite3 ships it) re-prepares a join that compares a column with a
// bound parameter at every execution (~20 µs measured), and every API request makes this lookup.
// The key's foreign key guarantees the organization row, so the columns are never null.
const activeKeyByHash = prepareQuery((db, a: { tokenHash: string }) =>
  db
    .selectFrom('serviceAccounts as k')
    .select(['k.id', 'k.organizationId', 'k.name', 'k.role', 'k.permissions', 'k.tokenHash', 'k.tokenPrefix', 'k.createdAt', 'k.revokedAt'])
    .select((eb) => {
      const organization = () => eb.selectFrom('organizations as o').whereRef('o.id', '=', 'k.organizationId');
      return [
        organization().select('o.slug').as('orgSlug'),
        organization().select('o.name').as('orgName'),
        organization().select('o.plan').as('orgPlan'),
        organization().select('o.emailDomains').as('orgEmailDomains'),
        organization().select('o.defaultLanguage').as('orgDefaultLanguage'),
        organization().select('o.createdAt').as('orgCreatedAt'),
        organization().select('o.updatedAt').as('orgUpdatedAt'),
      ];
    })
    .$narrowType<{ orgSlug: NotNull; orgName: NotNull; orgPlan: NotNull; orgCreatedAt: NotNull; orgUpdatedAt: NotNull }>()
    .where('k.tokenHash', '=', a.tokenHash)
    .where('k.revokedAt', 'is', null),
);

/** The live key with this hash and its organization, in one indexed lookup (every request makes it). */
export async function findActiveKeyByHash(
  db: Db,
  tokenHash: string,
): Promise<{ account: StoredServiceAccount; tokenHash: string; organization: OrganizationRow } | null> {
  const row = await activeKeyByHash.first(db, { tokenHash });
  if (!row) return null;
  return {
    account: toStored(row),
    tokenHash: row.tokenHash,
    organization: {
      id: row.organizationId,
      slug: row.orgSlug,
      name: row.orgName,
      plan: row.orgPlan,
      emailDomains: row.orgEmailDomains,
      defaultLanguage: row.orgDefaultLanguage ?? 'en',
      createdAt: row.orgCreatedAt,
      updatedAt: row.orgUpdatedAt,
    },
  };
}
