/**
 * npm run bench — every benchmark, one after the other (each in its own process, so none warms
 * the next), on SQLite and, with BENCH_DATABASE_URL=postgres://…, on PostgreSQL too; then one
 * table (figure, enrolld, ceiling, ratio, target, ok), also written to docs/benchmarks.md with
 * the machine it ran on. Ceilings are measured in the same run on the same machine.
 *
 * Usage: npm run bench [-- --quick]   (--quick: shorter runs, for a smoke check)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Figure, formatTable, JSON_MARKER, LOADER } from './report.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, 'no-write': { type: 'boolean', default: false } } });
const quick = values.quick;
const postgresUrl = process.env.BENCH_DATABASE_URL ?? '';

interface Step {
  script: string;
  args: string[];
  postgres: boolean;
}

const steps: Step[] = [
  { script: 'http.ts', args: ['--seconds', quick ? '2' : '5'], postgres: true },
  { script: 'bulk.ts', args: ['--runs', quick ? '2' : '5'], postgres: true },
  { script: 'email.ts', args: ['--runs', quick ? '1' : '3'], postgres: true },
  { script: 'webhooks.ts', args: quick ? ['--runs', '1', '--count', '2000'] : ['--runs', '3'], postgres: true },
  { script: 'list.ts', args: quick ? ['--sizes', '10000,100000', '--repeat', '5'] : ['--sizes', '10000,1000000'], postgres: false },
  { script: 'process.ts', args: ['--runs', quick ? '2' : '5'], postgres: false },
];

const NOTES_MARKER = '<!-- notes: kept by npm run bench -->';
const rows: Array<Figure & { database: string }> = [];
for (const database of postgresUrl ? ['sqlite', 'postgres'] : ['sqlite']) {
  for (const step of steps) {
    if (database === 'postgres' && !step.postgres) continue;
    console.error(`# ${step.script} on ${database}…`);
    const env = { ...process.env, BENCH_DATABASE_URL: database === 'postgres' ? postgresUrl : '' };
    const result = spawnSync(process.execPath, ['--import', LOADER, '--expose-gc', path.join(import.meta.dirname, step.script), ...step.args, '--json'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = result.stdout.split('\n').find((l) => l.startsWith(JSON_MARKER));
    if (result.status !== 0 || !line) throw new Error(`${step.script} failed (${result.status}):\n${result.stdout.slice(-2000)}`);
    const report = JSON.parse(line.slice(JSON_MARKER.length)) as { database: string; figures: Figure[] };
    for (const figure of report.figures) rows.push({ ...figure, database: report.database.split(' ')[0]! });
  }
}

const labelled = rows.map((row) => ({ ...row, figure: `${row.figure} [${row.database}]` }));
const table = formatTable(labelled);
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
console.log(table);
console.log(`\nmachine: ${machine}`);

if (!values['no-write'] && !quick) {
  const document = `# Benchmarks

The latest \`npm run bench\` (with \`BENCH_DATABASE_URL\` ${postgresUrl ? 'set: SQLite and PostgreSQL' : 'unset: SQLite only'}), ${new Date().toISOString().slice(0, 10)}.
Ceilings are measured in the same run on the same machine; the ratio is enrolld ÷ ceiling
(for rates higher is better, for times lower is better). Figures vary by ±20 % between runs on
this machine; the gaps are explained below the table.

Machine: ${machine}.

\`\`\`
${table}
\`\`\`

- **single create / enrollment page / redeem**: autocannon in a second process, 10 connections,
  5 s each. The ceiling is a bare Fastify server (same version, same TypeBox validator, same body
  schema) whose route only validates and answers — or, for the page, sends the same HTML from
  memory. enrolld's request additionally authenticates the key (a database read on SQLite, a
  per-process cache on PostgreSQL), writes and answers the full token.
- **driver floor** (rows "enrolld vs driver floor" and "driver floor vs framework"): the bare
  Fastify route plus the same SQL statements enrolld runs for the request (key lookup, reads,
  the writes; on PostgreSQL the key and enterprise read once, as enrolld caches them), straight
  on the driver (better-sqlite3; node-postgres with named statements), over the same database —
  no enrolld code. "driver floor vs framework" is the
  share of the framework ceiling any implementation running those statements reaches here.
- **minimal transaction** (rows "enrolld vs minimal transaction", create and redeem): the same
  bare route committing one single-row INSERT through the driver (10 connections on
  PostgreSQL), measured before and after the writes, the better run kept — what one durable
  commit costs here, so the ratio prices enrolld's statements in minimal commits.
- **bulk**: one request with 10,000 new addresses and invitations; the ceiling inserts the same
  rows (users, tokens, tag rows, outbox rows; same schema, indexes and triggers) with the same
  driver directly — on PostgreSQL one \`INSERT … SELECT\` per table, each varying column a JSON
  array parameter (as enrolld writes them; PostgreSQL arrays and multi-row INSERTs are shown
  beside it). "with a subscribed webhook": the same request in an organization whose endpoint
  receives \`enrollment_token.created\`, against the same rows plus an event (with the bodies
  enrolld stored) and a delivery per token.
- **email drain**: 2,000 queued invitations into an SMTP sink in another process; the ceiling is
  nodemailer sending the same pre-rendered messages over the same pool.
- **webhook delivery**: 10,000 queued deliveries (a bulk's created events) to a node:http
  receiver in another process; the ceiling is undici posting the same bodies, signed beforehand,
  over 16 connections (one uncounted warm-up run first; each run measures the ceiling just before
  enrolld, and the run shown is the one with the median ratio). "bulk with a subscribed webhook vs
  without" is the 10,000-address bulk that wrote those events against the same bulk in an
  organization without an endpoint (reported; the bulk's target is judged in bench:bulk).
- **list**: page 1 with the exact totalDocs at 1,000,000 tokens against the same request at 10,000.
- **process**: \`enrolld serve\` started on an already migrated SQLite database: time from spawn to
  the first \`/healthz\` 200 and resident memory 2 s later, against a bare Fastify server answering
  \`/healthz\` in its own process (median of 5 each).
`;
  // Everything from the notes marker on is written by people (the analysis of the gaps) and kept.
  const file = path.join(import.meta.dirname, '..', 'docs', 'benchmarks.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const notes = previous.includes(NOTES_MARKER) ? previous.slice(previous.indexOf(NOTES_MARKER)) : `${NOTES_MARKER}\n`;
  writeFileSync(file, `${document}\n${notes}`);
  console.log('\nwritten to docs/benchmarks.md');
}
