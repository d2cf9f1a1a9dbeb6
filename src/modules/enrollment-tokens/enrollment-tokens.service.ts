/**
 * The one token service for every platform: create, bulk-create, list, get, update and revoke.
 * What differs per platform comes from its adapter; what a request writes commits whole or not
 * at all (one transaction per request).
 */
import type { Db } from '../../db/database.ts';
import { encodeJson } from '../../db/dialect.ts';
import { recordAnswerIn } from '../idempotency/answer-in-transaction.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { buildPage, type Page, type PageRequest } from '../../lib/pagination.ts';
import { nowIso } from '../../lib/time.ts';
import { assertPrecondition, nextVersion, type Precondition, writeVersioned } from '../../lib/versions.ts';
import type { Platform } from '../../platforms/platform-names.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { EnterpriseService } from '../enterprises/enterprises.service.ts';
import type { MdmUserService } from '../mdm-users/mdm-users.service.ts';
import type { Enterprise } from '../enterprises/enterprises.types.ts';
import type { CatalogItem } from '../catalog/catalog.types.ts';
import type { TokenMetrics } from '../metrics/metrics.ts';
import type { Organization } from '../organizations/organizations.types.ts';
import type { SegmentService } from '../segments/segments.service.ts';
import type { InvitationQueue } from '../email/invitations.ts';
import type { WebhookEventType } from '../webhooks/webhook-events.ts';
import type { WebhookOutbox } from '../webhooks/webhook-outbox.ts';
import { groupBy } from '../../lib/group-by.ts';
import { sweepExpiredBatch } from './expiry-sweeper.ts';
import { concealSecrets } from './token-secrets.ts';
import { assertRecipientAllowed, isRecipientAllowed, recipientRefusal } from '../organizations/email-domains.ts';
import { classifyAddresses } from './bulk-addresses.ts';
import { enrollmentLink } from './enrollment-link.ts';
import { listTokens } from './enrollment-tokens.list.ts';
import * as repository from './enrollment-tokens.repository.ts';
import type { BulkResult, CommonTokenInput, StoredToken, TokenFilters } from './enrollment-tokens.types.ts';
import { assertPendingQuota, assertPlanAllows, insertWithUniqueCodes, resolveReferences, rowFactory } from './token-writes.ts';
import { isProvisioned, NO_PROVISIONING, type ProviderState, providerStateOf, type TokenProvisioning } from './token-provisioning.ts';
import { recordInvitationAttempt, setPlatformState } from './token-state.ts';

export interface TokenServiceDeps {
  db: Db;
  publicUrl: string;
  /** Where invitations are queued (the email module's outbox), in the token's transaction. */
  invitations: InvitationQueue;
  /** Called after a commit that queued invitations (wakes an in-process worker). */
  onInvitationsQueued?: () => void;
  /** Called after a commit that queued provider work (wakes an in-process provisioning worker). */
  onProvisioningQueued?: () => void;
  /** Where token events are queued for webhooks, in the token's transaction. */
  webhooks: Pick<WebhookOutbox, 'wants' | 'emit' | 'queued'>;
  /** Every platform's adapter, for work that spans platforms (the expiry sweep). */
  adapters: Readonly<Record<Platform, PlatformAdapter>>;
  /** Counted after each commit: tokens created, revoked and expired, by platform. */
  metrics: Pick<TokenMetrics, 'created' | 'revoked' | 'expired'>;
  catalog: CatalogService;
  segments: SegmentService;
  enterprises: EnterpriseService;
  /** Who tokens are for: users by id, and by address (found or created) for bulk. */
  mdmUsers: Pick<MdmUserService, 'contactOf' | 'contactsOf' | 'usersByEmail'>;
  /** Platforms whose tokens a provider makes (Android with AMAPI); none when absent. */
  provisioning?: TokenProvisioning;
}

