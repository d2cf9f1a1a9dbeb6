/**
 * The EnrollmentToken enrolld asks Google for, made from an enrolld Android token: one use only,
 * living as long as the enrolld token has left, with the policy its emmPolicy names in Google,
 * personal usage as its management mode implies, and `additionalData` naming the enrolld token
 * (Google copies it onto the enrolled Device as `enrollmentTokenData`, which is how the
 * enrollment notification finds the token).
 */
import type { CatalogItem } from '../catalog/catalog.types.ts';
import type { StoredToken } from '../enrollment-tokens/enrollment-tokens.types.ts';
import type { EnrollmentTokenRequest } from './google-client.ts';

/** managementMode → Google's allowPersonalUsage. */
export const PERSONAL_USAGE: Readonly<Record<string, string>> = {
  DEVICE_OWNER: 'PERSONAL_USAGE_DISALLOWED',
  PROFILE_OWNER: 'PERSONAL_USAGE_ALLOWED',
  COPE: 'PERSONAL_USAGE_ALLOWED',
  USERLESS: 'PERSONAL_USAGE_DISALLOWED_USERLESS',
};

/** What additionalData carries: the enrolld token's id. */
export function additionalDataOf(tokenId: string): string {
  return JSON.stringify({ enrolldToken: tokenId });
}

/** The enrolld token id an enrolled Device's enrollmentTokenData names, or null. */
export function tokenIdOfAdditionalData(data: unknown): string | null {
  if (typeof data !== 'string') return null;
  try {
    const parsed = JSON.parse(data) as { enrolldToken?: unknown };
    return typeof parsed?.enrolldToken === 'string' ? parsed.enrolldToken : null;
  } catch {
    return null;
  }
}

export function enrollmentTokenRequest(token: StoredToken, durationSeconds: number, policy: CatalogItem | undefined): EnrollmentTokenRequest {
  const mode = String(token.options.managementMode ?? 'DEVICE_OWNER');
  const policyName = policy?.data.amapiPolicyName;
  return {
    duration: `${durationSeconds}s`,
    ...(typeof policyName === 'string' ? { policyName } : {}),
    additionalData: additionalDataOf(token.id),
    oneTimeOnly: true,
    allowPersonalUsage: PERSONAL_USAGE[mode] ?? 'PERSONAL_USAGE_DISALLOWED',
  };
}
