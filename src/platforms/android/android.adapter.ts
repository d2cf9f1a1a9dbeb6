/** Android: emmPolicy naming, management modes, the provisioning QR payload, seed 004's options. */
import { Type } from '@sinclair/typebox';
import { BoundedString, EntityId, StringEnum } from '../../http/schemas.ts';
import type { Enterprise } from '../../modules/enterprises/enterprises.types.ts';
import {
  type Assignment,
  assignmentsBody,
  assignmentsResponse,
  commonResponseFields,
  nullable,
  presentAssignments,
  policyFieldsAsBody,
  readPolicyFields,
  SECRET_NOTE,
  serializeCommon,
} from '../common-fields.ts';
import type { PlatformAdapter } from '../platform.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { loadQrCode, type QrPayload, qrText } from '../../lib/qrcode.ts';
import type { StoredToken } from '../../modules/enrollment-tokens/enrollment-tokens.types.ts';
import { providerStateOf } from '../../modules/enrollment-tokens/token-provisioning.ts';
import { PLATFORM_NAMING } from '../platform-names.ts';
import { ANDROID_TEXTS } from './android.texts.ts';

export const MANAGEMENT_MODES = ['DEVICE_OWNER', 'PROFILE_OWNER', 'COPE', 'USERLESS'] as const;

const POLICY_NAMING = { kind: PLATFORM_NAMING.android.policyKind, main: 'policyId', assignments: 'emmPolicyAssignments', assignmentId: 'emmPolicyId' } as const;

// A type, not an interface: stored options are JSON objects (Record<string, unknown>).
type AndroidOptions = {
  emmPolicyAssignments: Assignment[];
  managementMode: (typeof MANAGEMENT_MODES)[number];
};

/** Google's Android Device Policy (CloudDPC): the documented QR-provisioning values. */
export const CLOUD_DPC = {
  componentName: 'com.google.android.apps.work.clouddpc/.receivers.CloudDeviceAdminReceiver',
  downloadUrl: 'https://play.google.com/managed/downloadManagingApp?identifier=setup',
  signatureChecksum: 'I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg',
};

/** The JSON a provisioning QR code encodes: the DPC to install and the token it enrolls with. */
export function provisioningPayload(enterprise: Enterprise, enrollmentToken: string): Record<string, unknown> {
  const settings = enterprise.settings;
  return {
    'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME': settings.dpcComponentName,
    'android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM': settings.dpcSignatureChecksum,
    'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION': settings.dpcDownloadUrl,
    'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': {
      'com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN': enrollmentToken,
    },
  };
}

/** Android Enterprise's work-profile enrollment link for personal devices. */
function workProfileLink(enrollmentToken: string): string {
  return `https://enterprise.google.com/android/enroll?et=${encodeURIComponent(enrollmentToken)}`;
}

/**
 * What the device enrolls with. In local mode enrolld's own code, in the provisioning JSON enrolld
 * writes. In AMAPI mode Google's token (`value`) and Google's `qrCode`, encoded exactly as Google
 * made it; null until Google made them (see modules/android-management).
 */
function enrollmentOf(token: StoredToken, enterprise: Enterprise): { value: string; qr: QrPayload } | null {
  const provider = providerStateOf(token);
  if (!provider) return { value: token.enrollCode, qr: provisioningPayload(enterprise, token.enrollCode) };
  if (provider.provisioning !== 'READY' || typeof provider.value !== 'string' || typeof provider.qrCode !== 'string') return null;
  return { value: provider.value, qr: provider.qrCode };
}

function parsedQr(qr: QrPayload): Record<string, unknown> {
  if (typeof qr !== 'string') return qr;
  try {
    return JSON.parse(qr) as Record<string, unknown>;
  } catch {
    return { qrCode: qr };
  }
}

