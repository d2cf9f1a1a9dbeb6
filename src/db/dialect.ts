/**
 * Everything that differs between SQLite and PostgreSQL lives here: column types in migrations,
 * JSON encoding, and how each driver reports a unique-constraint violation. The rest of the code
 * writes SQL both engines accept.
 */
import { type Kysely, PostgresAdapter } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export interface ColumnTypes {
  json: 'text' | 'jsonb';
  timestamp: 'text' | 'timestamptz';
  /** An integer primary key the database numbers itself. */
  serial: 'integer' | 'serial';
}

export function columnTypes(dialect: DialectName): ColumnTypes {
  return dialect === 'postgres'
    ? { json: 'jsonb', timestamp: 'timestamptz', serial: 'serial' }
    : { json: 'text', timestamp: 'text', serial: 'integer' };
}

/**
 * Always stringify before writing: node-postgres would turn a JS array into a PostgreSQL array
 * literal rather than JSON, and SQLite stores text anyway.
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function decodeJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** True when `error` is a unique-constraint violation from either driver. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Run a write, turning a unique-constraint violation into the domain error `onDuplicate` makes. */
export async function withUniqueCheck<T>(write: Promise<T>, onDuplicate: () => Error): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw onDuplicate();
    throw error;
  }
}
