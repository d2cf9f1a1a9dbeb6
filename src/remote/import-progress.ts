/**
 * How an import shows its progress on stderr: a bar (cli-progress) on a terminal, and a plain line
 * per request otherwise (a log, CI, a pipe), so the report on stdout stays clean either way.
 */
import { MultiBar } from 'cli-progress';

export interface Tally {
  created: number;
  failed: number;
  invalid: number;
}

export interface ImportProgress {
  update(rowsDone: number, tally: Tally): void;
  /** A line of its own (a retry, a warning), kept clear of the bar. */
  note(message: string): void;
  stop(): void;
}

export function importProgress(stream: NodeJS.WriteStream, totalRows: number): ImportProgress {
  const summary = (tally: Tally) => `${tally.created} created, ${tally.failed} failed, ${tally.invalid} invalid`;
  if (!stream.isTTY) {
    return {
      update: (rowsDone, tally) => stream.write(`enrolld: ${rowsDone}/${totalRows} rows (${summary(tally)})\n`),
      note: (message) => stream.write(`enrolld: ${message}\n`),
      stop: () => undefined,
    };
  }
  // A MultiBar of one bar: it can print lines above the bar.
  const bars = new MultiBar({
    stream,
    format: 'importing [{bar}] {percentage}% | {value}/{total} rows | {summary} | ETA {eta_formatted}',
    hideCursor: true,
  });
  const bar = bars.create(totalRows, 0, { summary: summary({ created: 0, failed: 0, invalid: 0 }) });
  return {
    update: (rowsDone, tally) => bar.update(rowsDone, { summary: summary(tally) }),
    note: (message) => bars.log(`${message}\n`),
    stop: () => bars.stop(),
  };
}
