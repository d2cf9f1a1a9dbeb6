/** Enrollment tokens as the service sees them, whatever the platform. */
import type { Language } from '../../lib/languages.ts';
import type { Platform } from '../../platforms/platform-names.ts';

export const TOKEN_STATES = ['PENDING', 'DONE', 'EXPIRED', 'DELETED'] as const;
export type TokenState = (typeof TOKEN_STATES)[number];

export const EMAIL_STATUSES = ['NONE', 'QUEUED', 'SENT', 'FAILED'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export interface EmailDelivery {
  status: EmailStatus;
  attempts: number;
  sentAt: string | null;
  lastError: string | null;
  /** Why a QUEUED invitation waits (the organization's hourly sending limit), or null. */
  deferredReason: string | null;
}

/** `Options`: the platform's stored options (see PlatformAdapter); untyped JSON where the platform is not known. */
export interface StoredToken<Options = Record<string, unknown>> {
  id: string;
  organizationId: string;
  platform: Platform;
  enterpriseId: string;
  mdmUser: { id: string; email: string; name: string | null };
  displayName: string;
  tags: string[];
  /** The effective state: a PENDING token past expireAt is EXPIRED, persisted or not. */
  state: TokenState;
  policyId: string | null;
  segmentId: number | null;
  options: Options;
  sendEmail: boolean;
  emailText: string;
  language: Language;
  enrollCode: string;
  emailDelivery: EmailDelivery;
  deviceId: string | null;
  createdAt: string;
  updatedAt: string;
  expireAt: string;
  /**
   * What the platform's provider made for the token, or null when enrolld makes it alone (Android
   * in AMAPI mode: see modules/android-management). Written by the provider's worker, never by
   * an update of the token.
   */
  platformState: Record<string, unknown> | null;
}

/** Seconds a token lives when `duration` is not given: one day. */
export const DEFAULT_DURATION_SECONDS = 86_400;
export const MIN_DURATION_SECONDS = 60;
export const MAX_DURATION_SECONDS = 2_592_000;

/** The fields every platform's create body has in common (after validation). */
export interface CommonTokenInput {
  sendEmail: boolean;
  displayName?: string;
  tags?: string[];
  duration?: number;
  language?: Language;
  emailText?: string;
}

export interface TokenFilters {
  mdmUserId?: string;
  policyId?: string;
  state?: TokenState;
  tags?: string[];
  search?: string;
  showDeleted: boolean;
}

export interface BulkFailure {
  email: string;
  code: number;
  message: string;
}

export interface BulkResult {
  total: number;
  success: number;
  fail: number;
  failures: BulkFailure[];
  /** Each address that got a token (trimmed, in request order) with the token's id. */
  tokens: Array<{ email: string; id: string }>;
}
