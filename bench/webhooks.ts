/**
 * bench:webhooks — 10,000 queued webhook deliveries (the `enrollment_token.created` events of a
 * 10,000-address bulk) delivered by the webhook worker to a local receiver (node:http in a child
 * process, answering 204), against the ceiling: undici posting the same bodies, already signed,
 * directly with the same concurrency, in the same run. Figures are deliveries per second; the
 * ratio is enrolld's rate over the ceiling's (target ≥ 0.8), of the run whose ratio is the median
 * (each run measures the ceiling just before enrolld). It also reports what the endpoint
 * costs the bulk that writes those events: the bulk's time with the endpoint subscribed against
 * the same bulk in an organization without one.
 *
 * BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL (a fresh schema per run).
 *
 * The jobs connection and the webhook worker's signing thread are started before enrolld's clock
 * starts (a server starts each once).
 *
 * On Linux it also prints where the machine's CPU went on each side, per delivery: this process,
 * the receiver, and PostgreSQL's server processes (bench/machine-cpu.ts), and what enrolld's
 * total would allow with every core busy. The sender, the receiver and the database share this
 * machine's cores; the ceiling needs no database.
 *
 * Usage: npm run bench:webhooks [-- --count 10000 --runs 3 --concurrency 16]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { Agent, request } from 'undici';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { signingSecrets } from '../src/modules/webhooks/webhook-secrets.ts';
import { createSigner, signatureHeader } from '../src/modules/webhooks/webhook-signature.ts';
import { createWebhookWorker } from '../src/modules/webhooks/webhook-worker.ts';
import { createServices } from '../src/services.ts';
import { benchDatabase, databaseLabel, ON_POSTGRES, postgresEnv } from './bench-database.ts';
import { cores, watchCpu } from './machine-cpu.ts';
import { emitJson, type Figure, formatTable, LOADER } from './report.ts';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '10000' }, runs: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '16' }, json: { type: 'boolean', default: false } },
});
const COUNT = Number(values.count);
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The receiver runs in its own process so it does not share the sender's event loop. */
async function startReceiver(): Promise<{ url: string; pid: number; stop(): void }> {
  const child = fork(path.resolve(import.meta.dirname, 'webhook-sink.ts'), [], { execArgv: ['--import', LOADER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (message) => resolve((message as { port: number }).port)));
  return { url: `http://127.0.0.1:${port}/hooks`, pid: child.pid!, stop: () => child.kill() };
}

const log = { info: () => {}, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
const addresses = (prefix: string) => Array.from({ length: COUNT }, (_, i) => `${prefix}${i}@bench.example.com`);

async function oneRun(dir: string, run: number, receiver: { url: string; pid: number }) {
  const receiverUrl = receiver.url; // the receiver's pid is watched for its CPU (machine-cpu.ts)
  const target = await benchDatabase(dir, `webhooks-${run}`);
  const config = loadConfig({ DATABASE_URL: target.url, LOG_LEVEL: 'silent', ENROLLD_WEBHOOK_ALLOW_PRIVATE: 'true', ...postgresEnv() });
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  const services = createServices(database, config);
  const app = await buildApp({ config, database, services });
  const bulk = async (organizationId: string, token: string, prefix: string) => {
    const started = performance.now();
    const response = await app.inject({
      method: 'POST',
      url: `/v1/organizations/${organizationId}/mdm/apple/enterprise/enrollment-tokens/bulk`,
      headers: { authorization: `Bearer ${token}` },
      payload: { sendEmail: false, userEmails: addresses(prefix) },
    });
    if (response.json().data?.success !== COUNT) throw new Error(response.body);
    return performance.now() - started;
  };

  // The same bulk without and with a subscribed endpoint.
  const quiet = await services.organizations.create({ name: 'Quiet', slug: `quiet-${run}` });
  const quietKey = await services.serviceAccounts.create(quiet.id, { name: 'b', role: 'admin' }, { kind: 'root' });
  const bulkWithoutMs = await bulk(quiet.id, quietKey.token, 'q');
  const org = await services.organizations.create({ name: 'Hooked', slug: `hooked-${run}` });
  const key = await services.serviceAccounts.create(org.id, { name: 'b', role: 'admin' }, { kind: 'root' });
  await services.webhooks.create(org.id, { url: receiverUrl, eventTypes: ['enrollment_token.created'] });
  const bulkWithMs = await bulk(org.id, key.token, 'h');

  // The ceiling: sign every queued body (not timed), then time undici posting them.
  const rows = await database.db
    .selectFrom('webhookDeliveries')
    .innerJoin('webhookEvents', 'webhookEvents.id', 'webhookDeliveries.eventId')
    .select(['webhookDeliveries.id', 'webhookEvents.payload'])
    .execute();
  if (rows.length !== COUNT) throw new Error(`${rows.length} deliveries queued`);
  const endpoint = await database.db.selectFrom('webhookEndpoints').selectAll().executeTakeFirstOrThrow();
  const secrets = signingSecrets(services.secrets, { ...endpoint, previousSecretUntil: null }, new Date());
  const now = new Date();
  const signed = rows.map((row) => ({
    body: row.payload,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'enrolld/bench',
      'webhook-id': row.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signatureHeader(secrets.map(createSigner), row.id, now, row.payload),
    },
  }));
  const agent = new Agent({ connections: CONCURRENCY });
  const queue = [...signed];
  const directStarted = performance.now();
  const directMachine = watchCpu(receiver.pid);
  const directCpu = process.cpuUsage();
  const directMain = mainThreadCpu();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const response = await request(receiverUrl, { method: 'POST', dispatcher: agent, headers: next.headers, body: next.body });
        await response.body.dump();
        if (response.statusCode !== 204) throw new Error(`receiver answered ${response.statusCode}`);
      }
    }),
  );
  const directMs = performance.now() - directStarted;
  const directCpuUs = cpuSince(directCpu);
  const directMachineUse = directMachine(COUNT);
  const directMainUs = mainThreadCpu() - directMain;
  await agent.close();

  const worker = createWebhookWorker({ db: database.db, jobs: database.jobs, dialect: database.dialect, secrets: services.secrets, log }, { concurrency: CONCURRENCY, allowPrivate: true });
  // The jobs connection (on SQLite a worker thread, ~40 ms to start) is open before the clock
  // starts, as in a running server, where it starts once per process: this run opened a fresh
  // database, and the figure is the steady delivery rate, not that start.
  await sql`select 1`.execute(database.jobs);
  await worker.warm(); // undici and the signing thread, likewise started once per process
  const started = performance.now();
  const enrolldMachine = watchCpu(receiver.pid);
  const enrolldCpu = process.cpuUsage();
  const enrolldMain = mainThreadCpu();
  let delivered = 0;
  for (let handled = await worker.drain(); handled > 0; handled = await worker.drain()) delivered += handled;
  const enrolldMs = performance.now() - started;
  const enrolldCpuUs = cpuSince(enrolldCpu);
  const enrolldMachineUse = enrolldMachine(COUNT);
  const enrolldMainUs = mainThreadCpu() - enrolldMain;
  await worker.stop();
  if (delivered !== COUNT) throw new Error(`delivered ${delivered}`);
  const done = await database.db.selectFrom('webhookDeliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'DELIVERED').executeTakeFirstOrThrow();
  if (Number(done.n) !== COUNT) throw new Error(`only ${done.n} DELIVERED`);
  await app.close();
  await database.close();
  await target.drop();
  const enrolldRate = (COUNT / enrolldMs) * 1000;
  const directRate = (COUNT / directMs) * 1000;
  return {
    enrolldRate,
    directRate,
    ratio: enrolldRate / directRate,
    enrolldCpuPer: enrolldCpuUs / COUNT,
    directCpuPer: directCpuUs / COUNT,
    enrolldMainPer: enrolldMainUs / COUNT,
    directMainPer: directMainUs / COUNT,
    bulkWithMs,
    bulkWithoutMs,
    enrolldMachineUse,
    directMachineUse,
  };
}

