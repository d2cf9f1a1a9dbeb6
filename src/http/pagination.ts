/** Query and response schemas for paginated lists: page, limit and sort in; mongoose-paginate's page shape out. */
import { type TProperties, type TSchema, Type } from '@sinclair/typebox';
import { DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, type PageRequest, parseSort } from '../lib/pagination.ts';

/** 1000000000 → '1,000,000,000', without Intl (whose first use loads ICU data: ~13 ms of every start). */
const withThousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * The list query: `page`, `limit`, `sort` plus a module's filters. Unknown query keys are
 * rejected like unknown body keys, so a misspelt filter fails loudly instead of silently
 * returning everything.
 */
export function listQuery<F extends readonly string[], P extends TProperties>(sortFields: F, filters: P) {
  return Type.Object(
    {
      page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1, description: `Page number, 1 to ${withThousands(MAX_PAGE)}` }),
      limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: `Items per page, 1 to ${MAX_PAGE_SIZE}` }),
      sort: Type.Optional(
        Type.String({
          pattern: `^(${sortFields.join('|')})(:(asc|desc))?$`,
          examples: [`${sortFields[0]}:desc`],
          description: `Sort as \`field\` or \`field:asc|desc\`; fields: ${sortFields.join(', ')}. Default createdAt:desc`,
          errorMessage: `must be one of ${sortFields.join(', ')}, optionally followed by :asc or :desc`,
        }),
      ),
      ...filters,
    },
    { additionalProperties: false },
  );
}

export function pageRequestFrom<Field extends string>(
  query: { page: number; limit: number; sort?: string },
  defaultSort: Field,
): PageRequest<Field> {
  const { field, direction } = parseSort<Field>(query.sort, defaultSort);
  return { page: query.page, limit: query.limit, sortField: field, sortDirection: direction };
}

export const pageOf = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    {
      items: Type.Array(item, { description: 'The items of this page' }),
      totalDocs: Type.Integer({ description: 'How many items match, over all pages' }),
      limit: Type.Integer({ description: 'Items per page' }),
      page: Type.Integer({ description: 'This page number' }),
      totalPages: Type.Integer({ description: 'How many pages there are (at least 1)' }),
      hasPrevPage: Type.Boolean({ description: 'Whether a previous page exists' }),
      hasNextPage: Type.Boolean({ description: 'Whether a next page exists' }),
      prevPage: Type.Union([Type.Integer(), Type.Null()], { description: 'The previous page number, or null' }),
      nextPage: Type.Union([Type.Integer(), Type.Null()], { description: 'The next page number, or null' }),
    },
    // A page of a named resource is named too: `MdmUserPage`.
    { description, ...(typeof item.title === 'string' ? { title: `${item.title}Page` } : {}) },
  );
