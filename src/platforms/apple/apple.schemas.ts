/** Apple's token option set (seed 001/000) and token response fields. */
import { Type } from '@sinclair/typebox';
import { BoundedString, EntityId, FreeFormObject, LenientBoolean, MAX_REFERENCES, StringEnum, Timestamp } from '../../http/schemas.ts';
import { SCEP_KEY_SIZES, SCEP_KEY_USAGES } from './apple-settings.ts';
import { assignmentsBody, assignmentsResponse, commonResponseFields, nullable, SegmentId } from '../common-fields.ts';

const APP_ACTIONS = ['forceInstall', 'available', 'required'] as const;

const ManagementFlags = Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(4), Type.Literal(5)], {
  'x-lenient': 'integer',
  description: 'InstallApplication ManagementFlags override: 0, 1 (remove with MDM profile), 4 (no backup) or 5 (both)',
  errorMessage: 'must be one of: 0, 1, 4, 5',
});

const ScriptText = (description: string) => Type.String({ description });

export const ApplicationAssignment = Type.Object(
  {
    admApplication: EntityId('The Apple application to install or offer (required)'),
    managed: Type.Optional(LenientBoolean({ description: 'Install as managed' })),
    managementFlags: Type.Optional(ManagementFlags),
    vpp: Type.Optional(LenientBoolean({ description: 'Use a VPP licence' })),
    iOSApp: Type.Optional(LenientBoolean({ description: 'Treat the target as an iOS app payload' })),
    configuration: Type.Optional(FreeFormObject('Managed app configuration')),
    action: Type.Optional(StringEnum(APP_ACTIONS, { description: 'forceInstall, available or required' })),
    actionStatus: Type.Optional(Type.String({ maxLength: 64, description: 'Read-only effective status: accepted and ignored' })),
    scripts: Type.Optional(
      Type.Object(
        {
          preInstall: Type.Optional(ScriptText('Script run before install')),
          postInstall: Type.Optional(ScriptText('Script run after install')),
          audit: Type.Optional(ScriptText('Audit script')),
          enforce: Type.Optional(ScriptText('Enforcement script')),
          runner: Type.Optional(ScriptText('Interpreter for the scripts')),
        },
        { additionalProperties: false, description: 'Agent-side lifecycle scripts' },
      ),
    ),
    updatePolicy: Type.Optional(FreeFormObject('Update policy of the assignment')),
  },
  { additionalProperties: false, description: 'An application assignment' },
);

export const appleCreateFields = {
  policyId: Type.Optional(EntityId('The Apple policy (admPolicy) the device gets')),
  admPolicyAssignments: Type.Optional(assignmentsBody('admPolicyId', 'Apple policy')),
  profiles: Type.Optional(
    Type.Array(EntityId('A standalone Apple profile'), { maxItems: MAX_REFERENCES, description: `Standalone Apple profiles to install (at most ${MAX_REFERENCES})` }),
  ),
  applications: Type.Optional(
    Type.Array(ApplicationAssignment, { maxItems: MAX_REFERENCES, description: `Applications to install or offer (at most ${MAX_REFERENCES})` }),
  ),
  admVppLocationId: Type.Optional(EntityId('The VPP location licences come from')),
  segmentId: Type.Optional(SegmentId),
};

export const appleUpdateFields = {
  policyId: Type.Optional(nullable(EntityId('An Apple policy'), 'The Apple policy, or null to remove it')),
  admPolicyAssignments: Type.Optional(assignmentsBody('admPolicyId', 'Apple policy')),
  segmentId: Type.Optional(nullable(SegmentId, 'Segment id, or null to remove it')),
};

const Item = (description: string) => FreeFormObject(description);

export const appleTokenSchema = Type.Object(
  {
    ...commonResponseFields,
    organization: Type.String({ description: 'Organization id' }),
    admEnterprise: Type.String({ description: 'Apple enterprise id' }),
    admDevice: Type.Union([Type.String(), Type.Null()], { description: 'The enrolled device, null until redeemed' }),
    config: Item('Token configuration'),
    enroll: Type.Object(
      {
        serverExpirationDate: Timestamp('When the enrollment server stops accepting this token'),
        mobileConfigSigned: Type.Boolean({ description: 'Whether the enrollment profile is CMS-signed' }),
        configured: Type.Boolean({ description: "False while the enterprise's MDM settings hold enrolld's placeholders: the profile cannot enroll a device" }),
        warning: Type.Union([Type.String(), Type.Null()], { description: 'What is missing, or null when configured' }),
      },
      { description: 'Enrollment profile facts' },
    ),
    type: Type.Literal('user', { description: 'Always "user"' }),
    subType: Type.Literal('standard', { description: 'Always "standard"' }),
    admPolicy: Type.Union([Item('The Apple policy'), Type.Null()], { description: 'The main Apple policy, or null' }),
    admPolicyAssignments: assignmentsResponse('admPolicyId', 'admPolicy', 'Apple policy'),
    admVppLocation: Type.Union([Item('The VPP location'), Type.Null()], { description: 'The VPP location, or null' }),
    summary: Type.Object({ expirationTimestamp: Timestamp('Same as expireAt') }, { description: 'Summary' }),
    profiles: Type.Array(Item('A profile'), { description: 'The standalone profiles, as full objects' }),
    applications: Type.Array(Item('An application assignment'), { description: 'Application assignments' }),
    configuration: Item('Enrollment configuration'),
  },
  { title: 'AppleEnrollmentToken', description: 'An Apple enrollment token' },
);

