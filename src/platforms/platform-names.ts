/** The platforms enrolld enrolls, by name: the one list plans, permissions and routes use. */
export const PLATFORMS = ['apple', 'windows', 'android'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * Each platform's human name and the catalog kind its policies are stored as (the names of
 * Applivery's API). Kept apart from the adapters so the catalog and permissions can name a
 * platform's policies without loading its adapter (the Apple adapter itself reads the catalog).
 */
export const PLATFORM_NAMING = {
  apple: { label: 'Apple', policyKind: 'admPolicy' },
  windows: { label: 'Windows', policyKind: 'winPolicy' },
  android: { label: 'Android', policyKind: 'emmPolicy' },
} as const satisfies Record<Platform, { label: string; policyKind: string }>;

export type PolicyKindName = (typeof PLATFORM_NAMING)[Platform]['policyKind'];
export const POLICY_KINDS: readonly PolicyKindName[] = PLATFORMS.map((platform) => PLATFORM_NAMING[platform].policyKind);
