/** Timestamps travel and are stored as ISO-8601 UTC strings with milliseconds. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Drivers return timestamps as strings (SQLite) or Date objects (PostgreSQL); the API wants ISO. */
export function toIso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
