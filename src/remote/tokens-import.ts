/**
 * `enrolld tokens import`: a CSV of users becomes enrollment tokens through the API's bulk
 * requests, with a per-row report, and survives interruptions without making a token twice.
 *
 * - The file's rows are cut into chunks of `chunkSize` (within the organization's bulkMaxEmails);
 *   the rows of a chunk that share language, tags and displayName go in one bulk request.
 * - Every request carries an Idempotency-Key made from the file, the options and the rows it
 *   carries. A request that failed on the way (server down, restarting, overloaded) is sent again
 *   as it was until it is answered or `giveUpAfterMs` passes; the server answers a repeat of a
 *   request it already did with its first answer, so nothing is made twice.
 * - A run stopped for good (the CLI killed, the server down too long) is resumed from its report
 *   (`--resume`): reported rows are skipped, and the rest go in the same requests with the same
 *   keys as before.
 * - A row with a `name` has its user created first (with that name and language); a user who
 *   already exists keeps theirs.
 */
import { createHash } from 'node:crypto';
import { ErrorCode } from '../errors.ts';
import { isTransient, postData, RemoteError, type RemoteOptions, withRetries } from './api-client.ts';
import type { ImportProgress, Tally } from './import-progress.ts';
import type { ImportReport, ReportRow } from './import-report.ts';
import { ImportFileError, type ImportRow, readImportRows } from './import-rows.ts';

export interface ImportOptions {
  platform: string;
  sendEmail: boolean;
  /** Added to every row's own tags. */
  tags: string[];
  /** For rows without a language; without either, the API's default (the user's language). */
  language?: string;
  /** Seconds each token is valid. */
  duration?: number;
  /** The platform's own body fields (policies, managementMode, segmentId…), as JSON. */
  platformOptions: Record<string, unknown>;
  chunkSize: number;
  giveUpAfterMs: number;
}

/** User creations in flight at once (the bulk requests go one at a time: each is already large). */
const USER_CONCURRENCY = 8;
/** Bulk fields a group's rows decide; a refusal naming only these fails the group, not the import. */
const ROW_FIELDS = ['/body/tags', '/body/displayName'];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface BulkAnswer {
  failures: Array<{ email: string; code: number; message: string }>;
  tokens: Array<{ email: string; id: string }>;
}

export async function importTokens(
  remote: RemoteOptions,
  csv: string,
  options: ImportOptions,
  report: ImportReport,
  startProgress: (totalRows: number) => ImportProgress,
): Promise<Tally> {
  const { chunkSize, giveUpAfterMs, ...request } = options;
  const importId = sha256(`${JSON.stringify({ organization: remote.organization, ...request })}\n${csv}`).slice(0, 16);
  const keyOf = (what: string) => `import-${importId}-${what}`;
  const entries = readImportRows(csv);
  checkResumable(report, entries, keyOf(''));

  const tally: Tally = { created: 0, failed: 0, invalid: 0 };
  let rowsDone = 0;
  const progress = startProgress(entries.length);
  const record = (rows: ReportRow[]) => {
    report.write(rows);
    for (const row of rows) tally[row.outcome]++;
    rowsDone += rows.length;
    progress.update(rowsDone, tally);
  };
  for (const row of report.done.values()) tally[row.outcome]++;
  rowsDone = report.done.size;

  const retry = {
    giveUpAfterMs,
    onRetry: (error: RemoteError, waitMs: number) => progress.note(`${error.message}; trying again in ${(waitMs / 1000).toFixed(1)} s`),
  };
  try {
    const refused = entries.flatMap((entry) => ('refused' in entry && !report.done.has(entry.refused.line) ? [entry.refused] : []));
    if (refused.length > 0) record(refused.map((row) => ({ ...row, outcome: 'invalid' as const })));

    const rows = entries.flatMap((entry) => ('row' in entry ? [entry.row] : []));
    for (let start = 0; start < rows.length; start += chunkSize) {
      const pending = rows.slice(start, start + chunkSize).filter((row) => !report.done.has(row.line));
      for (const group of groupRows(pending, options)) {
        const key = keyOf(sha256(group.rows.map((row) => row.line).join(',')).slice(0, 16));
        const userFailures = await createNamedUsers(remote, group.rows, keyOf, retry);
        const toSend = group.rows.filter((row) => !userFailures.has(row.line));
        const results = toSend.length === 0 ? [] : await sendBulk(remote, options, group, toSend, key, retry);
        record([...userFailures.values(), ...results].map((row) => ({ ...row, request: key })).sort((a, b) => a.line - b.line));
      }
    }
  } finally {
    progress.stop();
  }
  return tally;
}

