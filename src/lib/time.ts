/** Timestamps travel and are stored as ISO-8601 UTC strings with milliseconds. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** `toISOString()`'s own shape (four-digit years): such a string is already the API's form. */
const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Drivers return timestamps as strings (SQLite) or Date objects (PostgreSQL); the API wants ISO.
 * SQLite hands back the strings enrolld stored, already canonical: those pass through untouched
 * (parsing and re-formatting every timestamp column cost ~3 % of an enrollment page's CPU).
 */
export function toIso(value: string | Date): string {
  if (value instanceof Date) return value.toISOString();
  return CANONICAL_ISO.test(value) ? value : new Date(value).toISOString();
}

/** toIso for a nullable column. */
export function toIsoOrNull(value: string | Date | null): string | null {
  return value === null ? null : toIso(value);
}