const tokenSchema = Type.Object(
  {
    ...commonResponseFields,
    organizationId: Type.String({ description: 'Organization id' }),
    emmEnterpriseId: Type.String({ description: 'Android enterprise id' }),
    emmDeviceId: Type.Union([Type.String(), Type.Null()], { description: 'The enrolled device, null until redeemed' }),
    managementMode: StringEnum(MANAGEMENT_MODES, { description: 'DEVICE_OWNER, PROFILE_OWNER, COPE or USERLESS' }),
    config: Type.Object(
      {
        qrCode: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: `The provisioning JSON the QR code encodes (it carries the code). ${SECRET_NOTE}` }),
        enrollmentToken: Type.Union([Type.String(), Type.Null()], { description: `The token the DPC enrolls with (Google's token in amapi mode, null until Google made it). ${SECRET_NOTE}` }),
        mode: Type.Union([Type.Literal('local'), Type.Literal('amapi')], { description: "amapi: made through Google's Android Management API; local: by enrolld alone" }),
        provisioning: Type.Union([Type.Literal('PENDING'), Type.Literal('READY'), Type.Literal('FAILED'), Type.Null()], {
          description: 'amapi mode: where Google\'s token stands (PENDING until made; the invitation goes once READY); null in local mode',
        }),
        provisioningError: Type.Union([Type.String(), Type.Null()], { description: 'Why Google did not make the token (FAILED), or null' }),
        googleTokenName: Type.Union([Type.String(), Type.Null()], { description: "Google's EnrollmentToken name (amapi mode, once READY)" }),
      },
      { description: 'Provisioning data' },
    ),
    type: Type.Literal('emm', { description: 'Always "emm"' }),
    subType: Type.Literal('enrollment', { description: 'Always "enrollment"' }),
    policyId: Type.Union([Type.String(), Type.Null()], { description: 'The main Android policy id, or null' }),
    emmPolicyAssignments: assignmentsResponse('emmPolicyId', 'emmPolicy', 'Android policy'),
    summary: Type.Object(
      {
        managementMode: StringEnum(MANAGEMENT_MODES, { description: 'Management mode' }),
        expirationTimestamp: Type.String({ description: 'Same as expireAt' }),
      },
      { description: 'Summary' },
    ),
  },
  { title: 'AndroidEnrollmentToken', description: 'An Android enrollment token' },
);

// Seed 004's option set has no segmentId (the other platforms' pages do).
const createFields = {
  policyId: Type.Optional(EntityId('The Android policy (emmPolicy) the device gets')),
  emmPolicyAssignments: Type.Optional(assignmentsBody('emmPolicyId', 'Android policy')),
  managementMode: StringEnum(MANAGEMENT_MODES, { description: 'How the device is managed (required)' }),
};

const updateFields = {
  policyId: Type.Optional(nullable(EntityId('An Android policy'), 'The Android policy, or null to remove it')),
  emmPolicyAssignments: Type.Optional(assignmentsBody('emmPolicyId', 'Android policy')),
};

