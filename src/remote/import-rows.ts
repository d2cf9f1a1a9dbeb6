/**
 * The rows of an import CSV (csv-parse reads it): a header naming `email` (required) and any of
 * `name`, `language`, `tags` (separated by `;`, as the export writes them) and `displayName`. A
 * row that cannot be read (a stray quote, too many fields), lacks an address, names an unknown
 * language or repeats an earlier row's address is refused on its own and reported; the rest of
 * the file goes on. An unknown column stops the import before anything is sent: it is a typo
 * that would otherwise drop a whole column silently.
 */
import { parse } from 'csv-parse/sync';
import { LANGUAGES } from '../lib/languages.ts';

export const IMPORT_COLUMNS = ['email', 'name', 'language', 'tags', 'displayName'] as const;

/** A row to send. `line` is where it ends in the file (1 is the header): it names the row in the report. */
export interface ImportRow {
  line: number;
  email: string;
  name?: string;
  language?: string;
  tags: string[];
  displayName?: string;
}

/** A row refused before anything was sent, with why. */
export interface RefusedRow {
  line: number;
  email: string;
  error: string;
}

export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

type Entry = { row: ImportRow } | { refused: RefusedRow };

const optional = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

/** Every row of the file in order, each either to send or refused. */
export function readImportRows(text: string): Entry[] {
  const entries: Entry[] = [];
  let header: string[] | undefined;
  const records = parse(text, {
    bom: true,
    columns: (names: string[]) => {
      header = names.map((name) => name.trim());
      const unknown = header.filter((name) => !(IMPORT_COLUMNS as readonly string[]).includes(name));
      if (unknown.length > 0) throw new ImportFileError(`unknown column ${unknown.map((n) => `"${n}"`).join(', ')}: the columns are ${IMPORT_COLUMNS.join(', ')}`);
      if (!header.includes('email')) throw new ImportFileError(`the header has no "email" column: the columns are ${IMPORT_COLUMNS.join(', ')}`);
      return header;
    },
    info: true,
    skip_empty_lines: true,
    relax_column_count_less: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      entries.push({ refused: { line: Number(error?.lines ?? 0), email: '', error: `unreadable row: ${error?.message ?? 'malformed CSV'}` } });
    },
  }) as Array<{ record: Record<string, string | undefined>; info: { lines: number } }>;
  if (!header) throw new ImportFileError('the file is empty: its first line must be a header with an "email" column');

  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const email = optional(record.email) ?? '';
    const refuse = (error: string) => entries.push({ refused: { line, email, error } });
    const language = optional(record.language);
    if (email === '') {
      refuse('email is required');
    } else if (language !== undefined && !(LANGUAGES as readonly string[]).includes(language)) {
      refuse(`language must be one of ${LANGUAGES.join(', ')}`);
    } else if (seen.has(email.toLowerCase())) {
      refuse(`email repeats line ${seen.get(email.toLowerCase())}`);
    } else {
      seen.set(email.toLowerCase(), line);
      const tags = (record.tags ?? '').split(';').map((tag) => tag.trim()).filter((tag) => tag !== '');
      entries.push({ row: { line, email, name: optional(record.name), language, tags, displayName: optional(record.displayName) } });
    }
  }
  // Skipped records are told as they are met, before the records read so far are returned.
  return entries.sort((a, b) => lineOf(a) - lineOf(b));
}

const lineOf = (entry: Entry) => ('row' in entry ? entry.row.line : entry.refused.line);