type RunResult = Awaited<ReturnType<typeof oneRun>>;

/**
 * The machine's CPU per delivery on each side (medians): this process, the receiver, and on
 * PostgreSQL the database server; how busy the cores were; and the rate enrolld's total would
 * allow with every core busy, as a share of the reported ceiling. The ceiling sends without a
 * database, so on a host where sender, receiver and database share few cores, that share bounds
 * the ratio.
 */
function machineLine(results: RunResult[], ceilingRate: number): string {
  if (results.some((r) => r.enrolldMachineUse === null || r.directMachineUse === null)) return 'machine CPU: not read (Linux /proc only)';
  const of = (pick: (r: RunResult) => number) => median(results.map(pick));
  const sender = of((r) => r.enrolldCpuPer);
  const receiverUs = of((r) => r.enrolldMachineUse!.watchedUs);
  const databaseUs = of((r) => r.enrolldMachineUse!.databaseUs);
  const total = sender + receiverUs + databaseUs;
  const directSender = of((r) => r.directCpuPer);
  const directReceiver = of((r) => r.directMachineUse!.watchedUs);
  const allowed = (cores() * 1e6) / total;
  return [
    `machine CPU per delivery (µs, median; ${cores()} cores): enrolld ${total.toFixed(0)} = this process ${sender.toFixed(0)} + receiver ${receiverUs.toFixed(0)}${ON_POSTGRES ? ` + PostgreSQL ${databaseUs.toFixed(0)}` : ''}`,
    ` | undici direct ${(directSender + directReceiver).toFixed(0)} = this process ${directSender.toFixed(0)} + receiver ${directReceiver.toFixed(0)}`,
    ` | cores busy: enrolld ${(100 * of((r) => r.enrolldMachineUse!.busy)).toFixed(0)} %, direct ${(100 * of((r) => r.directMachineUse!.busy)).toFixed(0)} %`,
    `\nwith every core busy, enrolld's CPU per delivery allows ${allowed.toFixed(0)}/s: ${(allowed / ceilingRate).toFixed(2)} × the reported ceiling`,
  ].join('');
}

