/**
 * Paginated lists in Applivery's (mongoose-paginate) shape. Pure: the HTTP layer parses the
 * query, repositories fetch `rows` and `total`, and this builds the envelope's `data`.
 */
export type SortDirection = 'asc' | 'desc';

export interface PageRequest<Field extends string = string> {
  page: number;
  limit: number;
  sortField: Field;
  sortDirection: SortDirection;
}

export interface Page<T> {
  items: T[];
  totalDocs: number;
  limit: number;
  page: number;
  totalPages: number;
  hasPrevPage: boolean;
  hasNextPage: boolean;
  prevPage: number | null;
  nextPage: number | null;
}

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 500;
/**
 * The highest page a list accepts. Far past any real list, and low enough that the row offset
 * (page − 1) × limit stays a safe integer that both databases take (a 20-digit page number used
 * to reach SQLite as a datatype mismatch, a 500).
 */
export const MAX_PAGE = 1_000_000_000;

export function offsetOf(request: PageRequest): number {
  return (request.page - 1) * request.limit;
}

export function buildPage<T>(items: T[], totalDocs: number, request: PageRequest): Page<T> {
  const totalPages = Math.max(1, Math.ceil(totalDocs / request.limit));
  const hasPrevPage = request.page > 1;
  const hasNextPage = request.page < totalPages;
  return {
    items,
    totalDocs,
    limit: request.limit,
    page: request.page,
    totalPages,
    hasPrevPage,
    hasNextPage,
    prevPage: hasPrevPage ? request.page - 1 : null,
    nextPage: hasNextPage ? request.page + 1 : null,
  };
}

/** `"email:asc"` → `{field: "email", direction: "asc"}`; the schema has already checked the field. */
export function parseSort<Field extends string>(sort: string | undefined, fallback: Field): { field: Field; direction: SortDirection } {
  if (!sort) return { field: fallback, direction: 'desc' };
  const [field, direction] = sort.split(':');
  return { field: field as Field, direction: direction === 'asc' ? 'asc' : direction === 'desc' ? 'desc' : 'asc' };
}
