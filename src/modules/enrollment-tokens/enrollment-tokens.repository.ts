/**
 * SQL for enrollment tokens, one repository for every platform. Writes are batched multi-row
 * statements (bulk creation never makes a round trip per address); reads join the user so a page
 * is one query plus its count.
 */
import { type ExpressionBuilder, type Insertable, type Kysely, sql } from 'kysely';
import { decodeJson, encodeJson } from '../../db/dialect.ts';
import { fetchPage } from '../../db/paginate.ts';
import type { Database, EnrollmentTokenTable } from '../../db/schema.ts';
import { containsInsensitive } from '../../db/search.ts';
import type { Language } from '../../http/schemas.ts';
import type { PageRequest } from '../../lib/pagination.ts';
import { toIso } from '../../lib/time.ts';
import type { Platform } from '../organizations/organizations.types.ts';
import type { EmailStatus, StoredToken, TokenFilters, TokenState } from './enrollment-tokens.types.ts';

type Db = Kysely<Database>;
export type NewTokenRow = Insertable<EnrollmentTokenTable>;

/** Rows per multi-row statement: stays under SQLite's 32,766 bound parameters (and PostgreSQL's 65,535). */
export function chunkSizeFor(columns: number): number {
  return Math.max(1, Math.floor(30_000 / columns));
}

export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export const TOKEN_SORT_COLUMNS = {
  createdAt: 't.createdAt',
  updatedAt: 't.updatedAt',
  expireAt: 't.expireAt',
  displayName: 't.displayName',
};

const tokenColumns = [
  't.id',
  't.organizationId',
  't.platform',
  't.enterpriseId',
  't.mdmUserId',
  't.displayName',
  't.tags',
  't.state',
  't.policyId',
  't.segmentId',
  't.options',
  't.sendEmail',
  't.emailText',
  't.language',
  't.enrollCode',
  't.emailStatus',
  't.emailAttempts',
  't.emailSentAt',
  't.emailLastError',
  't.deviceId',
  't.createdAt',
  't.updatedAt',
  't.expireAt',
  'u.email as userEmail',
  'u.name as userName',
] as const;

function baseQuery(db: Db, organizationId: string, platform: Platform) {
  return db
    .selectFrom('enrollmentTokens as t')
    .innerJoin('mdmUsers as u', 'u.id', 't.mdmUserId')
    .select(tokenColumns)
    .where('t.organizationId', '=', organizationId)
    .where('t.platform', '=', platform);
}

type TokenRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

/** A stored PENDING token past its expiry reads as EXPIRED, before any sweeper persists it. */
export function effectiveState(state: string, expireAt: string, now: string): TokenState {
  return state === 'PENDING' && expireAt <= now ? 'EXPIRED' : (state as TokenState);
}

function toStoredToken(row: TokenRow, now: string): StoredToken {
  const expireAt = toIso(row.expireAt);
  return {
    id: row.id,
    organizationId: row.organizationId,
    platform: row.platform as Platform,
    enterpriseId: row.enterpriseId,
    mdmUser: { id: row.mdmUserId, email: row.userEmail, name: row.userName },
    displayName: row.displayName,
    tags: decodeJson<string[]>(row.tags),
    state: effectiveState(row.state, expireAt, now),
    policyId: row.policyId,
    segmentId: row.segmentId === null ? null : Number(row.segmentId),
    options: decodeJson<Record<string, unknown>>(row.options),
    sendEmail: Boolean(row.sendEmail),
    emailText: row.emailText,
    language: row.language as Language,
    enrollCode: row.enrollCode,
    emailDelivery: {
      status: row.emailStatus as EmailStatus,
      attempts: Number(row.emailAttempts),
      sentAt: row.emailSentAt === null ? null : toIso(row.emailSentAt),
      lastError: row.emailLastError,
    },
    deviceId: row.deviceId,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    expireAt,
  };
}

/**
 * Insert tokens in multi-row statements, skipping any whose enroll code is already taken, and
 * answer the ids that went in. The caller regenerates codes for the rest.
 */
export async function insertTokens(trx: Db, rows: readonly NewTokenRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  if (rows.length === 0) return inserted;
  const size = chunkSizeFor(Object.keys(rows[0]!).length);
  for (const chunk of chunks(rows, size)) {
    const returned = await trx
      .insertInto('enrollmentTokens')
      .values(chunk)
      .onConflict((oc) => oc.column('enrollCode').doNothing())
      .returning('id')
      .execute();
    for (const { id } of returned) inserted.add(id);
  }
  return inserted;
}

