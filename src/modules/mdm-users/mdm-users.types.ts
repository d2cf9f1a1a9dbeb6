/** An MDM user: the person enrollment tokens are issued to, identified by email per organization. */
import type { Language } from '../../lib/languages.ts';

export interface MdmUser {
  id: string;
  organization: string;
  email: string;
  name: string | null;
  tags: string[];
  language: Language;
  managedAppleId: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface CreateMdmUserInput {
  email: string;
  name?: string | null;
  tags?: string[];
  language?: Language;
  managedAppleId?: string | null;
  metadata?: Record<string, unknown>;
}

export type UpdateMdmUserInput = Partial<CreateMdmUserInput>;

export interface MdmUserFilters {
  /** Case-insensitive substring of the email or the name. */
  search?: string;
  /** Exact email, compared case-insensitively. */
  email?: string;
}

/** An address as given (trimmed) and as compared (normalized: see lib/email-address.ts). */
export interface UserAddress {
  email: string;
  normalized: string;
}
