/** Apple's token option set (seed 001/000) and token response fields. */
import { Type } from '@sinclair/typebox';
import { BoundedString, EntityId, FreeFormObject, LenientBoolean, MAX_REFERENCES, StringEnum, Timestamp } from '../../http/schemas.ts';
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
      },
      { description: 'Enrollment profile facts' },
    ),
    type: Type.String({ description: 'Always "user"' }),
    subType: Type.String({ description: 'Always "standard"' }),
    admPolicy: Type.Union([Item('The Apple policy'), Type.Null()], { description: 'The main Apple policy, or null' }),
    admPolicyAssignments: assignmentsResponse('admPolicyId', 'admPolicy', 'Apple policy'),
    admVppLocation: Type.Union([Item('The VPP location'), Type.Null()], { description: 'The VPP location, or null' }),
    summary: Type.Object({ expirationTimestamp: Timestamp('Same as expireAt') }, { description: 'Summary' }),
    profiles: Type.Array(Item('A profile'), { description: 'The standalone profiles, as full objects' }),
    applications: Type.Array(Item('An application assignment'), { description: 'Application assignments' }),
    configuration: Item('Enrollment configuration'),
  },
  { description: 'An Apple enrollment token' },
);

export const appleEnterpriseInput = Type.Object(
  {
    serverUrl: Type.Optional(BoundedString(2048, { format: 'uri', description: 'MDM server URL (ServerURL)' })),
    checkInUrl: Type.Optional(BoundedString(2048, { format: 'uri', description: 'MDM check-in URL (CheckInURL)' })),
    apnsTopic: Type.Optional(BoundedString(255, { minLength: 1, description: 'APNs topic of the MDM push certificate' })),
    scepUrl: Type.Optional(BoundedString(2048, { format: 'uri', description: 'SCEP server URL' })),
  },
  { additionalProperties: false, description: 'Apple MDM settings' },
);

export const appleEnterpriseOutput = Type.Object(
  {
    serverUrl: Type.String({ description: 'MDM server URL' }),
    checkInUrl: Type.String({ description: 'MDM check-in URL' }),
    apnsTopic: Type.String({ description: 'APNs topic' }),
    scepUrl: Type.String({ description: 'SCEP server URL' }),
  },
  { description: 'Apple MDM settings' },
);
