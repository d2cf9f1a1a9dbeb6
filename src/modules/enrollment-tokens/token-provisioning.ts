/**
 * Tokens another system makes. On some platforms the token the device enrolls with is made by
 * the platform's provider, not by enrolld (Android with Google's Android Management API). The
 * token service stays the one write path: it asks the provisioning port whether a provider
 * makes this organization's tokens of this platform, writes each new token with the provider's
 * starting state and queues the provider's work in the same transaction, holds its invitation
 * until the provider made it, and tells the port when a token is revoked. The provider's worker
 * reports back through `recordProvisioning` of the token service.
 */
import type { Db } from '../../db/database.ts';
import type { Platform } from '../../platforms/platform-names.ts';
import type { StoredToken } from './enrollment-tokens.types.ts';

export const PROVISIONING_STATUSES = ['PENDING', 'READY', 'FAILED'] as const;
export type ProvisioningStatus = (typeof PROVISIONING_STATUSES)[number];

/**
 * A token's `platformState` when a provider makes it: where the provider's token stands, its
 * error once FAILED, and whatever the provider keeps (Google's name, value, QR code…).
 */
export interface ProviderState {
  provisioning: ProvisioningStatus;
  error: string | null;
  [field: string]: unknown;
}

export interface TokenProvider {
  /** The state a new token starts with. */
  initialState: ProviderState;
  /** Queue the provider's work for new tokens, in their transaction. */
  enqueue(trx: Db, tokens: ReadonlyArray<{ id: string; expireAt: string }>, now: string): Promise<void>;
}

export interface TokenProvisioning {
  /** The provider of this organization's tokens of `platform`, or null when enrolld makes them alone. */
  providerFor(organizationId: string, platform: Platform): Promise<TokenProvider | null>;
  /** A token was revoked: undo it at its provider (in the revocation's transaction). */
  revoked(trx: Db, token: StoredToken, now: string): Promise<void>;
}

/** For deployments and tests with no provider at all. */
export const NO_PROVISIONING: TokenProvisioning = {
  providerFor: async () => null,
  revoked: async () => {},
};

/** The provider state of a token, or null when enrolld made it alone. */
export function providerStateOf(token: Pick<StoredToken, 'platformState'>): ProviderState | null {
  const state = token.platformState;
  return state && typeof state.provisioning === 'string' ? (state as ProviderState) : null;
}

/** Whether the token's link and invitation work yet: its provider made it (or it has none). */
export function isProvisioned(token: Pick<StoredToken, 'platformState'>): boolean {
  const state = providerStateOf(token);
  return state === null || state.provisioning === 'READY';
}
