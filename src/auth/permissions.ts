/**
 * Permissions in Applivery's style, `<scope>.<platform>.<entity>.<action>`, and the three roles.
 * The catalog below is the closed set of permissions that exist; a grant is an exact permission
 * or a prefix ending in `*` (`mdm.apple.*`, `*`). Pure functions: no HTTP, no database.
 */
import { PLATFORMS } from '../platforms/platform-names.ts';

const CRUD = ['list', 'get', 'create', 'update', 'remove'] as const;

function build(): string[] {
  const all: string[] = [];
  for (const platform of PLATFORMS) {
    for (const action of [...CRUD, 'redeem', 'readSecret']) all.push(`mdm.${platform}.enrollmentToken.${action}`);
    for (const action of CRUD) all.push(`mdm.${platform}.policy.${action}`);
    all.push(`mdm.${platform}.enterprise.get`, `mdm.${platform}.enterprise.update`);
    all.push(`mdm.${platform}.device.list`, `mdm.${platform}.device.get`);
  }
  for (const entity of ['profile', 'application', 'vppLocation']) {
    for (const action of CRUD) all.push(`mdm.apple.${entity}.${action}`);
  }
  for (const action of CRUD) all.push(`mdm.global.mdmUser.${action}`, `mdm.global.segment.${action}`);
  for (const action of ['list', 'create', 'remove']) all.push(`base.organization.serviceAccount.${action}`);
  for (const action of CRUD) all.push(`base.organization.webhook.${action}`);
  return all;
}

/** Every permission enrolld knows, in a stable order. */
export const PERMISSIONS: readonly string[] = Object.freeze(build());
const KNOWN = new Set(PERMISSIONS);

export const ROLES = ['admin', 'developer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const SERVICE_ACCOUNT_PREFIX = 'base.organization.serviceAccount.';

/**
 * The permissions each role holds. Viewers may list and get everything except the key listing,
 * and never hold `…enrollmentToken.readSecret`: a live code is enough to enroll a device, so a
 * read-only key sees tokens with their codes and links as null.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly string[]>> = Object.freeze({
  admin: PERMISSIONS,
  developer: PERMISSIONS.filter((p) => !p.startsWith(SERVICE_ACCOUNT_PREFIX)),
  viewer: PERMISSIONS.filter((p) => !p.startsWith(SERVICE_ACCOUNT_PREFIX) && /\.(list|get)$/.test(p)),
});

function grantMatches(grant: string, permission: string): boolean {
  return grant.endsWith('*') ? permission.startsWith(grant.slice(0, -1)) : grant === permission;
}

/** A grant is valid when it names a known permission, or is a wildcard that covers at least one. */
export function isValidGrant(grant: string): boolean {
  if (grant.endsWith('*')) return PERMISSIONS.some((p) => grantMatches(grant, p));
  return KNOWN.has(grant);
}

/**
 * The effective permission set of a list of grants, expanded against the catalog so that checks
 * are a set lookup and wildcard grants cannot reach permissions that do not exist.
 */
export function expandGrants(grants: readonly string[]): ReadonlySet<string> {
  // Every authenticated request expands its key's grants; keys share a handful of grant lists.
  const cacheKey = grants.join('\n');
  let expanded = expansions.get(cacheKey);
  if (!expanded) {
    expanded = new Set(PERMISSIONS.filter((permission) => grants.some((grant) => grantMatches(grant, permission))));
    if (expansions.size >= MAX_CACHED_EXPANSIONS) expansions.clear();
    expansions.set(cacheKey, expanded);
  }
  return expanded;
}

const MAX_CACHED_EXPANSIONS = 1000;
const expansions = new Map<string, ReadonlySet<string>>();

export function isSubset(wanted: ReadonlySet<string>, held: ReadonlySet<string>): boolean {
  for (const permission of wanted) if (!held.has(permission)) return false;
  return true;
}
