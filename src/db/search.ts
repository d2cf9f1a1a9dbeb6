/** Case-insensitive substring search that behaves the same on SQLite and PostgreSQL. */
import { type RawBuilder, sql } from 'kysely';

/**
 * `lower(column) LIKE '%term%'` with the term's wildcards escaped. The explicit ESCAPE clause
 * matters: SQLite has no default escape character, PostgreSQL's is the backslash.
 */
export function containsInsensitive(column: string, term: string): RawBuilder<boolean> {
  const pattern = `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}
