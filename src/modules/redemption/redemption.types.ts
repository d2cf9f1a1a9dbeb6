/** Devices enrolled through a token, and the audit of redemption attempts. */
import type { Platform } from '../organizations/organizations.types.ts';

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

/** Whether a device reporting `identity` is the device already recorded (same serial, UDID or IMEI). */
export function isSameDevice(device: Device, identity: DeviceIdentity): boolean {
  return (
    (!!identity.serialNumber && identity.serialNumber === device.serialNumber) ||
    (!!identity.udid && identity.udid.toLowerCase() === device.udid?.toLowerCase()) ||
    (!!identity.imei && identity.imei === device.imei)
  );
}
