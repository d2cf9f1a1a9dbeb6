/**
 * What Google tells enrolld about an organization's Android devices, through the organization's
 * Pub/Sub push subscription: ENROLLMENT redeems the enrolld token the device enrolled with (as
 * POST …/redeem does: same rules, same audit, same refusals) and marks the device enrolled;
 * STATUS_REPORT records when the device last reported and its state.
 *
 * Each push must carry the Google-signed OIDC token of the subscription's service account for
 * the registered audience (checked with google-auth-library against Google's certificates);
 * otherwise 401, and Pub/Sub tries again later. Once authenticated, a push is always
 * acknowledged — even one enrolld cannot use (logged) — because Pub/Sub would otherwise retry it
 * for days. Delivery is at least once, so handled message ids are remembered and a repeat
 * changes nothing.
 */
import type { Db } from '../../db/database.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { nowIso } from '../../lib/time.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import type { MdmIntegrationService } from '../mdm-integrations/mdm-integrations.service.ts';
import type { RedemptionService } from '../redemption/redemption.service.ts';
import type { DeviceIdentity } from '../redemption/redemption.types.ts';
import { tokenIdOfAdditionalData } from './enrollment-token-request.ts';
import { createPushTokenVerifier, type GoogleEndpoints, type PushClaims } from './google-client.ts';
import { messageSeen, rememberMessage, tokenIdOfGoogleName } from './provisioning.repository.ts';
import { type AndroidDevice, readDevice, readPush } from './pubsub-push.ts';

export interface PushCall {
  body: unknown;
  authorization: string | undefined;
  clientAddress: string | null;
}

/** What a push did, for the log: handled, or why it was acknowledged without effect. */
export type PushResult = { handled: true; what: string } | { handled: false; why: string };

function identityOf(device: AndroidDevice): DeviceIdentity {
  const identity: DeviceIdentity = { udid: device.name };
  if (device.serialNumber) identity.serialNumber = device.serialNumber;
  if (device.imei) identity.imei = device.imei;
  if (device.meid) identity.meid = device.meid;
  if (device.model) identity.model = device.model;
  const name = [device.manufacturer, device.model].filter(Boolean).join(' ');
  if (name) identity.name = name;
  return identity;
}

export function createAndroidHookService(deps: {
  db: Db;
  integrations: Pick<MdmIntegrationService, 'amapiSettingsByHook'>;
  redemption: Pick<RedemptionService, 'redeemForDevice' | 'markEnrolled' | 'recordDeviceReport'>;
  android: PlatformAdapter;
  google: GoogleEndpoints;
}) {
  const { db, redemption, android } = deps;
  let verifier: Promise<(idToken: string, audience: string) => Promise<PushClaims>> | null = null;
  const verify = (idToken: string, audience: string) => (verifier ??= createPushTokenVerifier(deps.google)).then((check) => check(idToken, audience));

  async function tokenIdOf(organizationId: string, device: AndroidDevice): Promise<string | null> {
    return tokenIdOfAdditionalData(device.enrollmentTokenData) ?? (device.enrollmentTokenName ? tokenIdOfGoogleName(db, organizationId, device.enrollmentTokenName) : null);
  }

  return {
    async pushed(hookId: string, call: PushCall): Promise<PushResult> {
      const connection = await deps.integrations.amapiSettingsByHook(hookId);
      if (!connection) throw AppError.notFound('integration');
      const bearer = /^Bearer\s+(\S+)$/i.exec(call.authorization ?? '')?.[1];
      if (!bearer) throw new AppError(ErrorCode.NoAuthToken, 'A Pub/Sub push token (Authorization: Bearer) is required');
      let claims: PushClaims;
      try {
        claims = await verify(bearer, connection.pubsub.audience);
      } catch (error) {
        throw new AppError(ErrorCode.InvalidToken, `Invalid Pub/Sub push token: ${(error as Error).message}`.slice(0, 300));
      }
      if (!claims.emailVerified || claims.email?.toLowerCase() !== connection.pubsub.serviceAccountEmail.toLowerCase()) {
        throw new AppError(ErrorCode.InvalidToken, 'Invalid Pub/Sub push token: not signed for the registered service account');
      }

      const message = readPush(call.body);
      if (!message) return { handled: false, why: 'not a Pub/Sub push body' };
      const { organizationId } = connection;
      if (await messageSeen(db, organizationId, message.messageId)) return { handled: false, why: `message ${message.messageId} already handled` };
      const result = await act(organizationId, message.notificationType, readDevice(message.data), call.clientAddress);
      await rememberMessage(db, organizationId, message.messageId, nowIso());
      return result;
    },
  };

  async function act(organizationId: string, type: string | null, device: AndroidDevice | null, clientAddress: string | null): Promise<PushResult> {
    if (type !== 'ENROLLMENT' && type !== 'STATUS_REPORT') return { handled: false, why: `notification type ${type ?? 'missing'} is not used` };
    if (!device) return { handled: false, why: `${type} without a Device` };
    if (type === 'STATUS_REPORT') {
      const seenAt = device.lastStatusReportTime ?? nowIso();
      const matched = await redemption.recordDeviceReport(organizationId, android, device.name, { seenAt: new Date(seenAt).toISOString(), state: device.state });
      return matched ? { handled: true, what: `status of ${device.name}` } : { handled: false, why: `${device.name} is not a device enrolld knows` };
    }
    const tokenId = await tokenIdOf(organizationId, device);
    if (!tokenId) return { handled: false, why: `${device.name} enrolled with a token enrolld did not make` };
    const outcome = await redemption.redeemForDevice(organizationId, android, tokenId, identityOf(device), clientAddress);
    if (outcome === 'REDEEMED' || outcome === 'REPEATED') await redemption.markEnrolled(organizationId, android, tokenId, device.name);
    return { handled: true, what: `ENROLLMENT of ${device.name} with token ${tokenId}: ${outcome}` };
  }
}

export type AndroidHookService = ReturnType<typeof createAndroidHookService>;
