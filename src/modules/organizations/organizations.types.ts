/** An organization (tenant) and its plan, as the service and the API see them. */
import type { Language } from '../../lib/languages.ts';
import { PLATFORMS, type Platform } from '../../platforms/platform-names.ts';

export interface Plan {
  features: Platform[];
  limits: {
    /** Most addresses one bulk request may carry. */
    bulkMaxEmails: number;
    /** Most PENDING tokens the organization may hold at once; null for no limit. */
    maxPendingTokens: number | null;
  };
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  plan: Plan;
  /** Recipient domains invitations may go to (`example.com`, `*.example.com`); null: any. */
  emailDomains: string[] | null;
  /** The language of users (and so of their tokens) created without one. */
  defaultLanguage: Language;
  createdAt: string;
  updatedAt: string;
}

export interface PlanInput {
  features?: Platform[];
  limits?: Partial<Plan['limits']>;
}

export const DEFAULT_BULK_MAX_EMAILS = 10_000;
/** The highest bulkMaxEmails a plan may have: the bulk schema refuses longer lists unread. */
export const MAX_PLAN_BULK_EMAILS = 100_000;

export function defaultPlan(): Plan {
  return { features: [...PLATFORMS], limits: { bulkMaxEmails: DEFAULT_BULK_MAX_EMAILS, maxPendingTokens: null } };
}

/** Apply a partial plan on top of an existing one (or the defaults). */
export function mergePlan(base: Plan, input: PlanInput | undefined): Plan {
  if (!input) return base;
  return {
    features: input.features ? [...new Set(input.features)] : base.features,
    limits: { ...base.limits, ...input.limits },
  };
}
