/**
 * Runs a filtered query as one page plus a total count. The caller passes the query with its
 * filters applied and a map from API sort fields to columns; rows are ordered by that column and
 * then by id, so pages are stable when values tie.
 */
import { type SelectQueryBuilder, sql } from 'kysely';
import { offsetOf, type PageRequest } from '../lib/pagination.ts';

export interface PageOptions {
  idColumn?: string;
  /** Count the matching rows some cheaper way (a join-free query, maintained counters). */
  count?: () => Promise<number>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function countRows(query: SelectQueryBuilder<any, any, any>): Promise<number> {
  const row = await query.clearSelect().clearOrderBy().select(sql<number>`count(*)`.as('total')).executeTakeFirst();
  return Number((row as { total?: number | string } | undefined)?.total ?? 0);
}

export async function fetchPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  request: PageRequest,
  sortColumns: Record<string, string>,
  options: PageOptions = {},
): Promise<{ rows: O[]; total: number }> {
  const column = sortColumns[request.sortField];
  if (!column) throw new Error(`no sort column for ${request.sortField}`);
  const idColumn = options.idColumn ?? 'id';
  const [rows, total] = await Promise.all([
    query
      .orderBy(sql.ref(column), request.sortDirection)
      .orderBy(sql.ref(idColumn), request.sortDirection)
      .limit(request.limit)
      .offset(offsetOf(request))
      .execute(),
    options.count ? options.count() : countRows(query),
  ]);
  return { rows, total };
}