/**
 * Bodies as the token routes' schemas validate them: the fields every platform shares, typed,
 * and the platform's own fields, which only its adapter reads (typed there by its own schema).
 */
type PlatformFields = Record<string, unknown>;
export type CreateTokenBody = CommonTokenInput & { mdmUserId: string } & PlatformFields;
export type BulkTokenBody = CommonTokenInput & { userEmails: string[] } & PlatformFields;
export type UpdateTokenBody = { displayName?: string; tags?: string[] } & PlatformFields;

/** Fields of every body that are not platform options. */
const COMMON_KEYS = ['sendEmail', 'displayName', 'tags', 'duration', 'language', 'emailText', 'mdmUserId', 'userEmails'];


export function createEnrollmentTokenService(deps: TokenServiceDeps) {
  const { db, publicUrl, enterprises, invitations, webhooks } = deps;
  const provisioning = deps.provisioning ?? NO_PROVISIONING;
  const invitationsQueued = (count: number) => {
    if (count > 0) deps.onInvitationsQueued?.();
  };

  const linkFor = (token: StoredToken) => enrollmentLink(publicUrl, token);

  /**
   * Serialize tokens with everything they reference, loaded in one query per kind of thing.
   * `executor`: the transaction to read in (absent: outside any, where the enterprise may come
   * from the cache).
   */
  async function present(organizationId: string, adapter: PlatformAdapter, tokens: StoredToken[], executor?: Db) {
    if (tokens.length === 0) return [];
    const enterprise = await enterprises.getOrCreate(organizationId, adapter.platform, executor);
    const ids = tokens.flatMap((token) => adapter.readOptions(adapter.optionsAsBody(token)).references.map((r) => r.id));
    const references = await deps.catalog.findMany(organizationId, ids, executor);
    return tokens.map((token) => adapter.serialize(token, { references, enterprise, enrollmentLink: linkFor(token) }));
  }

  /**
   * Queue `type` events for `tokens` in `trx`, each token as the API answers it without its
   * secrets; nothing is built when no endpoint of the organization receives the type. `context`:
   * the references and enterprise already in hand. Answers how many deliveries were queued.
   */
  async function emitTokenEvents(
    trx: Db,
    organizationId: string,
    adapter: PlatformAdapter,
    type: WebhookEventType,
    tokens: StoredToken[],
    context?: { references: ReadonlyMap<string, CatalogItem>; enterprise: Enterprise },
  ): Promise<number> {
    if (tokens.length === 0 || !(await webhooks.wants(trx, organizationId, type))) return 0;
    const answers = context
      ? tokens.map((token) => adapter.serialize(token, { ...context, enrollmentLink: linkFor(token) }))
      : await present(organizationId, adapter, tokens, trx);
    return webhooks.emit(
      trx,
      organizationId,
      answers.map((answer) => ({ type, data: concealSecrets(adapter, answer) })),
    );
  }

  async function find(organizationId: string, adapter: PlatformAdapter, id: string): Promise<StoredToken> {
    const token = await repository.findToken(db, organizationId, adapter.platform, id, nowIso());
    if (!token) throw AppError.notFound('enrollmentToken');
    return token;
  }

  /** A token already in hand, as the API answers it (`executor`: the transaction to read in). */
  async function presentToken(organizationId: string, adapter: PlatformAdapter, token: StoredToken, executor?: Db) {
    return (await present(organizationId, adapter, [token], executor))[0]!;
  }

  async function presentOne(organizationId: string, adapter: PlatformAdapter, id: string) {
    return presentToken(organizationId, adapter, await find(organizationId, adapter, id));
  }

  /** A new token hangs off its enterprise, which may not be able to enroll yet (Windows: 5145). */
  function assertEnterpriseReady(enterprise: Enterprise, adapter: PlatformAdapter): void {
    const reason = adapter.enterprise.notReadyReason(enterprise.settings);
    if (reason) throw new AppError(adapter.enterprise.notReadyCode, undefined, { reason });
  }

  return {
    async create(organization: Organization, adapter: PlatformAdapter, body: CreateTokenBody) {
      assertPlanAllows(organization, adapter);
      const options = adapter.readOptions(body);
      // Read before the write transaction opens (from the cache where there is one): an
      // enterprise is created once and only ever deleted with its organization.
      const enterprise = await enterprises.getOrCreate(organization.id, adapter.platform);
      const provider = await provisioning.providerFor(organization.id, adapter.platform);
      const created = await db.transaction().execute(async (trx) => {
        const now = nowIso();
        const user = await deps.mdmUsers.contactOf(trx, organization.id, body.mdmUserId);
        if (!user) throw new AppError(ErrorCode.EntityNotFound, undefined, { entity: 'mdmUser', path: '/body/mdmUserId' });
        if (body.sendEmail) assertRecipientAllowed(organization, user.email, '/body/mdmUserId');
        const references = await resolveReferences(deps, trx, organization.id, adapter, body, options);
        assertEnterpriseReady(enterprise, adapter);
        await assertPendingQuota(trx, organization, 1, now);
        // Without a language, the token speaks its user's.
        const common = { ...body, language: body.language ?? user.language };
        const row = rowFactory({ organizationId: organization.id, adapter, enterpriseId: enterprise.id, common, options, now, platformState: provider?.initialState })(user.id);
        const [stored] = await insertWithUniqueCodes(trx, organization.id, [row], body.tags ?? [], invitations, { holdInvitations: provider !== null });
        if (provider) await provider.enqueue(trx, [{ id: stored!.id, expireAt: stored!.expireAt as string }], now);
        // Answered from what was written in this transaction: no read-back after the commit.
        const token = repository.insertedToken(stored!, user, now);
        const events = await emitTokenEvents(trx, organization.id, adapter, 'enrollment_token.created', [token], { references, enterprise });
        return { token, references, events };
      });
      invitationsQueued(body.sendEmail && !provider ? 1 : 0);
      if (provider) deps.onProvisioningQueued?.();
      webhooks.queued(created.events);
      deps.metrics.created.inc({ platform: adapter.platform });
      const { token, references } = created;
      return adapter.serialize(token, { references, enterprise, enrollmentLink: linkFor(token) });
    },

    async createBulk(organization: Organization, adapter: PlatformAdapter, body: BulkTokenBody): Promise<BulkResult> {
      assertPlanAllows(organization, adapter);
      const emails = body.userEmails;
      const max = organization.plan.limits.bulkMaxEmails;
      if (emails.length > max) {
        throw new AppError(ErrorCode.LimitExceeded, `Limit Exceeded: ${emails.length} userEmails > bulkMaxEmails ${max}`, {
          limit: 'bulkMaxEmails',
          max,
        });
      }
      const options = adapter.readOptions(body);
      const enterprise = await enterprises.getOrCreate(organization.id, adapter.platform);
      const provider = await provisioning.providerFor(organization.id, adapter.platform);
      const common = body;
      const refusal = (email: string) => (common.sendEmail && !isRecipientAllowed(organization.emailDomains, email) ? recipientRefusal(organization.emailDomains!, email) : null);
      let queuedEvents = 0;
      const result = await db.transaction().execute(async (trx): Promise<BulkResult> => {
        const now = nowIso();
        await resolveReferences(deps, trx, organization.id, adapter, body, options);
        assertEnterpriseReady(enterprise, adapter);
        const { accepted, failures } = classifyAddresses(emails, refusal);
        await assertPendingQuota(trx, organization, accepted.length, now);
        // Users are found by address, and created (in the token's language) where missing.
        const users = await deps.mdmUsers.usersByEmail(trx, organization.id, accepted, common.language ?? organization.defaultLanguage, now);
        const makeRow = rowFactory({ organizationId: organization.id, adapter, enterpriseId: enterprise.id, common, options, now, platformState: provider?.initialState });
        // Without a language, each token speaks its user's (new users were made in the organization's).
        const rows = accepted.map((address) => {
          const user = users.get(address.normalized)!;
          const row = makeRow(user.id);
          return common.language ? row : { ...row, language: user.language };
        });
        const stored = await insertWithUniqueCodes(trx, organization.id, rows, common.tags ?? [], invitations, { holdInvitations: provider !== null });
        if (provider) await provider.enqueue(trx, stored.map((row) => ({ id: row.id, expireAt: row.expireAt as string })), now);
        if (await webhooks.wants(trx, organization.id, 'enrollment_token.created')) {
          const contacts = await deps.mdmUsers.contactsOf(trx, organization.id, stored.map((row) => row.mdmUserId));
          const tokens = stored.map((row) => repository.insertedToken(row, contacts.get(row.mdmUserId)!, now));
          queuedEvents = await emitTokenEvents(trx, organization.id, adapter, 'enrollment_token.created', tokens);
        }
        // stored[i] is accepted[i]'s token: the rows keep their order through the insert.
        const created = accepted.map((address, i) => ({ email: address.email, id: stored[i]!.id }));
        const answer = { total: emails.length, success: accepted.length, fail: failures.length, failures, tokens: created };
        // A retry of this request after a crash is answered with these tokens, never makes more.
        await recordAnswerIn(trx, answer);
        return answer;
      });
      invitationsQueued(body.sendEmail && !provider ? result.success : 0);
      if (provider && result.success > 0) deps.onProvisioningQueued?.();
      webhooks.queued(queuedEvents);
      if (result.success > 0) deps.metrics.created.inc({ platform: adapter.platform }, result.success);
      return result;
    },

    async list(organizationId: string, adapter: PlatformAdapter, filters: TokenFilters, page: PageRequest): Promise<Page<Record<string, unknown>>> {
      const { items, total } = await listTokens(db, organizationId, adapter.platform, filters, page, nowIso());
      return buildPage(await present(organizationId, adapter, items), total, page);
    },

    get: presentOne,

    presentToken,

    /** Change displayName, tags, policies or segment of a PENDING token; anything else → 5120. */
    async update(organizationId: string, adapter: PlatformAdapter, id: string, body: UpdateTokenBody, precondition?: Precondition) {
      const queuedEvents = await writeVersioned(precondition, () => db.transaction().execute(async (trx) => {
        const now = nowIso();
        const current = await repository.findToken(trx, organizationId, adapter.platform, id, now);
        if (!current) throw AppError.notFound('enrollmentToken');
        assertPrecondition(precondition, current.updatedAt);
        if (current.state !== 'PENDING') {
          throw new AppError(ErrorCode.ErrorUpdatingEntity, `Error updating entity: the token is ${current.state}, only PENDING tokens change`);
        }
        const platformFields = Object.fromEntries(Object.entries(body).filter(([key]) => !COMMON_KEYS.includes(key)));
        const merged = { ...adapter.optionsAsBody(current), ...platformFields };
        const options = adapter.readOptions(merged);
        await resolveReferences(deps, trx, organizationId, adapter, platformFields, options);
        const tags = body.tags ?? current.tags;
        const changed = await repository.updatePendingToken(
          trx,
          organizationId,
          current.id,
          {
            displayName: body.displayName ?? current.displayName,
            tags,
            policyId: options.policyId,
            segmentId: options.segmentId,
            options: encodeJson(options.options),
            updatedAt: nextVersion(current.updatedAt, now),
          },
          now,
          current.updatedAt,
        );
        // Changed since it was read (it may have stopped being PENDING): read again, or refused with a precondition.
        if (!changed) return null;
        if (body.tags !== undefined) await repository.replaceTags(trx, organizationId, { id: current.id, platform: current.platform, state: 'PENDING', createdAt: current.createdAt, expireAt: current.expireAt, tags });
        if (!(await webhooks.wants(trx, organizationId, 'enrollment_token.updated'))) return 0;
        const updated = await repository.findToken(trx, organizationId, adapter.platform, current.id, now);
        return emitTokenEvents(trx, organizationId, adapter, 'enrollment_token.updated', [updated!]);
      }));
      webhooks.queued(queuedEvents);
      return presentOne(organizationId, adapter, id);
    },

    /**
     * Queue the invitation again for a PENDING, unexpired token, optionally with another note or
     * language. A delivery of this token still waiting to be retried is superseded, so the user
     * gets one new email rather than two.
     */
    async resend(organization: Organization, adapter: PlatformAdapter, id: string, overrides: { emailText?: string; language?: string }) {
      const organizationId = organization.id;
      await db.transaction().execute(async (trx) => {
        const now = nowIso();
        const token = await repository.findToken(trx, organizationId, adapter.platform, id, now);
        if (!token) throw AppError.notFound('enrollmentToken');
        if (token.state !== 'PENDING') {
          throw new AppError(ErrorCode.ErrorUpdatingEntity, `Error updating entity: the token is ${token.state}, only PENDING tokens can be resent`);
        }
        assertRecipientAllowed(organization, token.mdmUser.email, '/params/tokenId');
        const provider = providerStateOf(token);
        if (provider?.provisioning === 'FAILED') {
          throw new AppError(ErrorCode.ErrorUpdatingEntity, `Error updating entity: the platform's provider could not make the token (${provider.error ?? 'unknown error'}); create a new one`);
        }
        await invitations.supersedeWaiting(trx, token.id);
        // A token its provider has yet to make gets its invitation when it is made.
        const held = !isProvisioned(token);
        await invitations.enqueue(trx, [{ organizationId, tokenId: token.id, language: overrides.language ?? null, emailText: overrides.emailText ?? null }], now, { held });
        await repository.markInvitationQueued(trx, token.id, now);
      });
      invitationsQueued(1);
      return presentOne(organizationId, adapter, id);
    },

    /** Revoke: the token becomes DELETED and its link stops working. Revoking twice is harmless. */
    async remove(organizationId: string, adapter: PlatformAdapter, id: string, precondition?: Precondition) {
      const token = await find(organizationId, adapter, id);
      assertPrecondition(precondition, token.updatedAt);
      const revoked = await db.transaction().execute(async (trx) => {
        const now = nowIso();
        // With a precondition, revoked only while the token still has the version the client saw.
        const readAt = precondition && token.state !== 'DELETED' ? token.updatedAt : undefined;
        if (!(await repository.markDeleted(trx, organizationId, token.id, readAt ? nextVersion(readAt, now) : now, readAt))) {
          if (readAt) throw new AppError(ErrorCode.PreconditionFailed);
          return null;
        }
        if (providerStateOf(token)) await provisioning.revoked(trx, token, now);
        return { events: await emitTokenEvents(trx, organizationId, adapter, 'enrollment_token.revoked', [{ ...token, state: 'DELETED', updatedAt: now }]) };
      });
      // Counted and told once: a second revoke of the same token changes nothing.
      if (revoked) {
        deps.metrics.revoked.inc({ platform: adapter.platform });
        webhooks.queued(revoked.events);
      }
      return presentOne(organizationId, adapter, token.id);
    },

    /**
     * Persist EXPIRED for PENDING tokens past expiry, in bounded batches (one transaction each,
     * with the batch's `enrollment_token.expired` events). Reads never depend on it (a PENDING
     * token past expiry already reads as EXPIRED), but it keeps the pending counters' correction
     * small, lets state indexes answer directly, and is when webhooks hear of the expiry.
     * Answers how many tokens changed.
     */
    /**
     * What a token's provider reports (in the provider worker's transaction): the token's
     * provider state becomes `state`; once READY its held invitation is released, once FAILED it
     * is failed with the error; `enrollment_token.updated` is told. Answers the webhook
     * deliveries and invitations it queued, for the caller to announce after its commit.
     */
    async recordProvisioning(trx: Db, organizationId: string, tokenId: string, state: ProviderState, now: string): Promise<{ events: number; invitations: number }> {
      await setPlatformState(trx, tokenId, encodeJson(state), now);
      let released = 0;
      if (state.provisioning === 'READY') released = await invitations.releaseHeld(trx, [tokenId], now);
      if (state.provisioning === 'FAILED') {
        const reason = `the platform's provider could not make the token: ${state.error ?? 'unknown error'}`;
        if ((await invitations.failHeld(trx, [tokenId], reason)) > 0) await recordInvitationAttempt(trx, tokenId, 'FAILED', 0, reason);
      }
      // The token is read back only for an endpoint that hears of it.
      if (!(await webhooks.wants(trx, organizationId, 'enrollment_token.updated'))) return { events: 0, invitations: released };
      const [token] = await repository.findTokensByIds(trx, [tokenId], now);
      if (!token || token.organizationId !== organizationId) return { events: 0, invitations: released };
      const events = await emitTokenEvents(trx, organizationId, deps.adapters[token.platform], 'enrollment_token.updated', [token]);
      return { events, invitations: released };
    },

    /** After the commit of recordProvisioning: wake the workers for what it queued. */
    announceProvisioning(queued: { events: number; invitations: number }): void {
      invitationsQueued(queued.invitations);
      webhooks.queued(queued.events);
    },

    async expireDue(now: string = nowIso()): Promise<number> {
      let total = 0;
      for (;;) {
        const batch = await db.transaction().execute(async (trx) => {
          const swept = await sweepExpiredBatch(trx, now);
          let events = 0;
          for (const [key, ids] of groupBy(swept, (row) => `${row.organizationId} ${row.platform}`, (row) => row.id)) {
            const [organizationId, platform] = key.split(' ') as [string, Platform];
            if (!(await webhooks.wants(trx, organizationId, 'enrollment_token.expired'))) continue;
            const tokens = await repository.findTokensByIds(trx, ids, now);
            events += await emitTokenEvents(trx, organizationId, deps.adapters[platform], 'enrollment_token.expired', tokens);
          }
          return { swept, events };
        });
        for (const [platform, rows] of groupBy(batch.swept, (row) => row.platform)) deps.metrics.expired.inc({ platform }, rows.length);
        webhooks.queued(batch.events);
        if (batch.swept.length === 0) return total;
        total += batch.swept.length;
      }
    },

    // Reads for the modules that act on tokens (redemption, enrollment pages, email, SCEP). `now`
    // decides whether a PENDING token past expiry reads as EXPIRED; `executor` may be a transaction.

    /** A token by id, in its organization and platform. */
    findById: (executor: Db, organizationId: string, platform: Platform, id: string, now: string) => repository.findToken(executor, organizationId, platform, id, now),

    /** A token by its (normalized) code, in its organization and platform. */
    findByCode: (executor: Db, organizationId: string, platform: Platform, code: string, now: string) => repository.findTokenByCode(executor, organizationId, platform, code, now),

    /** A token by its (normalized) code, whatever its organization: what a public /enroll link names. */
    findByPublicCode: (platform: Platform, code: string, now: string) => repository.findTokenByPublicCode(db, platform, code, now),

    /** Tokens by id, whatever their organization or platform (the email worker and SCEP know only ids). */
    findByIds: (ids: readonly string[], now: string) => repository.findTokensByIds(db, ids, now),

    /** Whether a user still has tokens that could be redeemed (blocks deleting the user: 5055). */
    hasPendingTokens: (executor: Db, mdmUserId: string) => repository.hasPendingTokens(executor, mdmUserId, nowIso()),
  };
}

export type EnrollmentTokenService = ReturnType<typeof createEnrollmentTokenService>;
