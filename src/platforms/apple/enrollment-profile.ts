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

let plist: Promise<typeof import('plist')> | undefined;
/**
 * plist (and the XML libraries it brings: 45 modules, about 25 ms to load), loaded by the first
 * profile a process builds rather than at every start.
 */
const loadPlist = () => (plist ??= import('plist'));

/** The check-in URL with the token's reference, so the MDM server knows which code to redeem. */
function checkInUrlFor(checkInUrl: string, token: StoredToken): string {
  const url = new URL(checkInUrl);
  url.searchParams.set('enrollment', token.id);
  url.searchParams.set('code', token.enrollCode);
  return url.toString();
}

export async function buildEnrollmentProfile({ token, enterprise, organizationName, challenge }: EnrollmentProfileInput): Promise<string> {
  const { build: buildPlist } = await loadPlist();
  const settings = enterprise.settings as { serverUrl: string; checkInUrl: string; apnsTopic: string; scepUrl: string };
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
          Subject: [[['O', organizationName]], [['CN', `enrolld device ${token.id}`]]],
          Challenge: challenge,
          Keysize: 2048,
          KeyType: 'RSA',
          // 1 (signing) + 4 (encryption): what an MDM identity is used for.
          'Key Usage': 5,
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
        ServerURL: settings.serverUrl,
        CheckInURL: checkInUrlFor(settings.checkInUrl, token),
        Topic: settings.apnsTopic,
        IdentityCertificateUUID: scepUuid,
        AccessRights: ALL_ACCESS_RIGHTS,
        SignMessage: true,
        CheckOutWhenRemoved: true,
        ServerCapabilities: SERVER_CAPABILITIES,
      },
    ],
  };
  return buildPlist(profile);
}
