/**
 * Redemption: the MDM server reports the device that enrolled with a token's code. A PENDING,
 * unexpired token becomes DONE in one conditional update — exactly one device wins however many
 * race — and a device record is linked from it. The same device asking again gets the same
 * answer; anything else gets its own error. Every attempt, won or not, is audited.
 */
import type { Db } from '../../db/database.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { normalizeEnrollCode } from '../../lib/enroll-code.ts';
import { newId } from '../../lib/ids.ts';
import { buildPage, type Page, type PageRequest } from '../../lib/pagination.ts';
import { nowIso } from '../../lib/time.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import type { RefusalReason, TokenMetrics } from '../metrics/metrics.ts';
import type { EnrollmentTokenService } from '../enrollment-tokens/enrollment-tokens.service.ts';
import type { StoredToken } from '../enrollment-tokens/enrollment-tokens.types.ts';
import * as repository from './redemption.repository.ts';
import { type Device, type DeviceIdentity, type DeviceStatus, isSameDevice, type LifecycleEvent, type RedemptionAttempt, type RedemptionOutcome } from './redemption.types.ts';
import type { Platform } from '../../platforms/platform-names.ts';
import { claimToken } from '../enrollment-tokens/token-state.ts';
import { concealSecrets } from '../enrollment-tokens/token-secrets.ts';
import type { WebhookOutbox } from '../webhooks/webhook-outbox.ts';

export interface RedeemInput {
  code: string;
  device: DeviceIdentity;
}

const FAILURES: Partial<Record<RedemptionOutcome, () => AppError>> = {
  NOT_FOUND: () => AppError.notFound('enrollmentToken'),
  ALREADY_USED: () => new AppError(ErrorCode.TokenAlreadyUsed),
  EXPIRED: () => new AppError(ErrorCode.TokenExpired),
  REVOKED: () => new AppError(ErrorCode.TokenRevoked),
};

/** The refusals as the metrics name them (a repeat by the same device is not refused). */
const REFUSAL_REASONS: Partial<Record<RedemptionOutcome, RefusalReason>> = {
  NOT_FOUND: 'not_found',
  ALREADY_USED: 'already_used',
  EXPIRED: 'expired',
  REVOKED: 'revoked',
};

export interface RedemptionServiceDeps {
  db: Db;
  /** Counted after the commit: redemptions won, and refusals by reason. */
  metrics: Pick<TokenMetrics, 'redeemed' | 'refused'>;
  /** Token reads, and the token as the API answers it. */
  tokens: Pick<EnrollmentTokenService, 'findByCode' | 'findById' | 'presentToken'>;
  /** Where redemption events are queued for webhooks, in the attempt's transaction. */
  webhooks: Pick<WebhookOutbox, 'wants' | 'emit' | 'queued'>;
}

/** An attempt decided: its outcome, the device (won or repeated), the token after it, and the webhook deliveries it queued. */
interface Settled {
  outcome: RedemptionOutcome;
  device: Device | null;
  token: StoredToken | null;
  events: number;
}

/** The identifiers of a recorded device, as an audit entry keeps them. */
function identityOf(device: Device): DeviceIdentity {
  const identity: DeviceIdentity = {};
  for (const key of ['serialNumber', 'udid', 'imei', 'meid', 'model', 'osVersion', 'name'] as const) if (device[key]) identity[key] = device[key];
  return identity;
}

function newDevice(organizationId: string, adapter: PlatformAdapter, tokenId: string, identity: DeviceIdentity, now: string): Device {
  return {
    id: newId(),
    organizationId,
    platform: adapter.platform,
    tokenId,
    serialNumber: identity.serialNumber ?? null,
    udid: identity.udid ?? null,
    imei: identity.imei ?? null,
    meid: identity.meid ?? null,
    model: identity.model ?? null,
    osVersion: identity.osVersion ?? null,
    name: identity.name ?? null,
    status: 'REDEEMED',
    enrolledAt: null,
    checkedOutAt: null,
    lastSeenAt: null,
    providerState: null,
    createdAt: now,
  };
}

