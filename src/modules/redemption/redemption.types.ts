/** Devices enrolled through a token, and the audit of redemption attempts. */
import type { Platform } from '../../platforms/platform-names.ts';

export type DeviceIdentity = {
  serialNumber?: string;
  udid?: string;
  imei?: string;
  model?: string;
  osVersion?: string;
};

export interface Device {
  id: string;
  organizationId: string;
  platform: Platform;
  tokenId: string | null;
  serialNumber: string | null;
  udid: string | null;
  imei: string | null;
  model: string | null;
  osVersion: string | null;
  createdAt: string;
}

export const REDEMPTION_OUTCOMES = ['REDEEMED', 'REPEATED', 'ALREADY_USED', 'EXPIRED', 'REVOKED', 'NOT_FOUND'] as const;
export type RedemptionOutcome = (typeof REDEMPTION_OUTCOMES)[number];

export interface RedemptionAttempt {
  id: string;
  tokenId: string | null;
  code: string;
  outcome: RedemptionOutcome;
  clientAddress: string | null;
  device: DeviceIdentity;
  createdAt: string;
}

/**
 * How each identifier is compared: UDIDs are hex and arrive in either case, so they compare
 * case-insensitively; serial numbers and IMEIs compare exactly.
 */
const IDENTIFIERS: readonly { key: 'serialNumber' | 'udid' | 'imei'; normalize: (value: string) => string }[] = [
  { key: 'serialNumber', normalize: (value) => value },
  { key: 'udid', normalize: (value) => value.toLowerCase() },
  { key: 'imei', normalize: (value) => value },
];

/**
 * Whether a device reporting `identity` is the device already recorded. Strict on purpose: an
 * identifier present on both sides that differs means another device (a copied serial with a
 * foreign IMEI is not a repeat), and at least one identifier must be present on both sides and
 * match. An identifier present on one side only says nothing either way.
 */
export function isSameDevice(device: Device, identity: DeviceIdentity): boolean {
  let hasMatch = false;
  for (const { key, normalize } of IDENTIFIERS) {
    const recorded = device[key];
    const reported = identity[key];
    if (!recorded || !reported) continue;
    if (normalize(recorded) !== normalize(reported)) return false;
    hasMatch = true;
  }
  return hasMatch;
}
