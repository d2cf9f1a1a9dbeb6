/** Devices enrolled through a token, and the audit of redemption attempts. */
import type { Platform } from '../../platforms/platform-names.ts';

export type DeviceIdentity = {
  serialNumber?: string;
  udid?: string;
  imei?: string;
  meid?: string;
  model?: string;
  osVersion?: string;
  /** The name its user gave it ("Alice's iPhone"). */
  name?: string;
};

/**
 * Where a device stands in the MDM: a token was redeemed for it (by the API, or by the MDM's
 * Authenticate check-in), the MDM holds its push token (TokenUpdate), or its MDM profile was
 * removed (CheckOut).
 */
export const DEVICE_STATUSES = ['REDEEMED', 'ENROLLED', 'CHECKED_OUT'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export interface Device {
  id: string;
  organizationId: string;
  platform: Platform;
  tokenId: string | null;
  serialNumber: string | null;
  udid: string | null;
  imei: string | null;
  meid: string | null;
  model: string | null;
  osVersion: string | null;
  name: string | null;
  status: DeviceStatus;
  enrolledAt: string | null;
  checkedOutAt: string | null;
  /** The provider's last status report (AMAPI STATUS_REPORT), and the state it gives the device. */
  lastSeenAt: string | null;
  providerState: string | null;
  createdAt: string;
}

export const REDEMPTION_OUTCOMES = ['REDEEMED', 'REPEATED', 'ALREADY_USED', 'EXPIRED', 'REVOKED', 'NOT_FOUND'] as const;
export type RedemptionOutcome = (typeof REDEMPTION_OUTCOMES)[number];

/**
 * What else a token's audit records when the SCEP CA and the MDM server report to enrolld: the
 * CA's challenge check (allowed, or refused with a reason), the certificate it issued or failed
 * to issue, and the device's enrollment and check-out.
 */
export const LIFECYCLE_EVENTS = ['SCEP_ALLOWED', 'SCEP_REFUSED', 'CERTIFICATE_ISSUED', 'CERTIFICATE_FAILED', 'ENROLLED', 'CHECKED_OUT'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];
export type AuditOutcome = RedemptionOutcome | LifecycleEvent;

export interface RedemptionAttempt {
  id: string;
  tokenId: string | null;
  /** The code presented; null for what the CA or the MDM server reported. */
  code: string | null;
  outcome: AuditOutcome;
  clientAddress: string | null;
  device: DeviceIdentity;
  /** What a lifecycle entry adds (SCEP transaction, certificate, reason); null for redemptions. */
  detail: Record<string, unknown> | null;
  createdAt: string;
}

/**
 * How each identifier is compared: UDIDs are hex and arrive in either case, so they compare
 * case-insensitively, as do MEIDs (hex); serial numbers and IMEIs compare exactly.
 */
const IDENTIFIERS: readonly { key: 'serialNumber' | 'udid' | 'imei' | 'meid'; normalize: (value: string) => string }[] = [
  { key: 'serialNumber', normalize: (value) => value },
  { key: 'udid', normalize: (value) => value.toLowerCase() },
  { key: 'imei', normalize: (value) => value },
  { key: 'meid', normalize: (value) => value.toUpperCase() },
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
