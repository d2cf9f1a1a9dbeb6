/**
 * Nesting-depth bounds for JSON values. Requests deeper than the API's limit are refused
 * (http/validation.ts); these keep a value stored before that limit existed from breaking the
 * answers that contain it (a 4,110-level object overflowed the serializer's stack: a 500 on every
 * list page that held it, so the record could not even be found to delete).
 */

/** The deepest nesting a stored free-form value is served with; the API refuses deeper input. */
export const MAX_STORED_JSON_DEPTH = 32;

/** True when `value` holds an object or array more than `maxDepth` levels down (itself is 1). */
export function exceedsDepth(value: unknown, maxDepth: number, depth = 1): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > maxDepth) return true;
  for (const child of Object.values(value)) {
    if (exceedsDepth(child, maxDepth, depth + 1)) return true;
  }
  return false;
}

/** `value` with every object or array below `maxDepth` levels replaced by null. */
export function truncateDepth(value: unknown, maxDepth: number, depth = 1): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > maxDepth) return null;
  if (Array.isArray(value)) return value.map((child) => truncateDepth(child, maxDepth, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, truncateDepth(child, maxDepth, depth + 1)]));
}

/** `value` as it may be served: unchanged (the same object) unless it is too deep. */
export function withinDepth<T>(value: T, maxDepth = MAX_STORED_JSON_DEPTH): T {
  return exceedsDepth(value, maxDepth) ? (truncateDepth(value, maxDepth) as T) : value;
}
