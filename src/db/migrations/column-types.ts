/**
 * The column types the migrations create, per database. Part of the migrations' history, like
 * the migrations themselves: a value here must never change (every database already migrated
 * holds these types); a new type for a column is a new migration that alters it.
 */
import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';

export interface ColumnTypes {
  json: 'text' | 'jsonb';
  timestamp: 'text' | 'timestamptz';
  /** An integer primary key the database numbers itself. */
  serial: 'integer' | 'serial';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function columnTypesOf(db: Kysely<any>): ColumnTypes {
  return dialectOf(db) === 'postgres'
    ? { json: 'jsonb', timestamp: 'timestamptz', serial: 'serial' }
    : { json: 'text', timestamp: 'text', serial: 'integer' };
}
