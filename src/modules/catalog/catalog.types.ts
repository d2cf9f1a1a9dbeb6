/**
 * The catalog: the policies, Apple profiles, applications and VPP locations that enrollment
 * tokens reference. They share storage and CRUD; each kind describes its own fields.
 */
import type { TObject } from '@sinclair/typebox';
import { POLICY_KINDS, type PolicyKindName } from '../../platforms/platform-names.ts';

/** Apple's catalog kinds besides its policies. */
const APPLE_KINDS = ['admProfile', 'admApplication', 'admVppLocation'] as const;
export type CatalogKindName = PolicyKindName | (typeof APPLE_KINDS)[number];
/** Every platform's policies, then Apple's profiles, applications and VPP locations. */
export const CATALOG_KINDS: readonly CatalogKindName[] = [...POLICY_KINDS, ...APPLE_KINDS];

export interface CatalogItem<Data = Record<string, unknown>> {
  id: string;
  organization: string;
  kind: CatalogKindName;
  name: string;
  data: Data;
  createdAt: string;
  updatedAt: string;
}

/** What a catalog kind declares: where it lives, who may touch it, and its fields. */
export interface CatalogKind {
  kind: CatalogKindName;
  /** Path under /v1/organizations/:organizationId/. */
  path: string;
  /** Permission prefix: `<prefix>.list|get|create|update|remove`. */
  permission: string;
  /** OpenAPI tag and human label. */
  label: string;
  /** The item's name in operation ids and schema names: `ApplePolicy`, `ApplePolicies`. */
  names: { one: string; many: string };
  createBody: TObject;
  updateBody: TObject;
  /** The item as answered (organization, timestamps and the kind's fields). */
  response: TObject;
  /** Stored data for a create body, or for an update body merged over `previous`. */
  toData(body: Record<string, unknown>, previous?: CatalogItem): { name: string; data: Record<string, unknown> };
  present(item: CatalogItem): Record<string, unknown>;
}
