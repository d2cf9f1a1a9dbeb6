/**
 * SQL for enrollment tokens, one repository for every platform. Bulk writes are one statement per
 * table on PostgreSQL and multi-row chunks on SQLite (db/bulk-insert.ts), never a round trip per
 * address; single-token reads take the user's columns in scalar subqueries (see selectOneToken).
 * Lists are planned in enrollment-tokens.list.ts.
 */
import { type Insertable, type NotNull, sql } from 'kysely';
import { type BulkColumns, insertRows, isOneOf } from '../../db/bulk-insert.ts';
import { decodeJson, dialectOf, encodeJson } from '../../db/dialect.ts';
import { columnsOf, prepareQuery } from '../../db/prepared.ts';
import type { EnrollmentTokenTable, EnrollmentTokenTagTable } from '../../db/schema.ts';
import type { Language } from '../../lib/languages.ts';
import { toIso, toIsoOrNull } from '../../lib/time.ts';
import type { Platform } from '../../platforms/platform-names.ts';
import type { EmailStatus, StoredToken, TokenState } from './enrollment-tokens.types.ts';
import type { Db } from '../../db/database.ts';

export type NewTokenRow = Insertable<EnrollmentTokenTable>;

/** Each sort field has an index ending in it (see the 0002 migration). */
export const TOKEN_SORT_COLUMNS = {
  createdAt: 't.createdAt',
  expireAt: 't.expireAt',
  displayName: 't.displayName',
};

const ownColumns = [
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
  't.emailDeferredReason',
  't.deviceId',
  't.createdAt',
  't.updatedAt',
  't.expireAt',
  't.platformState',
] as const;

function selectTokens(db: Db) {
  return db.selectFrom('enrollmentTokens as t').innerJoin('mdmUsers as u', 'u.id', 't.mdmUserId').select(ownColumns).select(['u.email as userEmail', 'u.name as userName']);
}

/**
 * One token by a unique key, its user's columns read by primary key in the same statement.
 * Not a join: SQLite (3.54, built with STAT4, as better-sqlite3 ships it) re-prepares a join
 * that compares a column with a bound parameter at every execution — about 30 µs, measured, on
 * every page, redeem and create — while these scalar subqueries keep the prepared plan. The
 * token's foreign key guarantees the user row, so the columns are never null.
 */
function selectOneToken(db: Db) {
  return db
    .selectFrom('enrollmentTokens as t')
    .select(ownColumns)
    .select((eb) => [
      eb.selectFrom('mdmUsers as u').select('u.email').whereRef('u.id', '=', 't.mdmUserId').as('userEmail'),
      eb.selectFrom('mdmUsers as u').select('u.name').whereRef('u.id', '=', 't.mdmUserId').as('userName'),
    ])
    .$narrowType<{ userEmail: NotNull }>();
}

/** Tokens of one organization and platform with their users' columns: what lists read. */
export function baseQuery(db: Db, organizationId: string, platform: Platform) {
  return selectTokens(db).where('t.organizationId', '=', organizationId).where('t.platform', '=', platform);
}

export type TokenRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

// The single-token reads of the hot paths (create's answer, the enrollment page, redeem). Each
// looks the token up by a unique key alone and checks the organization and platform on the row:
// given the scope columns too, PostgreSQL's generic plan for a prepared statement may walk an
// (organization, platform, …) index instead — measured at 60,000 tokens before the first
// ANALYZE: redeem at 80 req/s, every backend on CPU in this select.
const tokenById = prepareQuery((db, a: { id: string }) => selectOneToken(db).where('t.id', '=', a.id));
const tokenByCode = prepareQuery((db, a: { code: string }) => selectOneToken(db).where('t.enrollCode', '=', a.code));
const inScope = <R extends { organizationId: string; platform: string }>(row: R | undefined, organizationId: string, platform: Platform) =>
  row && row.organizationId === organizationId && row.platform === platform ? row : undefined;

/** A stored PENDING token past its expiry reads as EXPIRED, before any sweeper persists it. */
export function effectiveState(state: string, expireAt: string, now: string): TokenState {
  return state === 'PENDING' && expireAt <= now ? 'EXPIRED' : (state as TokenState);
}

