/**
 * The import's per-row report, a CSV (csv-stringify writes it, csv-parse reads it back): one row
 * per row of the input, written as soon as the request that carried it was answered. `request`
 * is that request's Idempotency-Key: a resumed import skips the rows already reported, and sends
 * every other row in the very request (same key, same body) it was first sent in, so a request
 * whose answer was lost is answered from the server's record rather than done again.
 *
 * Written to a file, each request's rows go down in one write; a line cut short by a crash is
 * dropped when the report is resumed.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ImportFileError } from './import-rows.ts';

export const REPORT_COLUMNS = ['line', 'email', 'outcome', 'tokenId', 'code', 'error', 'request'] as const;

/** created: a token was made; failed: the server refused the row; invalid: refused before sending. */
export type Outcome = 'created' | 'failed' | 'invalid';

export interface ReportRow {
  line: number;
  email: string;
  outcome: Outcome;
  tokenId?: string;
  code?: number;
  error?: string;
  request?: string;
}

export interface ImportReport {
  /** Rows an earlier run already reported, by line. */
  readonly done: ReadonlyMap<number, ReportRow>;
  write(rows: ReportRow[]): void;
  close(): Promise<void>;
}

const toCsv = (rows: ReportRow[], header: boolean) =>
  stringify(
    rows.map((row) => ({ ...row, code: row.code ?? '', tokenId: row.tokenId ?? '', error: row.error ?? '', request: row.request ?? '' })),
    { header, columns: [...REPORT_COLUMNS] },
  );

/** The report on a stream (stdout): nothing to resume from. */
export function streamReport(out: Writable): ImportReport {
  let header = true;
  return {
    done: new Map(),
    write(rows) {
      out.write(toCsv(rows, header));
      header = false;
    },
    async close() {
      if (out.writableNeedDrain) await once(out, 'drain');
    },
  };
}

/** The report in a file: a new one, or (`resume`) the one an interrupted run left, continued. */
export function fileReport(path: string, options: { resume: boolean }): ImportReport {
  const done = new Map<number, ReportRow>();
  let header = true;
  if (options.resume) {
    if (!existsSync(path)) throw new ImportFileError(`cannot resume: ${path} does not exist`);
    const text = readFileSync(path, 'utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    const rows = parse(complete, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Array<Record<string, string>>;
    for (const row of rows) {
      const line = Number(row.line);
      if (!Number.isInteger(line) || !['created', 'failed', 'invalid'].includes(row.outcome ?? '')) continue;
      done.set(line, { line, email: row.email ?? '', outcome: row.outcome as Outcome, tokenId: row.tokenId || undefined, request: row.request || undefined });
    }
    header = complete.length === 0;
    const fd = openSync(path, 'r+');
    ftruncateSync(fd, Buffer.byteLength(complete));
    closeSync(fd);
  }
  const fd = openSync(path, options.resume ? 'a' : 'w');
  return {
    done,
    write(rows) {
      writeSync(fd, toCsv(rows, header));
      header = false;
    },
    async close() {
      closeSync(fd);
    },
  };
}
