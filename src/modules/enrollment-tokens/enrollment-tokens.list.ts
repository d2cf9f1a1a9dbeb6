/**
 * Listing tokens: which indexes answer a list's page and its totalDocs, chosen from its filters so
 * that page 1 costs the same at 10,000 tokens as at 1,000,000 (`npm run bench:list`).
 *
 *   totalDocs  counters   state / show-deleted only: the trigger-kept counts per state (migration
 *                         0002), corrected for PENDING tokens past expiry the sweeper has not marked
 *              tag index  tags, with at most state / show-deleted: the tag rows, which carry their
 *                         token's platform, creation, state and expiry (migration 0007)
 *              rows       anything else (user, policy, search): the matching tokens counted
 *   page       tag index  one tag, newest or oldest first: token ids read in order from the tag index
 *              query      anything else: one query over tokens with their users, by the sort's index
 */
import type { ExpressionBuilder, SelectQueryBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import { countRows, fetchPage } from '../../db/paginate.ts';
import type { Database, EnrollmentTokenTable, MdmUserTable } from '../../db/schema.ts';
import { containsInsensitive } from '../../db/search.ts';
import { offsetOf, type PageRequest } from '../../lib/pagination.ts';
import type { Platform } from '../../platforms/platform-names.ts';
import { baseQuery, countUnsweptExpired, storedCounts, TOKEN_SORT_COLUMNS, toStoredToken } from './enrollment-tokens.repository.ts';
import type { TokenFilters, TokenState } from './enrollment-tokens.types.ts';

export interface TokenListPlan {
  count: 'counters' | 'tag-index' | 'rows';
  page: 'tag-index' | 'query';
}

/** How a list with these filters and this page is answered (see the table above). */
export function planTokenList(filters: TokenFilters, page: Pick<PageRequest, 'sortField'>): TokenListPlan {
  const tags = filters.tags?.length ?? 0;
  const narrowed = Boolean(filters.mdmUserId || filters.policyId || filters.search);
  const count = narrowed ? 'rows' : tags === 0 ? 'counters' : 'tag-index';
  return { count, page: tags === 1 && !narrowed && page.sortField === 'createdAt' ? 'tag-index' : 'query' };
}

/** The effective-state condition on `alias`'s state and expireAt (tokens `t`, or their tag rows `g`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function stateCondition(eb: ExpressionBuilder<any, any>, alias: 't' | 'g', state: TokenState, now: string) {
  const stateColumn = `${alias}.state`;
  const expireColumn = `${alias}.expireAt`;
  if (state === 'PENDING') return eb.and([eb(stateColumn, '=', 'PENDING'), eb(expireColumn, '>', now)]);
  if (state === 'EXPIRED') return eb.or([eb(stateColumn, '=', 'EXPIRED'), eb.and([eb(stateColumn, '=', 'PENDING'), eb(expireColumn, '<=', now)])]);
  return eb(stateColumn, '=', state);
}

/**
 * The list filters, applied alike to the page query (which joins users for display) and to the
 * count query (which joins them only when searching by email), so both see the same rows.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function applyFilters<Q extends SelectQueryBuilder<any, any, any>>(query: Q, organizationId: string, filters: TokenFilters, now: string): Q {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let q = query as SelectQueryBuilder<Database & { t: EnrollmentTokenTable; u: MdmUserTable }, 't' | 'u', any>;
  if (filters.mdmUserId) q = q.where('t.mdmUserId', '=', filters.mdmUserId.toLowerCase());
  if (filters.policyId) q = q.where('t.policyId', '=', filters.policyId.toLowerCase());
  if (filters.state) {
    const state = filters.state;
    q = q.where((eb) => stateCondition(eb, 't', state, now));
  } else if (!filters.showDeleted) {
    q = q.where('t.state', '!=', 'DELETED');
  }
  if (filters.tags && filters.tags.length > 0) {
    // Driven from the tag index: a rare tag costs its few rows, not a walk over every token.
    const tags = filters.tags;
    q = q.where('t.id', 'in', (eb) =>
      eb.selectFrom('enrollmentTokenTags as g').select('g.tokenId').where('g.organizationId', '=', organizationId).where('g.tag', 'in', tags),
    );
  }
  if (filters.search) {
    const term = filters.search;
    q = q.where((eb) => eb.or([containsInsensitive('u.emailNormalized', term), containsInsensitive('t.displayName', term)]));
  }
  return q as unknown as Q;
}

/** totalDocs from the counters (plan: counters). */
async function countFromCounters(db: Db, organizationId: string, platform: Platform, filters: TokenFilters, now: string): Promise<number> {
  const counts = await storedCounts(db, organizationId, platform);
  const of = (state: string) => counts[state] ?? 0;
  switch (filters.state) {
    case undefined: {
      const all = Object.values(counts).reduce((sum, n) => sum + n, 0);
      return filters.showDeleted ? all : all - of('DELETED');
    }
    case 'PENDING':
      return of('PENDING') - (await countUnsweptExpired(db, organizationId, platform, now));
    case 'EXPIRED':
      return of('EXPIRED') + (await countUnsweptExpired(db, organizationId, platform, now));
    default:
      return of(filters.state);
  }
}

/** The tag rows a tag filter matches, with at most state or show-deleted besides (a tag-index plan). */
function matchingTagRows(db: Db, organizationId: string, platform: Platform, filters: TokenFilters, now: string) {
  const tags = filters.tags ?? [];
  let query = db.selectFrom('enrollmentTokenTags as g').where('g.organizationId', '=', organizationId).where('g.tag', 'in', tags).where('g.platform', '=', platform);
  const state = filters.state;
  if (state) query = query.where((eb) => stateCondition(eb, 'g', state, now));
  else if (!filters.showDeleted) query = query.where('g.state', '!=', 'DELETED');
  return query;
}

/** totalDocs of a tag filter from the tag index (plan: tag-index). */
async function countFromTags(db: Db, organizationId: string, platform: Platform, filters: TokenFilters, now: string): Promise<number> {
  const rows = matchingTagRows(db, organizationId, platform, filters, now);
  // One row per token and tag: several tags must not count a token twice.
  const single = filters.tags!.length === 1;
  const row = await rows.select((eb) => (single ? eb.fn.countAll<number>() : eb.fn.count<number>('g.tokenId').distinct()).as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The page of a one-tag list sorted by creation (plan: tag-index), its token ids read in order
 * from the tag index (organization, tag, platform, created, token): the page costs its own rows
 * however many tokens carry the tag.
 */
function pageFromTagIndex(db: Db, organizationId: string, platform: Platform, filters: TokenFilters, page: PageRequest, now: string) {
  const rows = matchingTagRows(db, organizationId, platform, filters, now);
  const direction = page.sortDirection;
  const ids = rows.select('g.tokenId').orderBy('g.createdAt', direction).orderBy('g.tokenId', direction).limit(page.limit).offset(offsetOf(page));
  return baseQuery(db, organizationId, platform).where('t.id', 'in', ids).orderBy('t.createdAt', direction).orderBy('t.id', direction);
}

/** The matching tokens counted one by one (plan: rows). */
function countMatchingRows(db: Db, organizationId: string, platform: Platform, filters: TokenFilters, now: string): Promise<number> {
  // Without the users join unless the search needs the email.
  let countBase = db.selectFrom('enrollmentTokens as t').where('t.organizationId', '=', organizationId).where('t.platform', '=', platform);
  if (filters.search) countBase = countBase.innerJoin('mdmUsers as u', 'u.id', 't.mdmUserId') as typeof countBase;
  return countRows(applyFilters(countBase.select('t.id'), organizationId, filters, now));
}

const COUNTERS = { counters: countFromCounters, 'tag-index': countFromTags, rows: countMatchingRows } as const;

/** A page of tokens and the exact number matching, each read the way planTokenList says. */
export async function listTokens(db: Db, organizationId: string, platform: Platform, filters: TokenFilters, page: PageRequest, now: string) {
  const plan = planTokenList(filters, page);
  const count = () => COUNTERS[plan.count](db, organizationId, platform, filters, now);
  const { rows, total } =
    plan.page === 'tag-index'
      ? await Promise.all([pageFromTagIndex(db, organizationId, platform, filters, page, now).execute(), count()]).then(([rows, total]) => ({ rows, total }))
      : await fetchPage(applyFilters(baseQuery(db, organizationId, platform), organizationId, filters, now), page, TOKEN_SORT_COLUMNS, { idColumn: 't.id', count });
  return { items: rows.map((row) => toStoredToken(row, now)), total };
}