export function toStoredToken(row: TokenRow, now: string): StoredToken {
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
      sentAt: toIsoOrNull(row.emailSentAt),
      lastError: row.emailLastError,
      deferredReason: row.emailDeferredReason ?? null,
    },
    deviceId: row.deviceId,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    expireAt,
    platformState: row.platformState === null || row.platformState === undefined ? null : decodeJson<Record<string, unknown>>(row.platformState),
  };
}

/** A token just inserted, as a read would answer it (create answers without reading it back). */
export function insertedToken(row: NewTokenRow, user: { email: string; name: string | null }, now: string): StoredToken {
  return toStoredToken({ ...row, userEmail: user.email, userName: user.name } as unknown as TokenRow, now);
}

/** Every column of a new token: the single-token insert binds them in this order. */
const NEW_TOKEN_COLUMNS = [
  'id', 'organizationId', 'platform', 'enterpriseId', 'mdmUserId', 'displayName', 'tags', 'state', 'policyId', 'segmentId',
  'options', 'sendEmail', 'emailText', 'language', 'enrollCode', 'emailStatus', 'emailAttempts', 'emailSentAt',
  'emailLastError', 'emailDeferredReason', 'deviceId', 'createdAt', 'updatedAt', 'expireAt', 'platformState',
] as const satisfies ReadonlyArray<keyof NewTokenRow>;
// A column added to the table but not to the list above fails to compile here.
type UnlistedColumn = Exclude<keyof NewTokenRow, (typeof NEW_TOKEN_COLUMNS)[number]>;
const allColumnsListed: [UnlistedColumn] extends [never] ? true : UnlistedColumn = true;
void allColumnsListed;

const insertOneToken = prepareQuery((db, a: NewTokenRow) =>
  db
    .insertInto('enrollmentTokens')
    .values(columnsOf(a, NEW_TOKEN_COLUMNS))
    .onConflict((oc) => oc.column('enrollCode').doNothing()),
);
/** A tag row: the token's tag, with what a tag filter counts by (see migration 0007). */
type NewTagRow = Insertable<EnrollmentTokenTagTable>;
const TAG_COLUMNS = ['tokenId', 'organizationId', 'tag', 'platform', 'state', 'createdAt', 'expireAt'] as const satisfies ReadonlyArray<keyof NewTagRow>;
const insertOneTag = prepareQuery((db, a: NewTagRow) => db.insertInto('enrollmentTokenTags').values(columnsOf(a, TAG_COLUMNS)));

/** What tag rows copy from their token. */
export interface TaggedToken {
  id: string;
  platform: string;
  state: string;
  createdAt: string;
  expireAt: string;
  tags: readonly string[];
}

/** How each token column is stored, for bulk inserts (every column: a row must hold them all). */
const TOKEN_COLUMN_KINDS = {
  id: 'text', organizationId: 'text', platform: 'text', enterpriseId: 'text', mdmUserId: 'text', displayName: 'text', tags: 'json',
  state: 'text', policyId: 'text', segmentId: 'integer', options: 'json', sendEmail: 'integer', emailText: 'text', language: 'text',
  enrollCode: 'text', emailStatus: 'text', emailAttempts: 'integer', emailSentAt: 'timestamp', emailLastError: 'text',
  emailDeferredReason: 'text', deviceId: 'text', createdAt: 'timestamp', updatedAt: 'timestamp', expireAt: 'timestamp', platformState: 'json',
} as const satisfies Required<BulkColumns<'enrollmentTokens'>>;
const TAG_COLUMN_KINDS = {
  tokenId: 'text', organizationId: 'text', tag: 'text', platform: 'text', state: 'text', createdAt: 'timestamp', expireAt: 'timestamp',
} as const satisfies Required<BulkColumns<'enrollmentTokenTags'>>;

/**
 * PostgreSQL, one token and its tags in one statement: the tag rows are made from the token row
 * the insert returns, so a token skipped for its taken code gets no tags either. Parameters in a
 * SELECT list carry no type of their own, hence the cast.
 */
