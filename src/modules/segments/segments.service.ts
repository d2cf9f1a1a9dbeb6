/**
 * Segments: an organization's groups of devices, with Applivery's integer ids and an optional
 * parent. Tokens reference them by `segmentId`.
 */
import { type Kysely, type Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { fetchPage } from '../../db/paginate.ts';
import type { Database, SegmentTable } from '../../db/schema.ts';
import { containsInsensitive } from '../../db/search.ts';
import { AppError } from '../../errors.ts';
import { buildPage, type Page, type PageRequest } from '../../lib/pagination.ts';
import { nowIso, toIso } from '../../lib/time.ts';

export interface Segment {
  id: number;
  organization: string;
  name: string;
  parentId: number | null;
  createdAt: string;
  updatedAt: string;
}

function toSegment(row: Selectable<SegmentTable>): Segment {
  return {
    id: Number(row.id),
    organization: row.organizationId,
    name: row.name,
    parentId: row.parentId === null ? null : Number(row.parentId),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

async function findSegment(db: Kysely<Database>, organizationId: string, id: number): Promise<Segment | null> {
  const row = await db.selectFrom('segments').selectAll().where('organizationId', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return row ? toSegment(row) : null;
}

export function createSegmentService(deps: { db: Db }) {
  const { db } = deps;

  async function get(organizationId: string, id: number, executor: Db = db): Promise<Segment> {
    const segment = await findSegment(executor, organizationId, id);
    if (!segment) throw AppError.notFound('segment');
    return segment;
  }

  /** A parent must exist in the organization and must not be the segment itself or below it. */
  async function checkParent(organizationId: string, parentId: number | null | undefined, selfId?: number): Promise<void> {
    if (parentId === null || parentId === undefined) return;
    let cursor: Segment | null = await get(organizationId, parentId);
    while (cursor) {
      if (cursor.id === selfId) {
        throw AppError.validation([{ path: '/body/parentId', message: '"parentId" would make the segment its own ancestor' }]);
      }
      cursor = cursor.parentId === null ? null : await findSegment(db, organizationId, cursor.parentId);
    }
  }

  return {
    get,

    async create(organizationId: string, input: { name: string; parentId?: number | null }): Promise<Segment> {
      await checkParent(organizationId, input.parentId);
      const now = nowIso();
      const row = await db
        .insertInto('segments')
        .values({ organizationId, name: input.name, parentId: input.parentId ?? null, createdAt: now, updatedAt: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSegment(row);
    },

    async list(organizationId: string, search: string | undefined, page: PageRequest): Promise<Page<Segment>> {
      let query = db.selectFrom('segments').selectAll().where('organizationId', '=', organizationId);
      if (search) query = query.where(containsInsensitive('name', search));
      const { rows, total } = await fetchPage(query, page, { createdAt: 'createdAt', name: 'name', id: 'id' });
      return buildPage(rows.map(toSegment), total, page);
    },

    async update(organizationId: string, id: number, input: { name?: string; parentId?: number | null }): Promise<Segment> {
      const current = await get(organizationId, id);
      await checkParent(organizationId, input.parentId, id);
      const next = { ...current, name: input.name ?? current.name, parentId: input.parentId === undefined ? current.parentId : input.parentId, updatedAt: nowIso() };
      await db
        .updateTable('segments')
        .set({ name: next.name, parentId: next.parentId, updatedAt: next.updatedAt })
        .where('organizationId', '=', organizationId)
        .where('id', '=', id)
        .execute();
      return next;
    },

    async remove(organizationId: string, id: number): Promise<Segment> {
      const current = await get(organizationId, id);
      await db.deleteFrom('segments').where('organizationId', '=', organizationId).where('id', '=', id).execute();
      return current;
    },
  };
}

export type SegmentService = ReturnType<typeof createSegmentService>;
