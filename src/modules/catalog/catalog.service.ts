/** CRUD for every catalog kind, and the batched reference lookup tokens use. */
import type { Db } from '../../db/database.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { buildPage, type Page, type PageRequest } from '../../lib/pagination.ts';
import { nowIso } from '../../lib/time.ts';
import { assertPrecondition, nextVersion, type Precondition, writeVersioned } from '../../lib/versions.ts';
import { CATALOG } from './catalog.kinds.ts';
import * as repository from './catalog.repository.ts';
import type { CatalogItem, CatalogKindName } from './catalog.types.ts';

export function createCatalogService(deps: { db: Db }) {
  const { db } = deps;

  async function get(organizationId: string, kind: CatalogKindName, id: string): Promise<CatalogItem> {
    const item = await repository.findItem(db, organizationId, kind, id);
    if (!item) throw AppError.notFound(kind);
    return item;
  }

  return {
    get,

    async create(organizationId: string, kind: CatalogKindName, body: Record<string, unknown>): Promise<CatalogItem> {
      const now = nowIso();
      const { name, data } = CATALOG[kind].toData(body);
      const item: CatalogItem = { id: newId(), organization: organizationId, kind, name, data, createdAt: now, updatedAt: now };
      await repository.insertItem(db, item);
      return item;
    },

    async list(organizationId: string, kind: CatalogKindName, search: string | undefined, page: PageRequest): Promise<Page<CatalogItem>> {
      const { items, total } = await repository.listItems(db, organizationId, kind, search, page);
      return buildPage(items, total, page);
    },

    async update(organizationId: string, kind: CatalogKindName, id: string, body: Record<string, unknown>, precondition?: Precondition): Promise<CatalogItem> {
      return writeVersioned(precondition, async () => {
        const current = await get(organizationId, kind, id);
        assertPrecondition(precondition, current.updatedAt);
        const { name, data } = CATALOG[kind].toData(body, current);
        const next: CatalogItem = { ...current, name, data, updatedAt: nextVersion(current.updatedAt, nowIso()) };
        return (await repository.updateItem(db, next, current.updatedAt)) ? next : null;
      });
    },

    async remove(organizationId: string, kind: CatalogKindName, id: string, precondition?: Precondition): Promise<CatalogItem> {
      const current = await get(organizationId, kind, id);
      assertPrecondition(precondition, current.updatedAt);
      const deleted = await repository.deleteItem(db, organizationId, current.id, precondition && current.updatedAt);
      if (!deleted && precondition) throw new AppError(ErrorCode.PreconditionFailed);
      return current;
    },

    /** Items by id (any kind) as a map; ids that do not exist in the organization are absent. */
    async findMany(organizationId: string, ids: Iterable<string>, executor: Db = db): Promise<Map<string, CatalogItem>> {
      const unique = [...new Set([...ids].map((id) => id.toLowerCase()))];
      const items = await repository.findItems(executor, organizationId, unique);
      return new Map(items.map((item) => [item.id, item]));
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
