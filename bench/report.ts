/**
 * One row of the benchmark table, and how a benchmark hands its rows to `npm run bench`
 * (bench/all.ts): with --json it prints one line `BENCH_JSON {...}` besides its own table.
 */
export interface Figure {
  figure: string;
  enrolld: number;
  /** The ceiling measured in the same run, or null where the target is absolute. */
  ceiling: number | null;
  /** Human form of the target, e.g. "≥ 0.35", "≤ 2", "< 100 MB". */
  target: string;
  ok: boolean;
  /** Digits to print. */
  digits?: number;
}

export const JSON_MARKER = 'BENCH_JSON ';

export function emitJson(figures: Figure[], database: string): void {
  console.log(`${JSON_MARKER}${JSON.stringify({ database, figures })}`);
}

export function formatTable(figures: Figure[]): string {
  const rows = [['figure', 'enrolld', 'ceiling', 'ratio', 'target', 'ok']];
  for (const f of figures) {
    const digits = f.digits ?? 0;
    rows.push([
      f.figure,
      f.enrolld.toFixed(digits),
      f.ceiling === null ? '' : f.ceiling.toFixed(digits),
      // autocannon reports whole milliseconds: a ceiling p99 under 1 ms reads 0 and has no ratio.
      f.ceiling === null ? '' : f.ceiling === 0 ? '—' : (f.enrolld / f.ceiling).toFixed(2),
      f.target,
      f.ok ? 'yes' : 'NO',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** For `--import` in the processes a benchmark starts: Node's own type stripping, tsx only on a Node without it. */
export const LOADER = new URL('./ts-loader.mjs', import.meta.url).href;
