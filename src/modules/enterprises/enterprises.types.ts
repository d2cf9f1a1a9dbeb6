/** An organization's enterprise on one platform: branding plus the platform's MDM settings. */
import type { Platform } from '../../platforms/platform-names.ts';

export interface Branding {
  primaryColor: string;
  logo: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
}

export interface Enterprise {
  id: string;
  organization: string;
  platform: Platform;
  name: string;
  configuration: Branding;
  settings: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export const DEFAULT_BRANDING: Branding = Object.freeze({
  primaryColor: '#1f6feb',
  logo: null,
  contactEmail: null,
  contactPhone: null,
}) as Branding;
