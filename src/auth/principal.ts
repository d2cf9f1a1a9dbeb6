/** Who is calling: the root key, or a service account bound to one organization. */
export type Principal =
  | { kind: 'root' }
  | {
      kind: 'serviceAccount';
      serviceAccountId: string;
      organizationId: string;
      organizationSlug: string;
      permissions: ReadonlySet<string>;
    };

export function hasPermission(principal: Principal, permission: string): boolean {
  return principal.kind === 'root' || principal.permissions.has(permission);
}

/**
 * A service account may only address its own organization, by id or by slug. Ids are hex and
 * slugs lowercase, so the comparison ignores case (as the lookup by id or slug does).
 */
export function canAddressOrganization(principal: Principal, idOrSlug: string): boolean {
  if (principal.kind === 'root') return true;
  const wanted = idOrSlug.toLowerCase();
  return wanted === principal.organizationId || wanted === principal.organizationSlug;
}