export const androidAdapter: PlatformAdapter<typeof createFields, typeof updateFields, AndroidOptions> = {
  platform: 'android',
  label: PLATFORM_NAMING.android.label,
  texts: ANDROID_TEXTS,
  policyKind: PLATFORM_NAMING.android.policyKind,
  policyFilter: 'emm-policy',
  createFields,
  updateFields,
  tokenSchema,

  enterprise: {
    input: Type.Object(
      {
        dpcComponentName: Type.Optional(BoundedString(255, { minLength: 1, description: 'Device admin component of the DPC' })),
        dpcDownloadUrl: Type.Optional(BoundedString(2048, { format: 'uri', description: 'Where the device downloads the DPC' })),
        dpcSignatureChecksum: Type.Optional(
          Type.String({ pattern: '^[A-Za-z0-9_-]{43}=?$', examples: ['I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg'], description: 'URL-safe base64 SHA-256 of the DPC signing certificate', errorMessage: 'must be a URL-safe base64 SHA-256 digest' }),
        ),
      },
      { additionalProperties: false, description: 'Android provisioning settings' },
    ),
    output: Type.Object(
      {
        dpcComponentName: Type.String({ description: 'Device admin component of the DPC' }),
        dpcDownloadUrl: Type.String({ description: 'DPC download URL' }),
        dpcSignatureChecksum: Type.String({ description: 'SHA-256 checksum of the DPC signature' }),
      },
      { description: 'Android provisioning settings' },
    ),
    defaults: () => ({
      dpcComponentName: CLOUD_DPC.componentName,
      dpcDownloadUrl: CLOUD_DPC.downloadUrl,
      dpcSignatureChecksum: CLOUD_DPC.signatureChecksum,
    }),
    notReadyReason: () => null,
    notReadyCode: ErrorCode.FeatureNotAllowed,
  },

  readOptions(body) {
    const { policyId, assignments, references } = readPolicyFields(body, POLICY_NAMING);
    // Required on create, and kept by an update (which cannot change it): always present here.
    return { policyId, segmentId: null, options: { emmPolicyAssignments: assignments, managementMode: body.managementMode! }, references };
  },

  optionsAsBody(token) {
    return { ...policyFieldsAsBody(token.policyId, token.options.emmPolicyAssignments, POLICY_NAMING), managementMode: token.options.managementMode };
  },

  invitationQrPayload: (token, enterprise) => enrollmentOf(token, enterprise)?.qr ?? null,

  enrollmentActions: (token, enterprise) => {
    const enrollment = enrollmentOf(token, enterprise);
    if (enrollment) return { primaryHref: null, qrPayload: enrollment.qr, workProfileHref: workProfileLink(enrollment.value) };
    return { primaryHref: null, notice: providerStateOf(token)?.provisioning === 'FAILED' ? 'failed' : 'preparing' };
  },

  enrollmentFiles: (['png', 'svg'] as const).map((format) => ({
    name: `qr.${format}`,
    operationId: `getAndroidEnrollmentQrCode${format === 'png' ? 'Png' : 'Svg'}`,
    summary: `The Android provisioning QR code (${format.toUpperCase()}); it encodes the token's config.qrCode`,
    description: `The QR code as ${format.toUpperCase()}`,
    contentType: format === 'png' ? 'image/png' : 'image/svg+xml',
    async make({ token, enterprise }) {
      const enrollment = enrollmentOf(token, enterprise);
      if (!enrollment) throw new AppError(ErrorCode.EntityNotFound, 'Entity not found: Google has not made this enrollment token yet', { entity: 'enrollmentToken' });
      const payload = qrText(enrollment.qr);
      const QRCode = await loadQrCode();
      return {
        body:
          format === 'png'
            ? await QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 480 })
            : await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
      };
    },
  })),

  concealSecrets: (token) => ({ ...token, config: { ...(token.config as Record<string, unknown>), qrCode: null, enrollmentToken: null } }),

  serialize(token, { references, enterprise, enrollmentLink }) {
    const options = token.options;
    return {
      ...serializeCommon(token, enrollmentLink),
      organizationId: token.organizationId,
      emmEnterpriseId: enterprise.id,
      emmDeviceId: token.deviceId,
      managementMode: options.managementMode,
      config: configOf(token, enterprise),
      type: 'emm',
      subType: 'enrollment',
      policyId: token.policyId,
      emmPolicyAssignments: presentAssignments(options.emmPolicyAssignments, references, 'emmPolicyId', 'emmPolicy'),
      summary: { managementMode: options.managementMode, expirationTimestamp: token.expireAt },
    };
  },
};

/** The token's provisioning data, as answered: what enrolld or Google made for the device. */
function configOf(token: StoredToken, enterprise: Enterprise) {
  const provider = providerStateOf(token);
  const enrollment = enrollmentOf(token, enterprise);
  return {
    qrCode: enrollment ? parsedQr(enrollment.qr) : null,
    enrollmentToken: enrollment?.value ?? null,
    mode: provider ? 'amapi' : 'local',
    provisioning: provider?.provisioning ?? null,
    provisioningError: provider?.error ?? null,
    googleTokenName: typeof provider?.name === 'string' ? provider.name : null,
  };
}