const insertOneTokenWithTags = prepareQuery((db, a: NewTokenRow & { tagList: string[] }) =>
  db
    .with('insertedToken', (qb) =>
      qb
        .insertInto('enrollmentTokens')
        .values(columnsOf(a, NEW_TOKEN_COLUMNS))
        .onConflict((oc) => oc.column('enrollCode').doNothing())
        .returning(['id', 'organizationId', 'platform', 'state', 'createdAt', 'expireAt']),
    )
    .with('taggedToken', (qb) =>
      qb
        .insertInto('enrollmentTokenTags')
        .columns(TAG_COLUMNS)
        .expression((eb) =>
          eb
            .selectFrom('insertedToken as t')
            .select(['t.id', 't.organizationId', sql<string>`unnest(cast(${a.tagList} as text[]))`.as('tag'), 't.platform', 't.state', 't.createdAt', 't.expireAt']),
        ),
    )
    .selectFrom('insertedToken')
    .select((eb) => eb.fn.countAll<number>().as('inserted')),
);

/**
 * Insert tokens with their tags (all the same `tags`), skipping any token whose enroll code is
 * already taken, and answer the rows that did not go in (the caller gives them new codes and
 * calls again). One token: one statement on PostgreSQL, two on SQLite. Several: one statement
 * per table on PostgreSQL, multi-row chunks on SQLite (see db/bulk-insert.ts). Collisions are so
 * rare that the ids are only read back when the insert count comes up short.
 */
export async function insertTokens(trx: Db, organizationId: string, rows: readonly NewTokenRow[], tags: readonly string[]): Promise<NewTokenRow[]> {
  if (rows.length === 0) return [];
  const tagList = [...new Set(tags)];
  if (rows.length === 1 && dialectOf(trx) === 'postgres') {
    const counted = await insertOneTokenWithTags.first(trx, { ...rows[0]!, tagList });
    return Number(counted?.inserted) === 1 ? [] : [rows[0]!];
  }
  let skipped: NewTokenRow[] = [];
  if (rows.length === 1) {
    // Single create: one prepared statement, no query building.
    if ((await insertOneToken.run(trx, rows[0]!)) !== 1) skipped = [rows[0]!];
  } else {
    const inserted = await insertRows(trx, 'enrollmentTokens', TOKEN_COLUMN_KINDS, rows, { skipConflictsOn: ['enrollCode'] });
    if (inserted < rows.length) skipped = await absentRows(trx, rows);
  }
  const stored = skipped.length === 0 ? rows : rows.filter((row) => !skipped.includes(row));
  if (tagList.length > 0) await insertTags(trx, organizationId, stored.map((row) => ({ id: row.id, platform: row.platform, state: row.state, createdAt: row.createdAt as string, expireAt: row.expireAt as string, tags: tagList })));
  return skipped;
}

/** The rows whose id is not in the table (their insert was skipped). */
async function absentRows(trx: Db, rows: readonly NewTokenRow[]): Promise<NewTokenRow[]> {
  const present = new Set<string>();
  for (const condition of isOneOf(trx, 'id', rows.map((row) => row.id))) {
    for (const row of await trx.selectFrom('enrollmentTokens').select('id').where(condition).execute()) present.add(row.id);
  }
  return rows.filter((row) => !present.has(row.id));
}

export async function insertTags(trx: Db, organizationId: string, tokens: readonly TaggedToken[]) {
  const rows: NewTagRow[] = tokens.flatMap((token) =>
    [...new Set(token.tags)].map((tag) => ({ tokenId: token.id, organizationId, tag, platform: token.platform, state: token.state, createdAt: token.createdAt, expireAt: token.expireAt })),
  );
  if (rows.length === 1) return void (await insertOneTag.run(trx, rows[0]!));
  await insertRows(trx, 'enrollmentTokenTags', TAG_COLUMN_KINDS, rows);
}