const Url = (description: string) => BoundedString(2048, { format: 'uri', description });
const KeySize = Type.Union(
  SCEP_KEY_SIZES.map((size) => Type.Literal(size)),
  { 'x-lenient': 'integer', description: 'SCEP Keysize: the RSA key the device makes (1024, 2048 or 4096)', errorMessage: `must be one of: ${SCEP_KEY_SIZES.join(', ')}` },
);
const KeyUsage = Type.Union(
  SCEP_KEY_USAGES.map((usage) => Type.Literal(usage)),
  { 'x-lenient': 'integer', description: 'SCEP Key Usage: 1 (signing), 4 (encryption) or 5 (both)', errorMessage: `must be one of: ${SCEP_KEY_USAGES.join(', ')}` },
);
const Topic = (description: string) => BoundedString(255, { minLength: 1, pattern: '^com\\.apple\\.mgmt\\.', examples: ['com.apple.mgmt.External.2f3c6a1e-8d4b-4a57-9c0e-5b1d7f3a9e21'], errorMessage: 'must be an MDM push topic (com.apple.mgmt.…) of at most 255 characters', description });

export const appleEnterpriseInput = Type.Object(
  {
    serverUrl: Type.Optional(Url("The MDM server's ServerURL (NanoMDM: https://<host>/mdm)")),
    checkInUrl: Type.Optional(
      nullable(Url("The MDM server's CheckInURL (NanoMDM run with -checkin: https://<host>/checkin)"), 'Null: the device checks in at serverUrl'),
    ),
    topic: Type.Optional(Topic('The APNs topic of the MDM push certificate (its UID, com.apple.mgmt.External.…)')),
    apnsTopic: Type.Optional(Topic('Earlier name of topic, still accepted')),
    scepUrl: Type.Optional(Url("The SCEP CA's URL (step-ca: https://<ca>/scep/<provisioner>)")),
    scepKeySize: Type.Optional(KeySize),
    scepKeyUsage: Type.Optional(KeyUsage),
    signMessage: Type.Optional(LenientBoolean({ description: 'SignMessage: the device signs each check-in with its identity (NanoMDM needs it; default true)' })),
    checkOutWhenRemoved: Type.Optional(LenientBoolean({ description: 'CheckOutWhenRemoved: the device tells the MDM server when its profile is removed (default true)' })),
  },
  { additionalProperties: false, description: 'Apple MDM settings' },
);

export const appleEnterpriseOutput = Type.Object(
  {
    serverUrl: Type.String({ description: 'ServerURL' }),
    checkInUrl: Type.Union([Type.String(), Type.Null()], { description: 'CheckInURL, or null (check-ins go to serverUrl)' }),
    topic: Type.String({ description: 'APNs topic' }),
    scepUrl: Type.String({ description: 'SCEP CA URL' }),
    scepKeySize: Type.Integer({ description: 'SCEP Keysize' }),
    scepKeyUsage: Type.Integer({ description: 'SCEP Key Usage' }),
    signMessage: Type.Boolean({ description: 'SignMessage' }),
    checkOutWhenRemoved: Type.Boolean({ description: 'CheckOutWhenRemoved' }),
    placeholders: Type.Array(StringEnum(['serverUrl', 'checkInUrl', 'topic', 'scepUrl'] as const, { description: 'A field name' }), {
      description: 'Fields still holding the placeholders enrolld made up (they point at addresses nobody serves)',
    }),
    configured: Type.Boolean({ description: 'False while serverUrl, topic or scepUrl is a placeholder: no device can enroll' }),
    warning: Type.Union([Type.String(), Type.Null()], { description: 'What is missing, or null when configured' }),
  },
  { description: 'Apple MDM settings' },
);
