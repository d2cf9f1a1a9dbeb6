/**
 * An Apple enterprise's MDM settings: where the profile sends the device (the MDM server's
 * ServerURL and optional CheckInURL, its APNs topic, the SCEP CA) and how the device makes its
 * identity. A new enterprise gets placeholders that point at enrolld itself, which serves none of
 * these addresses: `placeholders` names the fields still holding them, and the enterprise, its
 * tokens and its enrollment page say plainly that devices cannot enroll until serverUrl, topic and
 * scepUrl name real infrastructure. A field an admin sets is no longer a placeholder.
 *
 * Enterprises made before these settings existed stored `apnsTopic` and no `placeholders`: their
 * placeholders are recognised by the addresses enrolld made (`…/mdm/apple/server`, `…/scep`).
 */
import { randomUUID } from 'node:crypto';

/** SCEP Key Usage: 1 signing, 4 encryption, 5 both (what an MDM identity is used for). */
export const SCEP_KEY_USAGES = [1, 4, 5] as const;
export const SCEP_KEY_SIZES = [1024, 2048, 4096] as const;

export interface AppleMdmSettings {
  serverUrl: string;
  /** Null: the device checks in at serverUrl (NanoMDM without -checkin). */
  checkInUrl: string | null;
  topic: string;
  scepUrl: string;
  scepKeySize: (typeof SCEP_KEY_SIZES)[number];
  scepKeyUsage: (typeof SCEP_KEY_USAGES)[number];
  signMessage: boolean;
  checkOutWhenRemoved: boolean;
  placeholders: PlaceholderField[];
}

const PLACEHOLDER_FIELDS = ['serverUrl', 'checkInUrl', 'topic', 'scepUrl'] as const;
type PlaceholderField = (typeof PLACEHOLDER_FIELDS)[number];
/** Without these a device cannot enroll; a placeholder checkInUrl is simply left out of the profile. */
const REQUIRED_FIELDS: readonly PlaceholderField[] = ['serverUrl', 'topic', 'scepUrl'];

export function appleDefaults(publicUrl: string): AppleMdmSettings {
  return {
    serverUrl: `${publicUrl}/mdm/apple/server`,
    checkInUrl: `${publicUrl}/mdm/apple/checkin`,
    topic: `com.apple.mgmt.External.${randomUUID()}`,
    scepUrl: `${publicUrl}/scep`,
    scepKeySize: 2048,
    scepKeyUsage: 5,
    signMessage: true,
    checkOutWhenRemoved: true,
    placeholders: [...PLACEHOLDER_FIELDS],
  };
}

/** The settings as stored, in today's shape (older enterprises stored fewer fields). */
export function appleSettingsOf(stored: Record<string, unknown>): AppleMdmSettings {
  const serverUrl = String(stored.serverUrl);
  const checkInUrl = stored.checkInUrl === null || stored.checkInUrl === undefined ? null : String(stored.checkInUrl);
  const scepUrl = String(stored.scepUrl);
  let placeholders = stored.placeholders as PlaceholderField[] | undefined;
  if (!placeholders) {
    const madeByEnrolld = serverUrl.endsWith('/mdm/apple/server');
    placeholders = [
      ...(madeByEnrolld ? (['serverUrl', 'topic'] as const) : []),
      ...(checkInUrl?.endsWith('/mdm/apple/checkin') ? (['checkInUrl'] as const) : []),
      ...(scepUrl.endsWith('/scep') && madeByEnrolld ? (['scepUrl'] as const) : []),
    ];
  }
  return {
    serverUrl,
    checkInUrl,
    topic: String(stored.topic ?? stored.apnsTopic),
    scepUrl,
    scepKeySize: (stored.scepKeySize as AppleMdmSettings['scepKeySize']) ?? 2048,
    scepKeyUsage: (stored.scepKeyUsage as AppleMdmSettings['scepKeyUsage']) ?? 5,
    signMessage: (stored.signMessage as boolean | undefined) ?? true,
    checkOutWhenRemoved: (stored.checkOutWhenRemoved as boolean | undefined) ?? true,
    placeholders,
  };
}

/** An admin's change: what they set stops being a placeholder. `apnsTopic` is the earlier name of `topic`. */
export function mergeAppleSettings(stored: Record<string, unknown>, input: Record<string, unknown>): AppleMdmSettings {
  const { apnsTopic, ...rest } = input;
  const change: Record<string, unknown> = { ...rest };
  if (apnsTopic !== undefined && change.topic === undefined) change.topic = apnsTopic;
  const current = appleSettingsOf(stored);
  return {
    ...current,
    ...change,
    placeholders: current.placeholders.filter((field) => change[field] === undefined),
  } as AppleMdmSettings;
}

/** Whether a device can enroll with these settings, and if not, what to tell the admin. */
export function appleSettingsStatus(settings: AppleMdmSettings): { configured: boolean; warning: string | null } {
  const missing = REQUIRED_FIELDS.filter((field) => settings.placeholders.includes(field));
  if (missing.length === 0) return { configured: true, warning: null };
  return {
    configured: false,
    warning:
      `The Apple MDM settings ${missing.join(', ')} still hold placeholders enrolld made up: no device can enroll until ` +
      'they name your MDM server (serverUrl), the APNs topic of its push certificate (topic) and your SCEP CA (scepUrl).',
  };
}

/** The CheckInURL the profile carries: none while it is a placeholder (the device then checks in at ServerURL). */
export function profileCheckInUrl(settings: AppleMdmSettings): string | null {
  return settings.checkInUrl !== null && !settings.placeholders.includes('checkInUrl') ? settings.checkInUrl : null;
}
