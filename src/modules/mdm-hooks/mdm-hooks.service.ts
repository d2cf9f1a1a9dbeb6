/**
 * What the SCEP CA and the MDM server tell enrolld, acted on. Each call is authenticated by the
 * signature of the organization's registered integration (mdm-integrations) before anything is
 * read or written; what it may change is that organization's Apple tokens and devices only.
 */
import { AppError, ErrorCode } from '../../errors.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import type { MdmIntegrationService } from '../mdm-integrations/mdm-integrations.service.ts';
import type { RedemptionService } from '../redemption/redemption.service.ts';
import type { ScepChallengeService } from '../scep-challenges/scep-challenges.service.ts';
import { readCheckinEvent } from './checkin-events.ts';
import { nanoMdmSignatureValid, stepCaSignatureValid } from './hook-signatures.ts';
import { readChallengeRequest, readNotification } from './step-ca-requests.ts';

export interface HookCall {
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
  clientAddress: string | null;
}

const header = (call: HookCall, name: string) => {
  const value = call.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const unauthorized = (message: string) => new AppError(ErrorCode.InvalidToken, message);

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw AppError.validation([{ path: '/body', message: 'must be JSON' }]);
  }
}

export function createMdmHookService(deps: {
  integrations: Pick<MdmIntegrationService, 'resolve'>;
  scepChallenges: Pick<ScepChallengeService, 'decide' | 'recordOutcome'>;
  redemption: Pick<RedemptionService, 'redeemForDevice' | 'markEnrolled' | 'markCheckedOut'>;
  apple: PlatformAdapter;
}) {
  const { integrations, scepChallenges, redemption, apple } = deps;

  /** The organization whose step-ca webhook signed this call, or a 401 (nothing is read further). */
  async function stepCaCaller(call: HookCall, kind: 'step-ca' | 'step-ca-notify'): Promise<string> {
    const webhookId = header(call, 'x-smallstep-webhook-id');
    if (!webhookId) throw new AppError(ErrorCode.NoAuthToken, 'X-Smallstep-Webhook-ID is required');
    const integration = await integrations.resolve(kind, webhookId);
    if (!integration?.secret || !stepCaSignatureValid(integration.secret, call.body, header(call, 'x-smallstep-signature'))) {
      throw unauthorized('Unknown step-ca webhook or bad X-Smallstep-Signature');
    }
    return integration.organizationId;
  }

  return {
    /** step-ca SCEPCHALLENGE: `{allow: true, data}` once per live challenge, `{allow: false}` otherwise. */
    async scepChallenge(call: HookCall): Promise<{ allow: boolean; data?: Record<string, unknown> }> {
      const organizationId = await stepCaCaller(call, 'step-ca');
      const decision = await scepChallenges.decide(organizationId, readChallengeRequest(parseJson(call.body)));
      return decision.allow ? { allow: true, data: decision.data } : { allow: false };
    },

    /** step-ca NOTIFYING: the certificate issued (or the error), recorded against its token. */
    async scepNotify(call: HookCall): Promise<void> {
      const organizationId = await stepCaCaller(call, 'step-ca-notify');
      await scepChallenges.recordOutcome(organizationId, readNotification(parseJson(call.body)));
    },

    /**
     * A NanoMDM or MicroMDM check-in event for the organization whose hook id is in the URL.
     * Authenticate redeems the token the profile names for the device; TokenUpdate marks the
     * device enrolled; CheckOut marks it checked out. Anything about another organization's token,
     * another device, or a state already reached changes nothing: a replay is harmless.
     */
    async nanoMdmEvent(hookId: string, call: HookCall): Promise<{ handled: boolean }> {
      const integration = await integrations.resolve('nanomdm', hookId);
      if (!integration) throw AppError.notFound('integration');
      if (integration.secret !== null && !nanoMdmSignatureValid(integration.secret, call.body, header(call, 'x-hmac-signature'))) {
        throw unauthorized('Missing or bad X-Hmac-Signature');
      }
      const event = await readCheckinEvent(parseJson(call.body));
      if (!event?.tokenId || !event.deviceKey || event.userChannel) return { handled: false };
      const { organizationId } = integration;
      switch (event.topic) {
        case 'mdm.Authenticate':
          await redemption.redeemForDevice(organizationId, apple, event.tokenId, event.identity, call.clientAddress);
          break;
        case 'mdm.TokenUpdate':
          await redemption.markEnrolled(organizationId, apple, event.tokenId, event.deviceKey);
          break;
        case 'mdm.CheckOut':
          await redemption.markCheckedOut(organizationId, apple, event.tokenId, event.deviceKey);
          break;
      }
      return { handled: true };
    },
  };
}

export type MdmHookService = ReturnType<typeof createMdmHookService>;