/** A report written for another file or other options cannot be resumed: its requests would not match. */
function checkResumable(report: ImportReport, entries: ReturnType<typeof readImportRows>, keyPrefix: string): void {
  if (report.done.size === 0) return;
  const emailAt = new Map(entries.map((entry) => ('row' in entry ? [entry.row.line, entry.row.email] : [entry.refused.line, entry.refused.email])));
  for (const done of report.done.values()) {
    const foreign = (done.request !== undefined && !done.request.startsWith(keyPrefix)) || emailAt.get(done.line) !== done.email;
    if (foreign) throw new ImportFileError(`cannot resume: the report's line ${done.line} was written for another file or other options (resume with the same file and options)`);
  }
}

interface RowGroup {
  language?: string;
  tags: string[];
  displayName?: string;
  rows: ImportRow[];
}

/** Rows that share every bulk option, in file order. */
function groupRows(rows: ImportRow[], options: ImportOptions): RowGroup[] {
  const groups = new Map<string, RowGroup>();
  for (const row of rows) {
    const language = row.language ?? options.language;
    const tags = [...new Set([...options.tags, ...row.tags])];
    const id = JSON.stringify([language, tags, row.displayName]);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { language, tags, displayName: row.displayName, rows: [] }));
    group.rows.push(row);
  }
  return [...groups.values()];
}

/** Create the users of rows with a name; a row whose user cannot be made fails with the server's reason. */
async function createNamedUsers(remote: RemoteOptions, rows: ImportRow[], keyOf: (what: string) => string, retry: Parameters<typeof withRetries>[1]): Promise<Map<number, ReportRow>> {
  const failures = new Map<number, ReportRow>();
  const named = rows.filter((row) => row.name !== undefined);
  let next = 0;
  const work = async () => {
    for (let row = named[next++]; row; row = named[next++]) {
      const body = { email: row.email, name: row.name, ...(row.language ? { language: row.language } : {}) };
      try {
        await withRetries(() => postData(remote, 'mdm/users', body, keyOf(`user-${row.line}`)), retry);
      } catch (error) {
        if (!(error instanceof RemoteError) || isTransient(error) || refusesEveryRequest(error)) throw error;
        if (error.code !== ErrorCode.MdmUserAlreadyExists) failures.set(row.line, { line: row.line, email: row.email, outcome: 'failed', code: error.code ?? undefined, error: error.detail });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(USER_CONCURRENCY, named.length) }, work));
  return failures;
}

async function sendBulk(remote: RemoteOptions, options: ImportOptions, group: RowGroup, rows: ImportRow[], key: string, retry: Parameters<typeof withRetries>[1]): Promise<ReportRow[]> {
  const body = {
    ...options.platformOptions,
    sendEmail: options.sendEmail,
    userEmails: rows.map((row) => row.email),
    ...(group.tags.length > 0 ? { tags: group.tags } : {}),
    ...(group.displayName !== undefined ? { displayName: group.displayName } : {}),
    ...(group.language !== undefined ? { language: group.language } : {}),
    ...(options.duration !== undefined ? { duration: options.duration } : {}),
  };
  let answer: BulkAnswer;
  try {
    answer = await withRetries(() => postData<BulkAnswer>(remote, `mdm/${options.platform}/enterprise/enrollment-tokens/bulk`, body, key), retry);
  } catch (error) {
    if (!(error instanceof RemoteError) || !refusesOnlyRowFields(error)) throw explainLimit(error);
    return rows.map((row) => ({ line: row.line, email: row.email, outcome: 'failed', code: error.code ?? undefined, error: error.detail }));
  }
  const created = new Map(answer.tokens.map((token) => [token.email.toLowerCase(), token.id]));
  const failed = new Map(answer.failures.map((failure) => [failure.email.trim().toLowerCase(), failure]));
  return rows.map((row): ReportRow => {
    const id = created.get(row.email.toLowerCase());
    if (id) return { line: row.line, email: row.email, outcome: 'created', tokenId: id };
    const failure = failed.get(row.email.toLowerCase());
    return { line: row.line, email: row.email, outcome: 'failed', code: failure?.code, error: failure?.message ?? 'no token was made for this address' };
  });
}

/** Refusals every later request would meet too: the key, its permissions, the organization. */
function refusesEveryRequest(error: RemoteError): boolean {
  return error.status === 401 || error.status === 403 || error.status === 404;
}

function refusesOnlyRowFields(error: RemoteError): boolean {
  const errors = (error.data?.errors ?? []) as Array<{ path?: string }>;
  return error.code === ErrorCode.ValidationError && errors.length > 0 && errors.every((e) => ROW_FIELDS.some((field) => e.path?.startsWith(field)));
}

/** A bulk over the organization's bulkMaxEmails did nothing: say which chunk size it takes. */
function explainLimit(error: unknown): unknown {
  if (error instanceof RemoteError && error.code === ErrorCode.LimitExceeded && typeof error.data?.max === 'number') {
    return new RemoteError(`${error.message}: the organization takes at most ${error.data.max} addresses a request: run again with --chunk-size ${error.data.max}`, { ...error, status: error.status ?? undefined, code: error.code ?? undefined, data: error.data ?? undefined });
  }
  return error;
}
