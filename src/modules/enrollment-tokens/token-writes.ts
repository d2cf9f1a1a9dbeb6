/**
 * The pieces single and bulk creation share: plan and quota checks, reference resolution inside
 * the caller's transaction, building rows, and inserting them with fresh codes until every row
 * has a unique one.
 */
import type { Db } from '../../db/database.ts';
import { encodeJson } from '../../db/dialect.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { generateEnrollCode } from '../../lib/enroll-code.ts';
import { newId } from '../../lib/ids.ts';
import type { PlatformAdapter, PlatformOptions } from '../../platforms/platform.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { CatalogItem } from '../catalog/catalog.types.ts';
import type { Organization } from '../organizations/organizations.types.ts';
import type { SegmentService } from '../segments/segments.service.ts';
import type { InvitationQueue } from '../email/invitations.ts';
import { countPendingTokens, insertTokens, type NewTokenRow } from './enrollment-tokens.repository.ts';
import { type CommonTokenInput, DEFAULT_DURATION_SECONDS } from './enrollment-tokens.types.ts';

/** Collisions of 60-bit codes are vanishingly rare; a handful of rounds is plenty. */
const MAX_CODE_ROUNDS = 5;

export function assertPlanAllows(organization: Organization, adapter: PlatformAdapter): void {
  if (!organization.plan.features.includes(adapter.platform)) {
    throw new AppError(ErrorCode.FeatureNotAllowed, undefined, { platform: adapter.platform });
  }
}

/** `maxPendingTokens`: would `adding` more PENDING tokens exceed the organization's quota? */
export async function assertPendingQuota(trx: Db, organization: Organization, adding: number, now: string): Promise<void> {
  const max = organization.plan.limits.maxPendingTokens;
  if (max === null || adding === 0) return;
  const pending = await countPendingTokens(trx, organization.id, now);
  if (pending + adding > max) {
    throw new AppError(ErrorCode.LimitExceeded, `Limit Exceeded: ${pending} pending tokens + ${adding} new > maxPendingTokens ${max}`, {
      limit: 'maxPendingTokens',
      max,
      pending,
    });
  }
}

/**
 * Every id the body references must exist in the organization as the right kind (404/3001 naming
 * the field otherwise); then the platform's own checks on the items (Apple: attached profiles).
 */
export async function resolveReferences(
  deps: { catalog: CatalogService; segments: SegmentService },
  trx: Db,
  organizationId: string,
  adapter: PlatformAdapter,
  body: Record<string, unknown>,
  options: PlatformOptions,
): Promise<ReadonlyMap<string, CatalogItem>> {
  const items = await deps.catalog.findMany(organizationId, options.references.map((r) => r.id), trx);
  for (const reference of options.references) {
    const item = items.get(reference.id);
    if (!item || item.kind !== reference.kind) {
      throw new AppError(ErrorCode.EntityNotFound, undefined, { entity: reference.kind, id: reference.id, path: reference.path });
    }
  }
  if (options.segmentId !== null) {
    try {
      await deps.segments.get(organizationId, options.segmentId, trx);
    } catch (error) {
      if (error instanceof AppError) {
        throw new AppError(ErrorCode.EntityNotFound, undefined, { entity: 'segment', id: options.segmentId, path: '/body/segmentId' });
      }
      throw error;
    }
  }
  adapter.checkReferences?.(body, items);
  return items;
}

export interface RowTemplate {
  organizationId: string;
  adapter: PlatformAdapter;
  enterpriseId: string;
  common: CommonTokenInput;
  options: PlatformOptions;
  now: string;
  /** The provider state new tokens start with (AMAPI: provisioning PENDING), or none. */
  platformState?: Record<string, unknown> | null;
}

/** What every token of one request shares, encoded once; rows then differ by user and code. */
export function rowFactory(template: RowTemplate): (mdmUserId: string) => NewTokenRow {
  const { common, options, now } = template;
  const expireAt = new Date(Date.parse(now) + (common.duration ?? DEFAULT_DURATION_SECONDS) * 1000).toISOString();
  const shared = {
    organizationId: template.organizationId,
    platform: template.adapter.platform,
    enterpriseId: template.enterpriseId,
    displayName: common.displayName ?? '',
    tags: encodeJson(common.tags ?? []),
    state: 'PENDING',
    policyId: options.policyId,
    segmentId: options.segmentId,
    options: encodeJson(options.options),
    sendEmail: common.sendEmail ? 1 : 0,
    emailText: common.emailText ?? '',
    language: common.language ?? 'en',
    emailStatus: common.sendEmail ? 'QUEUED' : 'NONE',
    emailAttempts: 0,
    emailSentAt: null,
    emailLastError: null,
    emailDeferredReason: null,
    deviceId: null,
    createdAt: now,
    updatedAt: now,
    expireAt,
    platformState: template.platformState === undefined || template.platformState === null ? null : encodeJson(template.platformState),
  };
  return (mdmUserId) => ({ id: newId(), mdmUserId, enrollCode: generateEnrollCode(), ...shared });
}

/**
 * Insert rows with their tags and — for tokens with sendEmail — their invitations in the outbox
 * (held until released when the tokens' provider has yet to make them), all in the caller's
 * transaction. Rows whose code collided get a new code and go again; codes are
 * unique by constraint, so this holds under concurrent bulks from several nodes too. Answers the
 * rows as stored (a collided row with its new code), in the order given.
 */
export async function insertWithUniqueCodes(
  trx: Db,
  organizationId: string,
  rows: NewTokenRow[],
  tags: readonly string[],
  invitations: Pick<InvitationQueue, 'enqueue'>,
  options: { holdInvitations?: boolean } = {},
): Promise<NewTokenRow[]> {
  const stored = new Map(rows.map((row) => [row.id, row]));
  let pending = rows;
  for (let round = 0; pending.length > 0; round++) {
    if (round === MAX_CODE_ROUNDS) throw new Error('could not find unique enrollment codes');
    const skipped = await insertTokens(trx, organizationId, pending, tags);
    pending = skipped.map((row) => ({ ...row, enrollCode: generateEnrollCode() }));
    for (const row of pending) stored.set(row.id, row);
  }
  const invited = rows.filter((row) => row.sendEmail === 1).map((row) => ({ organizationId, tokenId: row.id }));
  if (invited.length > 0) await invitations.enqueue(trx, invited, rows[0]!.createdAt as string, { held: options.holdInvitations });
  return [...stored.values()];
}
