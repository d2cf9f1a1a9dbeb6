/** Windows: winPolicy naming, the discovery URL the enrollment deep link needs, seed 002's options. */
import { Type } from '@sinclair/typebox';
import { BoundedString, EntityId } from '../../http/schemas.ts';
import {
  type Assignment,
  assignmentsBody,
  assignmentsResponse,
  commonResponseFields,
  nullable,
  presentAssignments,
  policyFieldsAsBody,
  readPolicyFields,
  SegmentId,
  serializeCommon,
} from '../common-fields.ts';
import type { PlatformAdapter } from '../platform.ts';
import { ErrorCode } from '../../errors.ts';
import { PLATFORM_NAMING } from '../platform-names.ts';
import { WINDOWS_TEXTS } from './windows.texts.ts';

const POLICY_NAMING = { kind: PLATFORM_NAMING.windows.policyKind, main: 'winPolicyId', assignments: 'winPolicyAssignments', assignmentId: 'winPolicyId' } as const;

// A type, not an interface: stored options are JSON objects (Record<string, unknown>).
type WindowsOptions = {
  winPolicyAssignments: Assignment[];
};

/**
 * The deep link that opens Windows' "Access work or school" MDM enrollment with everything filled
 * in. Parameter names are lowercase, values URL-encoded.
 */
function windowsEnrollmentLink(email: string, discoveryUrl: string, code: string): string {
  const query = [
    ['mode', 'mdm'],
    ['username', email],
    ['servername', discoveryUrl],
    ['accesstoken', code],
  ]
    .map(([name, value]) => `${name}=${encodeURIComponent(value!)}`)
    .join('&');
  return `ms-device-enrollment:?${query}`;
}

const tokenSchema = Type.Object(
  {
    ...commonResponseFields,
    organizationId: Type.String({ description: 'Organization id' }),
    winEnterpriseId: Type.String({ description: 'Windows enterprise id' }),
    winDeviceId: Type.Union([Type.String(), Type.Null()], { description: 'The enrolled device, null until redeemed' }),
    config: Type.Record(Type.String(), Type.Unknown(), { description: 'Token configuration' }),
    type: Type.Literal('enrollment', { description: 'Always "enrollment"' }),
    subType: Type.Literal('standard', { description: 'Always "standard"' }),
    winPolicyId: Type.Union([Type.String(), Type.Null()], { description: 'The main Windows policy id, or null' }),
    winPolicyAssignments: assignmentsResponse('winPolicyId', 'winPolicy', 'Windows policy'),
    summary: Type.Object({ expirationTimestamp: Type.String({ description: 'Same as expireAt' }) }, { description: 'Summary' }),
  },
  { title: 'WindowsEnrollmentToken', description: 'A Windows enrollment token' },
);

const createFields = {
  winPolicyId: Type.Optional(EntityId('The Windows policy (winPolicy) the device gets')),
  winPolicyAssignments: Type.Optional(assignmentsBody('winPolicyId', 'Windows policy')),
  segmentId: Type.Optional(SegmentId),
  };

const updateFields = {
  winPolicyId: Type.Optional(nullable(EntityId('A Windows policy'), 'The Windows policy, or null to remove it')),
  winPolicyAssignments: Type.Optional(assignmentsBody('winPolicyId', 'Windows policy')),
  segmentId: Type.Optional(nullable(SegmentId, 'Segment id, or null to remove it')),
  };

export const windowsAdapter: PlatformAdapter<typeof createFields, typeof updateFields, WindowsOptions> = {
  platform: 'windows',
  label: PLATFORM_NAMING.windows.label,
  texts: WINDOWS_TEXTS,
  policyKind: PLATFORM_NAMING.windows.policyKind,
  policyFilter: 'win-policy',
  createFields,
  updateFields,
  tokenSchema,
  documentedErrors: [ErrorCode.WindowsEnterpriseNotConfigured],

  enterprise: {
    input: Type.Object(
      {
        discoveryUrl: Type.Optional(
          nullable(BoundedString(2048, { format: 'uri' }), 'MDM discovery URL devices enroll against; null disables enrollment'),
        ),
      },
      { additionalProperties: false, description: 'Windows MDM settings' },
    ),
    output: Type.Object(
      { discoveryUrl: Type.Union([Type.String(), Type.Null()], { description: 'MDM discovery URL, or null when not configured' }) },
      { description: 'Windows MDM settings' },
    ),
    defaults: (publicUrl) => ({ discoveryUrl: `${publicUrl}/EnrollmentServer/Discovery.svc` }),
    notReadyReason: (settings) => (settings.discoveryUrl ? null : 'the Windows enterprise has no discoveryUrl configured'),
    notReadyCode: ErrorCode.WindowsEnterpriseNotConfigured,
  },

  readOptions(body) {
    const { policyId, assignments, references } = readPolicyFields(body, POLICY_NAMING);
    return { policyId, segmentId: body.segmentId ?? null, options: { winPolicyAssignments: assignments }, references };
  },

  optionsAsBody(token) {
    return { ...policyFieldsAsBody(token.policyId, token.options.winPolicyAssignments, POLICY_NAMING), segmentId: token.segmentId };
  },

  enrollmentActions(token, enterprise) {
    const discoveryUrl = enterprise.settings.discoveryUrl as string | null;
    if (!discoveryUrl) return { primaryHref: null };
    return { primaryHref: windowsEnrollmentLink(token.mdmUser.email, discoveryUrl, token.enrollCode), manual: { server: discoveryUrl, account: token.mdmUser.email } };
  },

  serialize(token, { references, enterprise, enrollmentLink }) {
    const options = token.options;
    return {
      ...serializeCommon(token, enrollmentLink),
      organizationId: token.organizationId,
      winEnterpriseId: enterprise.id,
      winDeviceId: token.deviceId,
      config: {},
      type: 'enrollment',
      subType: 'standard',
      winPolicyId: token.policyId,
      winPolicyAssignments: presentAssignments(options.winPolicyAssignments, references, 'winPolicyId', 'winPolicy'),
      summary: { expirationTimestamp: token.expireAt },
    };
  },
};