export async function insertTags(trx: Db, organizationId: string, tokens: ReadonlyArray<{ id: string; tags: readonly string[] }>) {
  const rows = tokens.flatMap((token) => [...new Set(token.tags)].map((tag) => ({ tokenId: token.id, organizationId, tag })));
  for (const chunk of chunks(rows, chunkSizeFor(3))) {
    await trx.insertInto('enrollmentTokenTags').values(chunk).execute();
  }
}

export async function replaceTags(trx: Db, organizationId: string, tokenId: string, tags: readonly string[]) {
  await trx.deleteFrom('enrollmentTokenTags').where('tokenId', '=', tokenId).execute();
  await insertTags(trx, organizationId, [{ id: tokenId, tags }]);
}

export async function findToken(db: Db, organizationId: string, platform: Platform, id: string, now: string): Promise<StoredToken | null> {
  const row = await baseQuery(db, organizationId, platform).where('t.id', '=', id.toLowerCase()).executeTakeFirst();
  return row ? toStoredToken(row, now) : null;
}

function stateCondition(eb: ExpressionBuilder<Database & { t: EnrollmentTokenTable }, 't'>, state: TokenState, now: string) {
  if (state === 'PENDING') return eb.and([eb('t.state', '=', 'PENDING'), eb('t.expireAt', '>', now)]);
  if (state === 'EXPIRED') return eb.or([eb('t.state', '=', 'EXPIRED'), eb.and([eb('t.state', '=', 'PENDING'), eb('t.expireAt', '<=', now)])]);
  return eb('t.state', '=', state);
}

export async function listTokens(db: Db, organizationId: string, platform: Platform, filters: TokenFilters, page: PageRequest, now: string) {
  let query = baseQuery(db, organizationId, platform);
  if (filters.mdmUserId) query = query.where('t.mdmUserId', '=', filters.mdmUserId.toLowerCase());
  if (filters.policyId) query = query.where('t.policyId', '=', filters.policyId.toLowerCase());
  if (filters.state) {
    const state = filters.state;
    query = query.where((eb) => stateCondition(eb as never, state, now));
  } else if (!filters.showDeleted) {
    query = query.where('t.state', '!=', 'DELETED');
  }
  if (filters.tags && filters.tags.length > 0) {
    const tags = filters.tags;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('enrollmentTokenTags as g')
          .select(sql`1`.as('one'))
          .whereRef('g.tokenId', '=', 't.id')
          .where('g.organizationId', '=', organizationId)
          .where('g.tag', 'in', tags),
      ),
    );
  }
  if (filters.search) {
    const term = filters.search;
    query = query.where((eb) => eb.or([containsInsensitive('u.emailNormalized', term), containsInsensitive('t.displayName', term)]));
  }
  const { rows, total } = await fetchPage(query, page, TOKEN_SORT_COLUMNS, 't.id');
  return { items: rows.map((row) => toStoredToken(row, now)), total };
}

export interface TokenChanges {
  displayName: string;
  tags: string[];
  policyId: string | null;
  segmentId: number | null;
  options: string;
  updatedAt: string;
}

/**
 * Apply changes only while the token is still PENDING and unexpired (one conditional update, so a
 * redemption racing the update wins cleanly). Answers whether the row changed.
 */
export async function updatePendingToken(trx: Db, organizationId: string, id: string, changes: TokenChanges, now: string): Promise<boolean> {
  const result = await trx
    .updateTable('enrollmentTokens')
    .set({ ...changes, tags: encodeJson(changes.tags) })
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .where('state', '=', 'PENDING')
    .where('expireAt', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markDeleted(db: Db, organizationId: string, id: string, now: string): Promise<void> {
  await db
    .updateTable('enrollmentTokens')
    .set({ state: 'DELETED', updatedAt: now })
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .where('state', '!=', 'DELETED')
    .execute();
}

/** PENDING tokens of the organization that have not expired: what `maxPendingTokens` limits. */
export async function countPendingTokens(db: Db, organizationId: string, now: string): Promise<number> {
  const row = await db
    .selectFrom('enrollmentTokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organizationId', '=', organizationId)
    .where('state', '=', 'PENDING')
    .where('expireAt', '>', now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function hasPendingTokens(db: Db, mdmUserId: string, now: string): Promise<boolean> {
  const row = await db
    .selectFrom('enrollmentTokens')
    .select('id')
    .where('mdmUserId', '=', mdmUserId)
    .where('state', '=', 'PENDING')
    .where('expireAt', '>', now)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
