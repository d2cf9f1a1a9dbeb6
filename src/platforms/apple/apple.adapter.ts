/** Apple: admPolicy naming, profiles / applications / VPP references, seed 001's token shape. */
import { AppError, ErrorCode } from '../../errors.ts';
import { CATALOG } from '../../modules/catalog/catalog.kinds.ts';
import type { CatalogItem } from '../../modules/catalog/catalog.types.ts';
import { type Assignment, policyFieldsAsBody, presentAssignments, readPolicyFields, serializeCommon } from '../common-fields.ts';
import type { PlatformAdapter } from '../platform.ts';
import type { Static } from '@sinclair/typebox';
import {
  ApplicationAssignment,
  appleCreateFields,
  appleEnterpriseInput,
  appleEnterpriseOutput,
  appleTokenSchema,
  appleUpdateFields,
} from './apple.schemas.ts';
import { buildEnrollmentProfile } from './enrollment-profile.ts';
import { appleDefaults, appleSettingsOf, appleSettingsStatus, mergeAppleSettings } from './apple-settings.ts';
import { PLATFORM_NAMING } from '../platform-names.ts';
import { APPLE_TEXTS } from './apple.texts.ts';

const POLICY_NAMING = { kind: PLATFORM_NAMING.apple.policyKind, main: 'policyId', assignments: 'admPolicyAssignments', assignmentId: 'admPolicyId' } as const;

/** An application assignment as stored: actionStatus is derived when answering, never stored. */
type AppleApplication = Omit<Static<typeof ApplicationAssignment>, 'actionStatus'>;

// A type, not an interface: stored options are JSON objects (Record<string, unknown>).
type AppleOptions = {
  admPolicyAssignments: Assignment[];
  profiles: string[];
  applications: AppleApplication[];
  admVppLocationId: string | null;
};

const lower = (id: unknown) => (typeof id === 'string' ? id.toLowerCase() : null);

export const appleAdapter: PlatformAdapter<typeof appleCreateFields, typeof appleUpdateFields, AppleOptions> = {
  platform: 'apple',
  label: PLATFORM_NAMING.apple.label,
  texts: APPLE_TEXTS,
  policyKind: PLATFORM_NAMING.apple.policyKind,
  policyFilter: 'adm-policy',
  createFields: appleCreateFields,
  updateFields: appleUpdateFields,
  tokenSchema: appleTokenSchema,
  documentedErrors: [ErrorCode.AttachedProfileNotAllowed],

  enterprise: {
    input: appleEnterpriseInput,
    output: appleEnterpriseOutput,
    defaults: (publicUrl) => ({ ...appleDefaults(publicUrl) }),
    merge: (stored, input) => ({ ...mergeAppleSettings(stored, input) }),
    present: (stored) => {
      const settings = appleSettingsOf(stored);
      return { ...settings, ...appleSettingsStatus(settings) };
    },
    status: (stored) => appleSettingsStatus(appleSettingsOf(stored)),
    notReadyReason: () => null,
    notReadyCode: ErrorCode.FeatureNotAllowed,
  },

  readOptions(body) {
    const { policyId, assignments, references } = readPolicyFields(body, POLICY_NAMING);
    const profiles = (body.profiles ?? []).map((id) => id.toLowerCase());
    const applications = (body.applications ?? []).map(
      // actionStatus is read-only: what a client sends is dropped, the answer derives it from action.
      ({ actionStatus: _ignored, ...app }): AppleApplication => ({ ...app, admApplication: app.admApplication.toLowerCase() }),
    );
    const admVppLocationId = lower(body.admVppLocationId);
    profiles.forEach((id, i) => references.push({ id, kind: 'admProfile', path: `/body/profiles/${i}` }));
    applications.forEach((app, i) => references.push({ id: app.admApplication, kind: 'admApplication', path: `/body/applications/${i}/admApplication` }));
    if (admVppLocationId) references.push({ id: admVppLocationId, kind: 'admVppLocation', path: '/body/admVppLocationId' });
    return { policyId, segmentId: body.segmentId ?? null, options: { admPolicyAssignments: assignments, profiles, applications, admVppLocationId }, references };
  },

  optionsAsBody(token) {
    const options = token.options;
    return {
      ...policyFieldsAsBody(token.policyId, options.admPolicyAssignments, POLICY_NAMING),
      segmentId: token.segmentId,
      profiles: options.profiles,
      applications: options.applications,
      admVppLocationId: options.admVppLocationId,
    };
  },

  enrollmentActions: (_token, _enterprise, pageUrl) => ({ primaryHref: `${pageUrl}/profile` }),

  enrollmentFiles: [
    {
      name: 'profile',
      operationId: 'getAppleEnrollmentProfile',
      summary: 'The CMS-signed MDM enrollment profile (.mobileconfig) with a one-time SCEP challenge',
      description: 'A DER CMS SignedData .mobileconfig',
      contentType: 'application/x-apple-aspen-config',
      async make({ token, enterprise, organization }, tools) {
        const challenge = await tools.issueScepChallenge(token);
        const xml = await buildEnrollmentProfile({ token, enterprise, organizationName: organization.name, challenge });
        return { body: await tools.signForOrganization(organization.id, Buffer.from(xml, 'utf8')), filename: `${organization.slug}-enrollment.mobileconfig` };
      },
    },
  ],

  checkReferences(body, items) {
    for (const id of body.profiles ?? []) {
      if (items.get(id.toLowerCase())?.data.type === 'attached') throw new AppError(ErrorCode.AttachedProfileNotAllowed, undefined, { profile: id });
    }
  },

  serialize(token, { references, enterprise, enrollmentLink }) {
    const options = token.options;
    const policy = token.policyId ? references.get(token.policyId) : undefined;
    const vpp = options.admVppLocationId ? references.get(options.admVppLocationId) : undefined;
    const present = (item: CatalogItem | undefined) => (item ? CATALOG[item.kind].present(item) : null);
    return {
      ...serializeCommon(token, enrollmentLink),
      organization: token.organizationId,
      admEnterprise: enterprise.id,
      admDevice: token.deviceId,
      config: {},
      // Profiles are always served CMS-signed: with the organization's own certificate when one is
      // configured, otherwise with the self-signed one generated for it.
      enroll: { serverExpirationDate: token.expireAt, mobileConfigSigned: true, ...appleSettingsStatus(appleSettingsOf(enterprise.settings)) },
      type: 'user',
      subType: 'standard',
      admPolicy: present(policy),
      admPolicyAssignments: presentAssignments(options.admPolicyAssignments, references, 'admPolicyId', 'admPolicy'),
      admVppLocation: vpp ? { id: vpp.id, name: vpp.name, config: vpp.data.config ?? {} } : null,
      summary: { expirationTimestamp: token.expireAt },
      profiles: options.profiles.map((id) => present(references.get(id))).filter((p) => p !== null),
      applications: options.applications.map((app) => ({ ...app, ...(app.action ? { actionStatus: app.action } : {}) })),
      configuration: {},
    };
  },
};
