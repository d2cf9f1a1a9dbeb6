/** SQL for MDM users. Every query is scoped by organization id. */
import type { Insertable } from 'kysely';
import { type BulkColumns, insertRows, isOneOf } from '../../db/bulk-insert.ts';
import { decodeJson, encodeJson } from '../../db/dialect.ts';
import { fetchPage } from '../../db/paginate.ts';
import { prepareQuery } from '../../db/prepared.ts';
import type { MdmUserRow, MdmUserTable } from '../../db/schema.ts';
import { containsInsensitive } from '../../db/search.ts';
import type { Language } from '../../lib/languages.ts';
import { normalizeEmail } from '../../lib/email-address.ts';
import type { PageRequest } from '../../lib/pagination.ts';
import { toIso } from '../../lib/time.ts';
import type { MdmUser, MdmUserFilters } from './mdm-users.types.ts';
import type { Db } from '../../db/database.ts';


const SORT_COLUMNS = { createdAt: 'createdAt', updatedAt: 'updatedAt', email: 'emailNormalized', name: 'name' };

export function toMdmUser(row: MdmUserRow): MdmUser {
  return {
    id: row.id,
    organization: row.organizationId,
    email: row.email,
    name: row.name,
    tags: decodeJson<string[]>(row.tags),
    language: row.language as Language,
    managedAppleId: row.managedAppleId,
    metadata: decodeJson<Record<string, unknown>>(row.metadata),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

function toRow(user: MdmUser) {
  return {
    id: user.id,
    organizationId: user.organization,
    email: user.email,
    emailNormalized: normalizeEmail(user.email),
    name: user.name,
    tags: encodeJson(user.tags),
    language: user.language,
    managedAppleId: user.managedAppleId,
    metadata: encodeJson(user.metadata),
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

// By primary key alone, the organization checked on the row (see the token reads for why).
const userContact = prepareQuery((db, a: { id: string }) => db.selectFrom('mdmUsers').select(['id', 'organizationId', 'email', 'name', 'language']).where('id', '=', a.id));

/** Who a token is for, and the language of their invitations. */
export interface UserContact {
  id: string;
  email: string;
  name: string | null;
  language: Language;
}

/** Who a new token is for: the user's id, address, name and language (single create's one user read). */
export async function findUserContact(db: Db, organizationId: string, id: string): Promise<UserContact | null> {
  const row = await userContact.first(db, { id: id.toLowerCase() });
  return row && row.organizationId === organizationId ? { id: row.id, email: row.email, name: row.name, language: row.language as Language } : null;
}

/** The contacts of users by id, in their organization (ids of other organizations are left out). */
export async function findUserContacts(db: Db, organizationId: string, ids: readonly string[]): Promise<Map<string, UserContact>> {
  const contacts = new Map<string, UserContact>();
  for (const isListed of isOneOf(db, 'id', [...new Set(ids)])) {
    const rows = await db.selectFrom('mdmUsers').select(['id', 'email', 'name', 'language']).where('organizationId', '=', organizationId).where(isListed).execute();
    for (const row of rows) contacts.set(row.id, { ...row, language: row.language as Language });
  }
  return contacts;
}

export async function insertMdmUser(db: Db, user: MdmUser): Promise<void> {
  await db.insertInto('mdmUsers').values(toRow(user)).execute();
}

/** How each user column is stored, for bulk inserts (every column: a row must hold them all). */
const USER_COLUMN_KINDS = {
  id: 'text', organizationId: 'text', email: 'text', emailNormalized: 'text', name: 'text', tags: 'json', language: 'text',
  managedAppleId: 'text', metadata: 'json', createdAt: 'timestamp', updatedAt: 'timestamp',
} as const satisfies Required<BulkColumns<'mdmUsers'>>;

/**
 * Insert users in bulk (one statement on PostgreSQL, multi-row chunks on SQLite: db/bulk-insert.ts),
 * skipping any whose address the organization already has — a concurrent request may create the
 * same user first. Answers how many went in.
 */
export async function insertMdmUsers(db: Db, rows: ReadonlyArray<Insertable<MdmUserTable>>): Promise<number> {
  return insertRows(db, 'mdmUsers', USER_COLUMN_KINDS, rows, { skipConflictsOn: ['organizationId', 'emailNormalized'] });
}

/** A user found by address: its id and the language of its invitations. */
export interface UserByEmail {
  id: string;
  language: Language;
}

/** Users by normalized address, for any number of addresses (one statement). */
export async function findUsersByEmail(db: Db, organizationId: string, normalized: readonly string[], into: Map<string, UserByEmail>): Promise<void> {
  for (const condition of isOneOf(db, 'emailNormalized', normalized)) {
    const rows = await db.selectFrom('mdmUsers').select(['id', 'emailNormalized', 'language']).where('organizationId', '=', organizationId).where(condition).execute();
    for (const row of rows) into.set(row.emailNormalized, { id: row.id, language: row.language as Language });
  }
}

export async function findMdmUser(db: Db, organizationId: string, id: string): Promise<MdmUser | null> {
  const row = await db
    .selectFrom('mdmUsers')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id.toLowerCase())
    .executeTakeFirst();
  return row ? toMdmUser(row) : null;
}

export async function listMdmUsers(db: Db, organizationId: string, filters: MdmUserFilters, page: PageRequest) {
  let query = db.selectFrom('mdmUsers').selectAll().where('organizationId', '=', organizationId);
  if (filters.email !== undefined) query = query.where('emailNormalized', '=', normalizeEmail(filters.email));
  if (filters.search) {
    const term = filters.search;
    query = query.where((eb) => eb.or([containsInsensitive('emailNormalized', term), containsInsensitive('name', term)]));
  }
  const { rows, total } = await fetchPage(query, page, SORT_COLUMNS);
  return { items: rows.map(toMdmUser), total };
}

/** Written only while the row still has the version `readAt` (false: it changed meanwhile). */
export async function updateMdmUser(db: Db, user: MdmUser, readAt: string): Promise<boolean> {
  const { id, organizationId, createdAt: _createdAt, ...changes } = toRow(user);
  const result = await db.updateTable('mdmUsers').set(changes).where('organizationId', '=', organizationId).where('id', '=', id).where('updatedAt', '=', readAt).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** With `readAt`, deleted only while the row still has that version. */
export async function deleteMdmUser(db: Db, organizationId: string, id: string, readAt?: string): Promise<boolean> {
  let query = db.deleteFrom('mdmUsers').where('organizationId', '=', organizationId).where('id', '=', id);
  if (readAt !== undefined) query = query.where('updatedAt', '=', readAt);
  return Number((await query.executeTakeFirst()).numDeletedRows) === 1;
}
