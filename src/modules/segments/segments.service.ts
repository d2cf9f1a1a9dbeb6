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
import type { OrganizationService } from '../organizations/organizations.service.ts';

/** How deep a segment tree may be (a top-level segment is level 1); no parent walk goes further. */
export const MAX_SEGMENT_DEPTH = 64;

const parentProblem = (rule: string) => AppError.validation([{ path: '/body/parentId', message: `"parentId" ${rule}` }]);

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

export function createSegmentService(deps: { db: Db; organizations: Pick<OrganizationService, 'lockRow'> }) {
  const { db } = deps;

  async function get(organizationId: string, id: number, executor: Db = db): Promise<Segment> {
    const segment = await findSegment(executor, organizationId, id);
    if (!segment) throw AppError.notFound('segment');
    return segment;
  }

  /**
   * A parent must exist in the organization and must not be the segment itself or below it. The
   * walk keeps the ids it has seen and stops at MAX_SEGMENT_DEPTH, so a cycle stored before this
   * check ran in a transaction (two concurrent updates, A → B and B → A, could store one) is
   * reported instead of looping forever.
   */
  async function checkParent(trx: Db, organizationId: string, parentId: number | null | undefined, selfId?: number): Promise<void> {
    if (parentId === null || parentId === undefined) return;
    const seen: number[] = [];
    let cursor: Segment | null = await get(organizationId, parentId, trx);
    while (cursor) {
      if (cursor.id === selfId) throw parentProblem('would make the segment its own ancestor');
      if (seen.includes(cursor.id)) {
        throw parentProblem(`leads into a cycle of stored segments (${[...seen, cursor.id].join(' → ')}); give one of them another parent (or null) first`);
      }
      seen.push(cursor.id);
      if (seen.length >= MAX_SEGMENT_DEPTH) throw parentProblem(`would nest the segment deeper than ${MAX_SEGMENT_DEPTH} levels (a top-level segment is level 1)`);
      cursor = cursor.parentId === null ? null : await findSegment(trx, organizationId, cursor.parentId);
    }
  }

  /**
   * Hierarchy changes of one organization run one at a time: the organization's row is locked
   * for the transaction, so the parent check and the write see the same tree.
   */
  async function inHierarchyTransaction<T>(organizationId: string, work: (trx: Db) => Promise<T>): Promise<T> {
    return db.transaction().execute(async (trx) => {
      await deps.organizations.lockRow(trx, organizationId);
      return work(trx);
    });
  }

  return {
    get,

    async create(organizationId: string, input: { name: string; parentId?: number | null }): Promise<Segment> {
      return inHierarchyTransaction(organizationId, async (trx) => {
        await checkParent(trx, organizationId, input.parentId);
        const now = nowIso();
        const row = await trx
          .insertInto('segments')
          .values({ organizationId, name: input.name, parentId: input.parentId ?? null, createdAt: now, updatedAt: now })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toSegment(row);
      });
    },

    async list(organizationId: string, search: string | undefined, page: PageRequest): Promise<Page<Segment>> {
      let query = db.selectFrom('segments').selectAll().where('organizationId', '=', organizationId);
      if (search) query = query.where(containsInsensitive('name', search));
      const { rows, total } = await fetchPage(query, page, { createdAt: 'createdAt', name: 'name', id: 'id' });
      return buildPage(rows.map(toSegment), total, page);
    },

    async update(organizationId: string, id: number, input: { name?: string; parentId?: number | null }): Promise<Segment> {
      return inHierarchyTransaction(organizationId, async (trx) => {
        const current = await get(organizationId, id, trx);
        await checkParent(trx, organizationId, input.parentId, id);
        const next = { ...current, name: input.name ?? current.name, parentId: input.parentId === undefined ? current.parentId : input.parentId, updatedAt: nowIso() };
        await trx
          .updateTable('segments')
          .set({ name: next.name, parentId: next.parentId, updatedAt: next.updatedAt })
          .where('organizationId', '=', organizationId)
          .where('id', '=', id)
          .execute();
        return next;
      });
    },

    async remove(organizationId: string, id: number): Promise<Segment> {
      const current = await get(organizationId, id);
      await db.deleteFrom('segments').where('organizationId', '=', organizationId).where('id', '=', id).execute();
      return current;
    },
  };
}

export type SegmentService = ReturnType<typeof createSegmentService>;
