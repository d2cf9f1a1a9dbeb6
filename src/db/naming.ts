/**
 * Column naming: camelCase in TypeScript, snake_case in SQL, mapped by Kysely's CamelCasePlugin.
 * Only column names are mapped: the keys inside JSON values are the user's data. By default the
 * plugin also renamed keys inside every object a row held — PostgreSQL's jsonb arrives parsed, so
 * `metadata: {first_name}` came back as `{firstName}` there (and not on SQLite, where JSON is
 * text), and a deeply nested value overflowed the plugin's recursion (a 500 on every list page).
 */
import { CamelCasePlugin } from 'kysely';

export const columnNaming = () => new CamelCasePlugin({ maintainNestedObjectKeys: true });

/**
 * A table or column name as the plugin writes it in SQL (`emailNormalized` → `email_normalized`),
 * for the few statements built as text rather than through Kysely's query builder.
 */
export function sqlName(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