export async function replaceTags(trx: Db, organizationId: string, token: TaggedToken) {
  await trx.deleteFrom('enrollmentTokenTags').where('tokenId', '=', token.id).execute();
  await insertTags(trx, organizationId, [token]);
}

/** Tokens by id whatever their organization or platform (the email worker knows only ids). */
export async function findTokensByIds(db: Db, ids: readonly string[], now: string): Promise<StoredToken[]> {
  if (ids.length === 0) return [];
  const rows = await selectTokens(db).where('t.id', 'in', ids).execute();
  return rows.map((row) => toStoredToken(row, now));
}

/**
 * The token a (normalized) enroll code names on a platform, whatever its organization: codes are
 * unique across the installation, and the public /enroll links carry nothing else.
 */
export async function findTokenByPublicCode(db: Db, platform: Platform, code: string, now: string): Promise<StoredToken | null> {
  const row = await tokenByCode.first(db, { code });
  return row && row.platform === platform ? toStoredToken(row, now) : null;
}

/** The token a (normalized) enroll code names, within one organization and platform. */
export async function findTokenByCode(db: Db, organizationId: string, platform: Platform, code: string, now: string): Promise<StoredToken | null> {
  const row = inScope(await tokenByCode.first(db, { code }), organizationId, platform);
  return row ? toStoredToken(row, now) : null;
}

export async function findToken(db: Db, organizationId: string, platform: Platform, id: string, now: string): Promise<StoredToken | null> {
  const row = inScope(await tokenById.first(db, { id: id.toLowerCase() }), organizationId, platform);
  return row ? toStoredToken(row, now) : null;
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
export async function updatePendingToken(trx: Db, organizationId: string, id: string, changes: TokenChanges, now: string, readAt: string): Promise<boolean> {
  const result = await trx
    .updateTable('enrollmentTokens')
    .set({ ...changes, tags: encodeJson(changes.tags) })
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .where('state', '=', 'PENDING')
    .where('expireAt', '>', now)
    .where('updatedAt', '=', readAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A new delivery is queued: the token's emailDelivery starts over. */
export async function markInvitationQueued(trx: Db, id: string, now: string): Promise<void> {
  await trx
    .updateTable('enrollmentTokens')
    .set({ emailStatus: 'QUEUED', emailAttempts: 0, emailLastError: null, emailDeferredReason: null, sendEmail: 1, updatedAt: now })
    .where('id', '=', id)
    .execute();
}

/** Answers whether the token changed (false: it was DELETED already, or no longer has the version `readAt`). */
export async function markDeleted(db: Db, organizationId: string, id: string, now: string, readAt?: string): Promise<boolean> {
  let query = db
    .updateTable('enrollmentTokens')
    .set({ state: 'DELETED', updatedAt: now })
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .where('state', '!=', 'DELETED');
  if (readAt !== undefined) query = query.where('updatedAt', '=', readAt);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Stored-state counts from the trigger-maintained table (all platforms when `platform` is null). */
export async function storedCounts(db: Db, organizationId: string, platform: Platform | null): Promise<Record<string, number>> {
  let query = db.selectFrom('enrollmentTokenCounts').select(['state', (eb) => eb.fn.sum<number>('n').as('n')]).where('organizationId', '=', organizationId);
  if (platform) query = query.where('platform', '=', platform);
  const rows = await query.groupBy('state').execute();
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
}

/** PENDING tokens already past expiry that the sweeper has not marked yet: they read as EXPIRED. */
export async function countUnsweptExpired(db: Db, organizationId: string, platform: Platform | null, now: string): Promise<number> {
  let query = db
    .selectFrom('enrollmentTokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organizationId', '=', organizationId)
    .where('state', '=', 'PENDING')
    .where('expireAt', '<=', now);
  if (platform) query = query.where('platform', '=', platform);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** PENDING tokens of the organization that have not expired: what `maxPendingTokens` limits. */
export async function countPendingTokens(db: Db, organizationId: string, now: string): Promise<number> {
  const counts = await storedCounts(db, organizationId, null);
  return (counts.PENDING ?? 0) - (await countUnsweptExpired(db, organizationId, null, now));
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