/** User + system CPU of this thread so far, in µs (NaN on a Node without process.threadCpuUsage, before 22.19). */
function mainThreadCpu(): number {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
  return usage ? usage.user + usage.system : Number.NaN;
}

/** User + system CPU of this process since `start`, in µs: steadier than a rate on a shared host. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-bench-webhooks-'));
const receiver = await startReceiver();
try {
  // One run first that is not counted: both paths start cold (JIT, connections), and which one
  // runs first would otherwise decide the ratio.
  await oneRun(dir, -1, receiver);
  const results = [];
  for (let run = 0; run < RUNS; run++) results.push(await oneRun(dir, run, receiver));
  // Each run pairs enrolld with a ceiling measured seconds before it, so the ratio of a pair is
  // what drifts least on a shared host; the run reported is the one with the median ratio.
  const middle = [...results].sort((a, b) => a.ratio - b.ratio)[Math.floor(results.length / 2)]!;
  const enrolld = middle.enrolldRate;
  const direct = middle.directRate;
  const bulkWith = median(results.map((r) => r.bulkWithMs));
  const bulkWithout = median(results.map((r) => r.bulkWithoutMs));
  const figures: Figure[] = [
    { figure: `webhook delivery ${COUNT} (deliveries/s, run of the median ratio of ${RUNS})`, enrolld, ceiling: direct, target: '≥ 0.8', ok: enrolld / direct >= 0.8 },
    { figure: `bulk ${COUNT} with a subscribed webhook vs without (ms, median of ${RUNS})`, enrolld: bulkWith, ceiling: bulkWithout, target: 'reported', ok: true },
  ];
  console.log(formatTable(figures));
  console.log(`\nruns (deliveries/s): enrolld ${results.map((r) => r.enrolldRate.toFixed(0)).join(', ')} | undici direct ${results.map((r) => r.directRate.toFixed(0)).join(', ')} | ratios ${results.map((r) => r.ratio.toFixed(2)).join(', ')}`);
  console.log(`CPU of this process per delivery (µs, median): enrolld ${median(results.map((r) => r.enrolldCpuPer)).toFixed(1)} | undici direct ${median(results.map((r) => r.directCpuPer)).toFixed(1)} (the receiver runs in its own process)`);
  console.log(`CPU of the event loop's thread per delivery (µs, median): enrolld ${median(results.map((r) => r.enrolldMainPer)).toFixed(1)} | undici direct ${median(results.map((r) => r.directMainPer)).toFixed(1)} (on SQLite the queue's statements run on the jobs thread)`);
  console.log(machineLine(results, direct));
  console.log(`runs (bulk ms): with ${results.map((r) => r.bulkWithMs.toFixed(0)).join(', ')} | without ${results.map((r) => r.bulkWithoutMs.toFixed(0)).join(', ')}`);
  console.log(`database: ${databaseLabel()}`);
  if (values.json) emitJson(figures, databaseLabel());
  console.log(`enrolld = claim + sign + POST + record outcomes; ceiling = POST of pre-signed bodies; both undici, ${CONCURRENCY} connections`);
} finally {
  receiver.stop();
  rmSync(dir, { recursive: true, force: true });
}
