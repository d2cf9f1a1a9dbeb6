/**
 * bench:process — what an `enrolld serve` process costs before it does any work, on the Node
 * running this benchmark: its resident memory once idle, and the time from spawning it to its
 * first `/healthz` 200. The ceiling is a bare Fastify server (the same Fastify, from this
 * repository's node_modules) in a process of its own that answers `/healthz`, measured the same
 * way in the same run, the two alternating run by run.
 *
 * Each run gets a fresh data folder with an SQLite database. enrolld is started twice there: the
 * first start applies the migrations and creates the first organization and its admin key
 * (reported as "first start", not a target); it is stopped with SIGTERM and started again on the
 * migrated database, and that second start is the one whose time to the first `/healthz` 200 and
 * idle RSS are the figures — what every later start of a deployed server costs.
 *
 *   time to /healthz   from spawn() until a GET /healthz (polled every 10 ms) answers 200
 *   idle RSS           VmRSS of /proc/<pid>/status, SETTLE_MS after that first 200, with no
 *                      other request in between (the in-process email worker polls its outbox)
 *
 * Targets: idle RSS ≤ 1.3 × the bare server's; time to /healthz ≤ 500 ms (absolute; the bare
 * server's time is shown as its ceiling). Figures are medians over --runs.
 *
 * Usage: npm run bench:process [-- --runs 5 --settle-ms 2000 --json]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { emitJson, type Figure, formatTable } from './report.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, 'settle-ms': { type: 'string', default: '2000' }, json: { type: 'boolean', default: false } },
});
const RUNS = Number(values.runs);
const SETTLE_MS = Number(values['settle-ms']);
const POLL_MS = 10;
/** A start that has not answered by then has failed. */
const START_TIMEOUT_MS = 30_000;
const ROOT = path.resolve(import.meta.dirname, '..');
const ENROLLD = path.join(ROOT, 'bin', 'enrolld.js');
const RSS_TARGET = 1.3;
const STARTUP_TARGET_MS = 500;

/** The ceiling: Fastify answering /healthz, nothing else. Run with the repository as cwd so `fastify` resolves there. */
const BARE_SERVER = `
import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: true, data: { status: 'ok' } }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
function cleanUp() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanUp);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    cleanUp();
    process.exit(code);
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GET /healthz once: its status, or 0 when nothing listens yet. */
function healthz(port: number): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    request.once('error', () => resolve(0));
    request.setTimeout(2000, () => request.destroy());
  });
}

function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

interface Started {
  child: ChildProcess;
  /** Milliseconds from spawn() to the first 200 from /healthz. */
  startMs: number;
}

/** Spawn a server listening on `port` and poll its /healthz until it answers 200. */
async function start(label: string, args: string[], env: NodeJS.ProcessEnv, port: number): Promise<Started> {
  let stderr = '';
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  while ((await healthz(port)) !== 200) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before /healthz answered:\n${stderr}`);
    if (performance.now() - t0 > START_TIMEOUT_MS) throw new Error(`${label}: no /healthz 200 within ${START_TIMEOUT_MS} ms:\n${stderr}`);
    await sleep(POLL_MS);
  }
  return { child, startMs: performance.now() - t0 };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  children.delete(child);
}

/** Start a server, time its first /healthz 200, wait SETTLE_MS without a request, read VmRSS, stop it. */
async function measure(label: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ startMs: number; rssMb: number }> {
  const port = await freePort();
  const { child, startMs } = await start(label, args, { ...env, PORT: String(port) }, port);
  try {
    await sleep(SETTLE_MS);
    return { startMs, rssMb: rssMb(child.pid!) };
  } finally {
    await stop(child);
  }
}

/** Only what enrolld reads: nothing from this shell's DATABASE_URL, SMTP_URL, ENROLLD_*, NODE_OPTIONS. */
const enrolldEnv = (dir: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DATABASE_URL: `sqlite:${path.join(dir, 'enrolld.sqlite')}`,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
});

/** One run of enrolld in a fresh data folder: the migrating first start, then the measured one. */
async function runEnrolld(): Promise<{ firstStartMs: number; startMs: number; rssMb: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-bench-process-'));
  dirs.add(dir);
  try {
    const port = await freePort();
    const first = await start('enrolld serve (first start)', [ENROLLD, 'serve'], { ...enrolldEnv(dir), PORT: String(port) }, port);
    await stop(first.child);
    const measured = await measure('enrolld serve', [ENROLLD, 'serve'], enrolldEnv(dir));
    return { firstStartMs: first.startMs, ...measured };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    dirs.delete(dir);
  }
}

const runBare = () => measure('bare Fastify', ['--input-type=module', '--eval', BARE_SERVER], { PATH: process.env.PATH, HOME: process.env.HOME });

// The parent's own first HTTP request loads its client code; keep that out of the first run.
await healthz(await freePort());

const enrolld: Array<Awaited<ReturnType<typeof runEnrolld>>> = [];
const bare: Array<Awaited<ReturnType<typeof runBare>>> = [];
for (let run = 0; run < RUNS; run++) {
  // Alternating, so both see the same machine over the whole run.
  enrolld.push(await runEnrolld());
  bare.push(await runBare());
  const last = enrolld.at(-1)!;
  console.error(
    `run ${run + 1}/${RUNS}: enrolld ${last.startMs.toFixed(0)} ms, ${last.rssMb.toFixed(1)} MB (first start ${last.firstStartMs.toFixed(0)} ms); ` +
      `bare ${bare.at(-1)!.startMs.toFixed(0)} ms, ${bare.at(-1)!.rssMb.toFixed(1)} MB`,
  );
}

const rss = median(enrolld.map((r) => r.rssMb));
const bareRss = median(bare.map((r) => r.rssMb));
const startMs = median(enrolld.map((r) => r.startMs));
const bareStartMs = median(bare.map((r) => r.startMs));
const firstStartMs = median(enrolld.map((r) => r.firstStartMs));
const figures: Figure[] = [
  { figure: `idle RSS of serve (MB, median of ${RUNS})`, enrolld: rss, ceiling: bareRss, target: `≤ ${RSS_TARGET}`, ok: rss / bareRss <= RSS_TARGET, digits: 1 },
  { figure: `serve: spawn to first /healthz 200 (ms, median of ${RUNS})`, enrolld: startMs, ceiling: bareStartMs, target: `≤ ${STARTUP_TARGET_MS} ms`, ok: startMs <= STARTUP_TARGET_MS },
  { figure: `serve, first start (migrations, bootstrap) (ms, median of ${RUNS})`, enrolld: firstStartMs, ceiling: null, target: 'reported', ok: true },
];

console.log(formatTable(figures));
console.log(`
${process.version}; SQLite; idle RSS read ${SETTLE_MS} ms after the first /healthz 200; the ceiling is a bare Fastify server answering /healthz in its own process`);
if (values.json) emitJson(figures, 'SQLite');
