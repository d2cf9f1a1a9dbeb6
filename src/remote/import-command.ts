/**
 * `enrolld tokens import` as the CLI runs it: its flags checked, the report opened (or resumed),
 * the import run with progress on stderr, and a summary. The exit status is 0 when every row got
 * a token, 3 when the import finished but some rows did not (the report says which and why), and
 * 1 when it stopped (the message says how to resume).
 */
import { readFileSync } from 'node:fs';
import { AppError, ErrorCode } from '../errors.ts';
import { fileReport, type ImportReport, streamReport } from './import-report.ts';
import { importProgress } from './import-progress.ts';
import { ImportFileError } from './import-rows.ts';
import { importTokens } from './tokens-import.ts';

export interface ImportCommandOptions {
  platform: string;
  url: string;
  token: string;
  org: string;
  sendEmail: boolean;
  tag: string[];
  language?: string;
  duration?: string;
  options?: string;
  report?: string;
  resume?: string;
  chunkSize: string;
  giveUpAfter: string;
}

export const EXIT_SOME_ROWS_FAILED = 3;

function integerFlag(flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new AppError(ErrorCode.ValidationError, `Validation Error: "${flag}" must be an integer from ${min} to ${max}`);
  return number;
}

function platformOptions(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new AppError(ErrorCode.ValidationError, 'Validation Error: "--options" must be a JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AppError(ErrorCode.ValidationError, 'Validation Error: "--options" must be a JSON object');
  for (const owned of ['userEmails', 'sendEmail', 'tags', 'language', 'duration', 'displayName']) {
    if (owned in value) throw new AppError(ErrorCode.ValidationError, `Validation Error: "--options" may not set ${owned}: it comes from the file or its own flag`);
  }
  return value as Record<string, unknown>;
}

export async function runImport(file: string, flags: ImportCommandOptions): Promise<number> {
  if (flags.report && flags.resume && flags.report !== flags.resume) throw new AppError(ErrorCode.ValidationError, 'Validation Error: "--resume" continues its own report: leave "--report" out');
  const options = {
    platform: flags.platform,
    sendEmail: flags.sendEmail,
    tags: flags.tag,
    language: flags.language,
    duration: flags.duration === undefined ? undefined : integerFlag('--duration', flags.duration, 60, 2_592_000),
    platformOptions: platformOptions(flags.options),
    chunkSize: integerFlag('--chunk-size', flags.chunkSize, 1, 100_000),
    giveUpAfterMs: integerFlag('--give-up-after', flags.giveUpAfter, 0, 86_400) * 1000,
  };
  let csv: string;
  try {
    csv = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ImportFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const reportPath = flags.resume ?? flags.report;
  const report: ImportReport = reportPath ? fileReport(reportPath, { resume: flags.resume !== undefined }) : streamReport(process.stdout);
  try {
    const tally = await importTokens({ url: flags.url, token: flags.token, organization: flags.org }, csv, options, report, (total) => importProgress(process.stderr, total));
    const rows = tally.created + tally.failed + tally.invalid;
    const incomplete = tally.failed + tally.invalid;
    process.stderr.write(`enrolld: imported ${rows} rows: ${tally.created} created, ${tally.failed} failed, ${tally.invalid} invalid${incomplete > 0 ? ' (the report says why)' : ''}\n`);
    return incomplete > 0 ? EXIT_SOME_ROWS_FAILED : 0;
  } catch (error) {
    if (reportPath && !(error instanceof ImportFileError)) {
      throw new Error(`${(error as Error).message}; the import stopped: run the same command with --resume ${reportPath} to finish it`, { cause: error });
    }
    throw error;
  } finally {
    await report.close();
  }
}
