/**
 * Runs a filtered query as one page plus a total count. The caller passes the query with its
 * filters applied and a map from API sort fields to columns; rows are ordered by that column and
 * then by id, so pages are stable when values tie.
 */
import { type SelectQueryBuilder, sql } from 'kysely';
import { offsetOf, type PageRequest } from '../lib/pagination.ts';

export async function fetchPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  request: PageRequest,
  sortColumns: Record<string, string>,
  idColumn: string = 'id',
): Promise<{ rows: O[]; total: number }> {
  const column = sortColumns[request.sortField];
  if (!column) throw new Error(`no sort column for ${request.sortField}`);
  const [rows, counted] = await Promise.all([
    query
      .orderBy(sql.ref(column), request.sortDirection)
      .orderBy(sql.ref(idColumn), request.sortDirection)
      .limit(request.limit)
      .offset(offsetOf(request))
      .execute(),
    query
      .clearSelect()
      .select(sql<number>`count(*)`.as('total'))
      .executeTakeFirst(),
  ]);
  return { rows, total: Number((counted as { total?: number | string } | undefined)?.total ?? 0) };
}
