/**
 * The MDM enrollment profile (.mobileconfig) of one Apple token, as an XML property list: a SCEP
 * payload that gets the device its identity certificate (with the token's one-time challenge) and
 * the MDM payload that uses that identity to check in. No I/O; signing happens elsewhere.
 *
 * Payload keys follow Apple's Device Management reference (com.apple.mdm, com.apple.security.scep).
 */
import { createHash } from 'node:crypto';
import type { PlistValue } from 'plist';
import type { StoredToken } from '../../modules/enrollment-tokens/enrollment-tokens.types.ts';
import type { Enterprise } from '../../modules/enterprises/enterprises.types.ts';
import { appleSettingsOf, profileCheckInUrl } from './apple-settings.ts';
import { loadPlist } from '../../lib/plist.ts';
import { scepCommonName } from './scep-subject.ts';

/** Every MDM access right (1 + 2 + … + 4096): the server may manage everything it is allowed to. */
const ALL_ACCESS_RIGHTS = 8191;

const SERVER_CAPABILITIES = ['com.apple.mdm.per-user-connections', 'com.apple.mdm.bootstraptoken'];

export interface EnrollmentProfileInput {
  token: StoredToken;
  enterprise: Enterprise;
  organizationName: string;
  /** The one-time SCEP challenge issued for this download. */
  challenge: string;
}

/** A UUID that is stable for a token and a role, so re-downloads replace rather than duplicate. */
function stableUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('/')).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}


/**
 * An MDM URL naming the token (`?enrollment=<token id>`), so the MDM server's check-in events say
 * which enrollment a device belongs to (NanoMDM passes the query on as `url_params`). Only the id:
 * the device sends these URLs for as long as it is enrolled and they land in the MDM's logs, so
 * they must not carry anything that redeems the token.
 */
function namingToken(address: string, token: StoredToken): string {
  const url = new URL(address);
  url.searchParams.set('enrollment', token.id);
  return url.toString();
}

export async function buildEnrollmentProfile({ token, enterprise, organizationName, challenge }: EnrollmentProfileInput): Promise<string> {
  const { build: buildPlist } = await loadPlist();
  const settings = appleSettingsOf(enterprise.settings);
  const checkInUrl = profileCheckInUrl(settings);
  const identifier = `io.enrolld.enrollment.${token.organizationId}.${token.id}`;
  const scepUuid = stableUuid(token.id, 'scep');
  const profile: PlistValue = {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: stableUuid(token.id, 'profile'),
    PayloadDisplayName: `${organizationName} device management`,
    PayloadDescription: `Enrolls this device in ${organizationName}'s device management.`,
    PayloadOrganization: organizationName,
    PayloadRemovalDisallowed: false,
    PayloadContent: [
      {
        PayloadType: 'com.apple.security.scep',
        PayloadVersion: 1,
        PayloadIdentifier: `${identifier}.scep`,
        PayloadUUID: scepUuid,
        PayloadDisplayName: 'Device identity certificate',
        PayloadContent: {
          URL: settings.scepUrl,
          Name: 'enrolld',
          Subject: [[['O', organizationName]], [['CN', scepCommonName(token.id)]]],
          Challenge: challenge,
          Keysize: settings.scepKeySize,
          'Key Type': 'RSA',
          'Key Usage': settings.scepKeyUsage,
          Retries: 3,
          RetryDelay: 10,
        },
      },
      {
        PayloadType: 'com.apple.mdm',
        PayloadVersion: 1,
        PayloadIdentifier: `${identifier}.mdm`,
        PayloadUUID: stableUuid(token.id, 'mdm'),
        PayloadDisplayName: 'Device management',
        ServerURL: namingToken(settings.serverUrl, token),
        ...(checkInUrl ? { CheckInURL: namingToken(checkInUrl, token) } : {}),
        Topic: settings.topic,
        IdentityCertificateUUID: scepUuid,
        AccessRights: ALL_ACCESS_RIGHTS,
        SignMessage: settings.signMessage,
        CheckOutWhenRemoved: settings.checkOutWhenRemoved,
        ServerCapabilities: SERVER_CAPABILITIES,
      },
    ],
  };
  return buildPlist(profile);
}
