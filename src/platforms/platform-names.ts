/** The platforms enrolld enrolls, by name: the one list plans, permissions and routes use. */
export const PLATFORMS = ['apple', 'windows', 'android'] as const;
export type Platform = (typeof PLATFORMS)[number];
