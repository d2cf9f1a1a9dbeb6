/** SQL for catalog items. Every query is scoped by organization and kind. */
import type { Selectable } from 'kysely';
import { decodeJson, encodeJson } from '../../db/dialect.ts';
import { fetchPage } from '../../db/paginate.ts';
import type { CatalogItemTable } from '../../db/schema.ts';
import { containsInsensitive } from '../../db/search.ts';
import type { PageRequest } from '../../lib/pagination.ts';
import { toIso } from '../../lib/time.ts';
import type { CatalogItem, CatalogKindName } from './catalog.types.ts';
import type { Db } from '../../db/database.ts';


function toItem(row: Selectable<CatalogItemTable>): CatalogItem {
  return {
    id: row.id,
    organization: row.organizationId,
    kind: row.kind as CatalogKindName,
    name: row.name,
    data: decodeJson<Record<string, unknown>>(row.data),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

export async function insertItem(db: Db, item: CatalogItem): Promise<void> {
  const { organization, data, ...rest } = item;
  await db.insertInto('catalogItems').values({ ...rest, organizationId: organization, data: encodeJson(data) }).execute();
}

export async function findItem(db: Db, organizationId: string, kind: CatalogKindName, id: string): Promise<CatalogItem | null> {
  const row = await db
    .selectFrom('catalogItems')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('kind', '=', kind)
    .where('id', '=', id.toLowerCase())
    .executeTakeFirst();
  return row ? toItem(row) : null;
}

/** Items of any kind by id, in one query: how token references are resolved. */
export async function findItems(db: Db, organizationId: string, ids: readonly string[]): Promise<CatalogItem[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('catalogItems').selectAll().where('organizationId', '=', organizationId).where('id', 'in', ids).execute();
  return rows.map(toItem);
}

export async function listItems(db: Db, organizationId: string, kind: CatalogKindName, search: string | undefined, page: PageRequest) {
  let query = db.selectFrom('catalogItems').selectAll().where('organizationId', '=', organizationId).where('kind', '=', kind);
  if (search) query = query.where(containsInsensitive('name', search));
  const { rows, total } = await fetchPage(query, page, { createdAt: 'createdAt', updatedAt: 'updatedAt', name: 'name' });
  return { items: rows.map(toItem), total };
}

/** Written only while the row still has the version `readAt` (false: it changed meanwhile). */
export async function updateItem(db: Db, item: CatalogItem, readAt: string): Promise<boolean> {
  const result = await db
    .updateTable('catalogItems')
    .set({ name: item.name, data: encodeJson(item.data), updatedAt: item.updatedAt })
    .where('organizationId', '=', item.organization)
    .where('id', '=', item.id)
    .where('updatedAt', '=', readAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** With `readAt`, deleted only while the row still has that version. */
export async function deleteItem(db: Db, organizationId: string, id: string, readAt?: string): Promise<boolean> {
  let query = db.deleteFrom('catalogItems').where('organizationId', '=', organizationId).where('id', '=', id);
  if (readAt !== undefined) query = query.where('updatedAt', '=', readAt);
  return Number((await query.executeTakeFirst()).numDeletedRows) === 1;
}
