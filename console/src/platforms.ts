/** The three platforms as the API names them, with the paths the console calls for each. */
import type { AndroidEnrollmentToken, AppleEnrollmentToken, Schemas, WindowsEnrollmentToken } from '@enrolld/client';

export const PLATFORMS = ['apple', 'windows', 'android'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const PLATFORM_NAMES: Record<Platform, string> = { apple: 'Apple', windows: 'Windows', android: 'Android' };

export const isPlatform = (value: string | undefined): value is Platform => PLATFORMS.includes(value as Platform);

export type EnrollmentToken = AppleEnrollmentToken | WindowsEnrollmentToken | AndroidEnrollmentToken;
export type TokenState = AppleEnrollmentToken['state'];
export const TOKEN_STATES: TokenState[] = ['PENDING', 'DONE', 'EXPIRED', 'DELETED'];
export type Device = Schemas['Device'];

/**
 * The paths are the same for every platform but the segment; the typed client knows each literal
 * path, so the console addresses them through Apple's (their shapes differ only in
 * platform-specific fields, which the screens read per platform).
 */
export const tokensPath = (platform: Platform) =>
  `/v1/organizations/{organizationId}/mdm/${platform}/enterprise/enrollment-tokens` as '/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens';
export const bulkPath = (platform: Platform) =>
  `/v1/organizations/{organizationId}/mdm/${platform}/enterprise/enrollment-tokens/bulk` as '/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens/bulk';
export const tokenPath = (platform: Platform) =>
  `/v1/organizations/{organizationId}/mdm/${platform}/enterprise/enrollment-tokens/{tokenId}` as '/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens/{tokenId}';
export const resendPath = (platform: Platform) =>
  `/v1/organizations/{organizationId}/mdm/${platform}/enterprise/enrollment-tokens/{tokenId}/resend` as '/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens/{tokenId}/resend';
export const redemptionsPath = (platform: Platform) =>
  `/v1/organizations/{organizationId}/mdm/${platform}/enterprise/enrollment-tokens/{tokenId}/redemptions` as '/v1/organizations/{organizationId}/mdm/apple/enterprise/enrollment-tokens/{tokenId}/redemptions';
export const devicesPath = (platform: Platform) =>
  `/v1/organizations/{organizationId}/mdm/${platform}/enterprise/devices` as '/v1/organizations/{organizationId}/mdm/apple/enterprise/devices';

/** The permission for an action on a platform's tokens, as the server names it. */
export const tokenPermission = (platform: Platform, action: 'create' | 'list' | 'get' | 'update' | 'remove') =>
  `mdm.${platform}.enrollmentToken.${action}`;

/** The token list's filter naming a policy, per platform. */
export const POLICY_FILTER = { apple: 'adm-policy', windows: 'win-policy', android: 'emm-policy' } as const satisfies Record<Platform, string>;