export function createRedemptionService(deps: RedemptionServiceDeps) {
  const { db, webhooks } = deps;

  /** Queue `enrollment_token.redeemed` for a won attempt, in `trx`: the token (without its secrets) and the device. */
  async function emitRedeemed(trx: Db, organizationId: string, adapter: PlatformAdapter, token: StoredToken, device: Device): Promise<number> {
    if (!(await webhooks.wants(trx, organizationId, 'enrollment_token.redeemed'))) return 0;
    const answer = await deps.tokens.presentToken(organizationId, adapter, token, trx);
    return webhooks.emit(trx, organizationId, [{ type: 'enrollment_token.redeemed', data: { token: concealSecrets(adapter, answer), device } }]);
  }

  /** Queue `enrollment_token.redemption_refused` for a refused attempt, in `trx`. */
  async function emitRefused(trx: Db, organizationId: string, adapter: PlatformAdapter, attempt: { tokenId: string | null; reason: RefusalReason; clientAddress: string | null; device: DeviceIdentity; createdAt: string }): Promise<number> {
    if (!(await webhooks.wants(trx, organizationId, 'enrollment_token.redemption_refused'))) return 0;
    return webhooks.emit(trx, organizationId, [{ type: 'enrollment_token.redemption_refused', data: { platform: adapter.platform, ...attempt }, timestamp: attempt.createdAt }]);
  }

  /** Decide the outcome for a token that is not (or no longer) PENDING. */
  async function settledOutcome(trx: Db, token: StoredToken, identity: DeviceIdentity): Promise<{ outcome: RedemptionOutcome; device: Device | null }> {
    if (token.state === 'DELETED') return { outcome: 'REVOKED', device: null };
    if (token.state === 'EXPIRED') return { outcome: 'EXPIRED', device: null };
    const device = token.deviceId ? await repository.findDevice(trx, token.organizationId, token.deviceId) : null;
    return device && isSameDevice(device, identity) ? { outcome: 'REPEATED', device } : { outcome: 'ALREADY_USED', device: null };
  }

  /**
   * The common case: the code names a PENDING token (read outside any transaction) and this
   * device wins it. The claim is conditional, so when anything changed since the read (another
   * device won, the token expired or was revoked) nothing is written and null sends the attempt
   * to `settle`.
   */
  async function claimPending(organizationId: string, adapter: PlatformAdapter, token: StoredToken, code: string, identity: DeviceIdentity, clientAddress: string | null): Promise<Settled | null> {
    const now = nowIso();
    const device = newDevice(organizationId, adapter, token.id, identity, now);
    const won = { ...device, code, clientAddress, identity };
    const settled: Settled = { outcome: 'REDEEMED', device, token: { ...token, state: 'DONE', deviceId: device.id, updatedAt: now }, events: 0 };
    // Without an endpoint that hears of it, the win stays one statement on PostgreSQL.
    if (!(await webhooks.wants(db, organizationId, 'enrollment_token.redeemed'))) {
      return (await repository.claimAndRecordWin(db, won)) ? settled : null;
    }
    return db.transaction().execute(async (trx) => {
      if (!(await repository.claimAndRecordWin(trx, won))) return null;
      return { ...settled, events: await emitRedeemed(trx, organizationId, adapter, settled.token!, device) };
    });
  }

  /**
   * Every other attempt, in one transaction: judged against the token as it stands, recorded
   * whatever its outcome. `known` is the token as already read when that read is final: no
   * token, or one that is DONE, EXPIRED or DELETED, states a token never leaves. Otherwise (a
   * claim just lost) it is read again here, and one still PENDING is claimed here.
   */
  function settle(organizationId: string, adapter: PlatformAdapter, code: string | null, input: RedeemInput, clientAddress: string | null, known?: StoredToken | null): Promise<Settled> {
    return db.transaction().execute(async (trx) => {
      const now = nowIso();
      const token = known !== undefined ? known : code ? await deps.tokens.findByCode(trx, organizationId, adapter.platform, code, now) : null;
      let outcome: RedemptionOutcome;
      let device: Device | null = null;
      // The token as it stands after this attempt, answered without reading it back.
      let settledToken: StoredToken | null = token;
      if (!token) {
        outcome = 'NOT_FOUND';
      } else if (token.state === 'PENDING') {
        const candidate = newDevice(organizationId, adapter, token.id, input.device, now);
        if (await claimToken(trx, { tokenId: token.id, deviceId: candidate.id, now })) {
          await repository.insertDevice(trx, candidate);
          outcome = 'REDEEMED';
          device = candidate;
          settledToken = { ...token, state: 'DONE', deviceId: candidate.id, updatedAt: now };
        } else {
          // Another attempt won between our read and our update: judge against its result.
          settledToken = await deps.tokens.findById(trx, organizationId, adapter.platform, token.id, now);
          ({ outcome, device } = await settledOutcome(trx, settledToken!, input.device));
        }
      } else {
        ({ outcome, device } = await settledOutcome(trx, token, input.device));
      }
      await repository.recordAttempt(trx, {
        organizationId,
        platform: adapter.platform,
        tokenId: token?.id ?? null,
        code: code ?? input.code.slice(0, 64),
        outcome,
        clientAddress,
        device: input.device,
        createdAt: now,
      });
      const refusal = REFUSAL_REASONS[outcome];
      let events = 0;
      if (outcome === 'REDEEMED') events = await emitRedeemed(trx, organizationId, adapter, settledToken!, device!);
      else if (refusal) events = await emitRefused(trx, organizationId, adapter, { tokenId: token?.id ?? null, reason: refusal, clientAddress, device: input.device, createdAt: now });
      return { outcome, device, token: settledToken, events };
    });
  }

  /** One redemption attempt by code, judged and recorded; counted after the commit. */
  async function attempt(organizationId: string, adapter: PlatformAdapter, input: RedeemInput, clientAddress: string | null): Promise<Settled> {
    const code = normalizeEnrollCode(input.code);
    const token = code ? await deps.tokens.findByCode(db, organizationId, adapter.platform, code, nowIso()) : null;
    const result =
      token?.state === 'PENDING'
        ? ((await claimPending(organizationId, adapter, token, code!, input.device, clientAddress)) ?? (await settle(organizationId, adapter, code, input, clientAddress)))
        : await settle(organizationId, adapter, code, input, clientAddress, token);
    webhooks.queued(result.events);
    const refusal = REFUSAL_REASONS[result.outcome];
    if (result.outcome === 'REDEEMED') deps.metrics.redeemed.inc({ platform: adapter.platform });
    else if (refusal) deps.metrics.refused.inc({ platform: adapter.platform, reason: refusal });
    return result;
  }

  /**
   * A change of the device's MDM status reported by the MDM server: from one of `from` to `to`,
   * recorded in the token's audit and told to webhooks, in one transaction. Only the device the
   * token was redeemed for, identified by `udid`; anything else (another token's device, a status
   * already reached: a replayed event) changes nothing and answers null.
   */
  async function moveDevice(
    organizationId: string,
    adapter: PlatformAdapter,
    tokenId: string,
    udid: string,
    change: { from: DeviceStatus[]; to: DeviceStatus; audit: 'ENROLLED' | 'CHECKED_OUT'; event: 'device.enrolled' | 'device.checked_out' },
  ): Promise<Device | null> {
    const now = nowIso();
    const token = await deps.tokens.findById(db, organizationId, adapter.platform, tokenId, now);
    if (!token?.deviceId) return null;
    const outcome = await db.transaction().execute(async (trx) => {
      const device = await repository.moveDeviceStatus(trx, { organizationId, deviceId: token.deviceId!, udid, from: change.from, to: change.to, at: now });
      if (!device) return null;
      await repository.recordAttempt(trx, { organizationId, platform: adapter.platform, tokenId, code: '', outcome: change.audit, clientAddress: null, device: identityOf(device), detail: null, createdAt: now });
      let events = 0;
      if (await webhooks.wants(trx, organizationId, change.event)) {
        const data: Record<string, unknown> = { device };
        if (change.event === 'device.enrolled') data.token = concealSecrets(adapter, await deps.tokens.presentToken(organizationId, adapter, token, trx));
        events = await webhooks.emit(trx, organizationId, [{ type: change.event, data, timestamp: now }]);
      }
      return { device, events };
    });
    if (!outcome) return null;
    webhooks.queued(outcome.events);
    return outcome.device;
  }

  return {
    /** Answers the token (now DONE) and the device; the same device asking again gets the same. */
    async redeem(organizationId: string, adapter: PlatformAdapter, input: RedeemInput, clientAddress: string | null) {
      if (!input.device.serialNumber && !input.device.udid && !input.device.imei && !input.device.meid) {
        // Without an identifier a repeat by the same device could not be told from another device.
        throw AppError.validation([{ path: '/body/device', message: '"device" needs at least one of serialNumber, udid, imei, meid' }]);
      }
      const result = await attempt(organizationId, adapter, input, clientAddress);
      const failure = FAILURES[result.outcome];
      if (failure) throw failure();
      return { token: await deps.tokens.presentToken(organizationId, adapter, result.token!), device: result.device! };
    },

    /**
     * The MDM server reports a device that authenticated with the profile of token `tokenId`:
     * redeemed exactly as by code (same rules, audit and events). A replay — the token already
     * redeemed for this very device — changes nothing and answers REPEATED; a token of another
     * organization or platform is NOT_FOUND and nothing is written.
     */
    async redeemForDevice(organizationId: string, adapter: PlatformAdapter, tokenId: string, device: DeviceIdentity, clientAddress: string | null): Promise<RedemptionOutcome> {
      const token = await deps.tokens.findById(db, organizationId, adapter.platform, tokenId, nowIso());
      if (!token) return 'NOT_FOUND';
      if (token.state === 'DONE' && token.deviceId) {
        const bound = await repository.findDevice(db, organizationId, token.deviceId);
        if (bound && isSameDevice(bound, device)) return 'REPEATED';
      }
      return (await attempt(organizationId, adapter, { code: token.enrollCode, device }, clientAddress)).outcome;
    },

    /** The MDM server holds the device's push token: it is managed. */
    markEnrolled: (organizationId: string, adapter: PlatformAdapter, tokenId: string, udid: string) =>
      moveDevice(organizationId, adapter, tokenId, udid, { from: ['REDEEMED'], to: 'ENROLLED', audit: 'ENROLLED', event: 'device.enrolled' }),

    /** The device's MDM profile was removed. */
    markCheckedOut: (organizationId: string, adapter: PlatformAdapter, tokenId: string, udid: string) =>
      moveDevice(organizationId, adapter, tokenId, udid, { from: ['REDEEMED', 'ENROLLED'], to: 'CHECKED_OUT', audit: 'CHECKED_OUT', event: 'device.checked_out' }),

    /** A provider's status report of a device (a later report than the one recorded wins). */
    recordDeviceReport: (organizationId: string, adapter: PlatformAdapter, udid: string, report: { seenAt: string; state: string | null }) =>
      repository.recordDeviceReport(db, { organizationId, platform: adapter.platform, udid, ...report }),

    /** The device a token was redeemed for, or null. */
    deviceOfToken: async (organizationId: string, token: Pick<StoredToken, 'deviceId'>): Promise<Device | null> =>
      token.deviceId ? repository.findDevice(db, organizationId, token.deviceId) : null,

    /** Record what the SCEP CA reported about a token (its challenge check, its certificate) in the token's audit. */
    recordLifecycle: (executor: Db, entry: { organizationId: string; platform: Platform; tokenId: string; outcome: LifecycleEvent; detail: Record<string, unknown>; device?: DeviceIdentity; clientAddress?: string | null }) =>
      repository.recordAttempt(executor, {
        organizationId: entry.organizationId,
        platform: entry.platform,
        tokenId: entry.tokenId,
        code: '',
        outcome: entry.outcome,
        clientAddress: entry.clientAddress ?? null,
        device: entry.device ?? {},
        detail: entry.detail,
        createdAt: nowIso(),
      }),

    async listDevices(organizationId: string, adapter: PlatformAdapter, page: PageRequest): Promise<Page<Device>> {
      const { items, total } = await repository.listDevices(db, organizationId, adapter.platform, page);
      return buildPage(items, total, page);
    },

    async listAttempts(organizationId: string, adapter: PlatformAdapter, tokenId: string, page: PageRequest): Promise<Page<RedemptionAttempt>> {
      const token = await deps.tokens.findById(db, organizationId, adapter.platform, tokenId, nowIso());
      if (!token) throw AppError.notFound('enrollmentToken');
      const { items, total } = await repository.listAttempts(db, organizationId, token.id, page);
      return buildPage(items, total, page);
    },
  };
}

export type RedemptionService = ReturnType<typeof createRedemptionService>;
