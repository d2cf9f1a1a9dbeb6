/** The catalog kinds (policies, Apple profiles, applications, VPP locations), each with its path, permission and fields. */
import { randomUUID } from 'node:crypto';
import { type TProperties, Type } from '@sinclair/typebox';
import { BoundedString, EntityId, FreeFormObject, StringEnum, Timestamp } from '../../http/schemas.ts';
import { PLATFORM_NAMING, PLATFORMS, type Platform, type PolicyKindName } from '../../platforms/platform-names.ts';
import type { CatalogItem, CatalogKind, CatalogKindName } from './catalog.types.ts';

const Name = BoundedString(128, { minLength: 1, description: 'Name (1–128 characters)' });
const Config = FreeFormObject('Free-form configuration object');

const commonResponse = {
  id: EntityId('Id'),
  organization: EntityId('The organization it belongs to'),
  name: Type.String({ description: 'Name' }),
  createdAt: Timestamp('When it was created'),
  updatedAt: Timestamp('When it was last changed'),
};

function bodies(fields: TProperties, required: string[]) {
  const create = Type.Object(
    Object.fromEntries(Object.entries({ name: Name, ...fields }).map(([k, v]) => [k, k === 'name' || required.includes(k) ? v : Type.Optional(v)])),
    { additionalProperties: false },
  );
  return { createBody: create, updateBody: Type.Partial(create, { additionalProperties: false }) };
}

function present(item: CatalogItem): Record<string, unknown> {
  const { kind: _kind, data, ...rest } = item;
  return { ...rest, ...data };
}

/** Merge a body over previous data: keys given replace, keys left out stay. */
function merge(body: Record<string, unknown>, previous: CatalogItem | undefined, defaults: Record<string, unknown>) {
  const { name, ...fields } = body;
  return {
    name: (name as string | undefined) ?? previous?.name ?? '',
    data: { ...defaults, ...previous?.data, ...fields },
  };
}

/**
 * What a platform's policies carry besides their configuration. Android: the policy's name in
 * Google's Android Management API, which tokens made through it name (policyName).
 */
const POLICY_FIELDS: Partial<Record<Platform, { fields: TProperties; defaults: Record<string, unknown> }>> = {
  android: {
    fields: {
      amapiPolicyName: Type.Union(
        [
          Type.String({
            pattern: '^(enterprises/[A-Za-z0-9_-]{1,100}/policies/)?[A-Za-z0-9_.-]{1,100}$',
            examples: ['enterprises/LC01abcdef/policies/fully-managed'],
            description: 'The policy in Google (enterprises/…/policies/… or its id)',
            errorMessage: 'must be an AMAPI policy name such as enterprises/LC0…/policies/default, or its id',
          }),
          Type.Null(),
        ],
        { description: "The policy's name in Google's Android Management API, given to the tokens enrolld makes there (null: the enterprise's default policy)" },
      ),
    },
    defaults: { amapiPolicyName: null },
  },
};

function policyKind(platform: Platform): CatalogKind {
  const { policyKind: kind, label: platformLabel } = PLATFORM_NAMING[platform];
  const extra = POLICY_FIELDS[platform] ?? { fields: {}, defaults: {} };
  return {
    kind,
    path: `mdm/${platform}/enterprise/policies`,
    permission: `mdm.${platform}.policy`,
    label: `${platformLabel} policies`,
    names: { one: `${platformLabel}Policy`, many: `${platformLabel}Policies` },
    ...bodies({ config: Config, ...extra.fields }, []),
    response: Type.Object({ ...commonResponse, config: Config, ...extra.fields }, { description: `A ${platformLabel} policy (${kind})` }),
    toData: (body, previous) => merge(body, previous, { config: {}, ...extra.defaults }),
    // Items stored before a field existed answer its default.
    present: (item) => present({ ...item, data: { ...extra.defaults, ...item.data } }),
  };
}

const PROFILE_TYPES = ['standalone', 'attached'] as const;
const TARGET_TYPES = ['device', 'user'] as const;

