/**
 * Android tokens made through Google (the token service's provisioning port,
 * enrollment-tokens/token-provisioning.ts): an organization connected to the Android Management
 * API has each new Android token start PENDING with a CREATE job queued in its transaction, and
 * each revoked one queue the DELETE of what Google made. Organizations in local mode have no
 * provider: their tokens are made by enrolld alone, as before.
 */
import type { TokenProvisioning } from '../enrollment-tokens/token-provisioning.ts';
import type { MdmIntegrationService } from '../mdm-integrations/mdm-integrations.service.ts';
import { enqueueCreates, requestDelete } from './provisioning.repository.ts';

export function createAndroidProvisioning(deps: { integrations: Pick<MdmIntegrationService, 'amapiSettingsOf'> }): TokenProvisioning {
  return {
    async providerFor(organizationId, platform) {
      if (platform !== 'android') return null;
      const connection = await deps.integrations.amapiSettingsOf(organizationId);
      if (!connection) return null;
      return {
        initialState: { provisioning: 'PENDING', error: null },
        enqueue: (trx, tokens, now) => enqueueCreates(trx, organizationId, connection.enterpriseName, tokens, now),
      };
    },
    async revoked(trx, token, now) {
      if (token.platform === 'android') await requestDelete(trx, token.id, now);
    },
  };
}
