/**
 * The addresses of a new-tokens request, from what an admin pastes (lines, commas, spaces,
 * semicolons) or uploads (a CSV: the column named `email`, else the first). Nothing is judged
 * here: a malformed or repeated address goes to the server, which reports it as a failure with
 * its reason, beside the others.
 */
export function addressesFromText(text: string): string[] {
  return text.split(/[\s,;]+/).map((part) => part.trim()).filter(Boolean);
}

export async function addressesFromCsv(text: string): Promise<string[]> {
  // Loaded only when a file is chosen: the first screen stays within its budget.
  const { parse } = await import('csv-parse/browser/esm/sync');
  const rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  const header = rows[0]?.map((cell) => cell.toLowerCase()) ?? [];
  const emailColumn = header.indexOf('email');
  const body = emailColumn >= 0 ? rows.slice(1) : rows;
  const column = Math.max(emailColumn, 0);
  return body.map((row) => row[column] ?? '').filter((cell) => cell !== '');
}

/** Pieces of at most `size`, in order. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const pieces: T[][] = [];
  for (let start = 0; start < items.length; start += size) pieces.push(items.slice(start, start + size));
  return pieces;
}