const admProfile: CatalogKind = {
  kind: 'admProfile',
  path: 'mdm/apple/enterprise/profiles',
  permission: 'mdm.apple.profile',
  label: 'Apple profiles',
  names: { one: 'AppleProfile', many: 'AppleProfiles' },
  ...bodies(
    {
      type: StringEnum(PROFILE_TYPES, { description: 'standalone (assignable to tokens) or attached (part of a policy); default standalone' }),
      targetType: StringEnum(TARGET_TYPES, { description: 'device or user channel; default device' }),
      config: Config,
    },
    [],
  ),
  response: Type.Object(
    {
      ...commonResponse,
      type: Type.String({ description: 'standalone or attached' }),
      targetType: Type.String({ description: 'device or user' }),
      config: Config,
      UUID: Type.String({ description: 'Payload UUID, generated' }),
      version: Type.Integer({ description: 'Increments on every change' }),
      certificates: Type.Array(FreeFormObject('A certificate reference'), {
        description: 'Certificates the profile carries',
      }),
    },
    { description: 'An Apple configuration profile' },
  ),
  toData(body, previous) {
    const merged = merge(body, previous, { type: 'standalone', targetType: 'device', config: {}, certificates: [] });
    const version = previous ? Number(previous.data.version ?? 0) + 1 : 1;
    return { name: merged.name, data: { ...merged.data, UUID: previous?.data.UUID ?? randomUUID().toUpperCase(), version } };
  },
  present,
};

const APPLE_APP_PLATFORMS = ['ios', 'macos', 'tvos', 'watchos', 'visionos'] as const;

const admApplication: CatalogKind = {
  kind: 'admApplication',
  path: 'mdm/apple/enterprise/applications',
  permission: 'mdm.apple.application',
  label: 'Apple applications',
  names: { one: 'AppleApplication', many: 'AppleApplications' },
  ...bodies(
    {
      bundleId: BoundedString(255, { minLength: 1, description: 'Bundle identifier, e.g. com.example.app' }),
      platform: StringEnum(APPLE_APP_PLATFORMS, { description: 'ios, macos, tvos, watchos or visionos' }),
    },
    ['bundleId', 'platform'],
  ),
  response: Type.Object(
    { ...commonResponse, bundleId: Type.String({ description: 'Bundle identifier' }), platform: StringEnum(APPLE_APP_PLATFORMS, { description: 'Apple platform' }) },
    { description: 'An Apple application' },
  ),
  toData: (body, previous) => merge(body, previous, {}),
  present,
};

const VppConfig = Type.Object(
  {
    countryISO2ACode: Type.String({ pattern: '^[A-Z]{2}$', examples: ['ES'], description: 'ISO 3166-1 alpha-2 country code', errorMessage: 'must be two upper-case letters' }),
    defaultPlatform: StringEnum(APPLE_APP_PLATFORMS, { description: 'Default platform for licences' }),
    locationName: BoundedString(128, { description: 'Location name in Apple Business Manager' }),
  },
  { additionalProperties: false, description: 'VPP location settings' },
);

const admVppLocation: CatalogKind = {
  kind: 'admVppLocation',
  path: 'mdm/apple/enterprise/vpp-locations',
  permission: 'mdm.apple.vppLocation',
  label: 'Apple VPP locations',
  names: { one: 'AppleVppLocation', many: 'AppleVppLocations' },
  ...bodies({ config: VppConfig }, ['config']),
  response: Type.Object(
    {
      ...commonResponse,
      config: Type.Record(Type.String(), Type.Unknown(), { description: 'countryISO2ACode, defaultPlatform, locationName' }),
    },
    { description: 'An Apple VPP location' },
  ),
  toData: (body, previous) => merge(body, previous, {}),
  present,
};

export const CATALOG: Record<CatalogKindName, CatalogKind> = {
  ...(Object.fromEntries(PLATFORMS.map((platform) => [PLATFORM_NAMING[platform].policyKind, policyKind(platform)])) as Record<PolicyKindName, CatalogKind>),
  admProfile,
  admApplication,
  admVppLocation,
};
