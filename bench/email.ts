/**
 * bench:email — 2,000 queued invitations drained by the email worker into a local SMTP sink
 * (the smtp-server package, in a child process, accepting and discarding), against the mail
 * ceiling: nodemailer's pooled transport sending the same, already rendered messages directly
 * with the same concurrency, in the same run. Figures are messages per second; the ratio is
 * enrolld's rate over the ceiling's (target ≥ 0.8).
 *
 * BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL (a fresh schema per run).
 *
 * Usage: npm run bench:email [-- --count 2000 --runs 3]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { createServices } from '../src/services.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createEmailWorker } from '../src/modules/email/email-worker.ts';
import { createSmtpTransport } from '../src/modules/email/transport.ts';
import { benchDatabase, databaseLabel, postgresEnv } from './bench-database.ts';
import { emitJson, type Figure, formatTable, LOADER } from './report.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' }, runs: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } } });
const COUNT = Number(values.count);
const RUNS = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The sink runs in its own process so it does not share the sender's event loop. */
async function startSink(): Promise<{ url: string; stop(): void }> {
  const child = fork(path.resolve(import.meta.dirname, 'smtp-sink.ts'), [], { execArgv: ['--import', LOADER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (message) => resolve((message as { port: number }).port)));
  return { url: `smtp://127.0.0.1:${port}`, stop: () => child.kill() };
}

const silent = { info: () => {}, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };

async function oneRun(dir: string, run: number, sinkUrl: string) {
  const target = await benchDatabase(dir, `email-${run}`);
  const config = loadConfig({ DATABASE_URL: target.url, LOG_LEVEL: 'silent', MAIL_FROM: 'Bench <bench@example.com>', ...postgresEnv() });
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  const services = createServices(database, config);
  const org = await services.organizations.create({ name: 'Bench Corp', slug: `bench-${run}` });
  const key = await services.serviceAccounts.create(org.id, { name: 'b', role: 'admin' }, { kind: 'root' });
  const app = await buildApp({ config, database, services });
  const bulk = await app.inject({
    method: 'POST',
    url: `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens/bulk`,
    headers: { authorization: `Bearer ${key.token}` },
    payload: { sendEmail: true, emailText: 'Welcome to the fleet.', userEmails: Array.from({ length: COUNT }, (_, i) => `user${i}@bench.example.com`) },
  });
  if (bulk.json().data.success !== COUNT) throw new Error(bulk.body);

  // The ceiling first: render every queued message (not timed), then time nodemailer alone.
  const rows = await database.db.selectFrom('emailOutbox').selectAll().execute();
  const composed = await services.email.composeMails(rows.map((row) => ({ ...row, attempts: 0 })));
  const mails = [...composed.values()].map((mail) => {
    if ('skip' in mail) throw new Error(mail.skip);
    return mail;
  });
  const direct = createSmtpTransport(sinkUrl);
  const queue = [...mails];
  const directStarted = performance.now();
  await Promise.all(Array.from({ length: direct.concurrency }, async () => {
    for (let mail = queue.shift(); mail; mail = queue.shift()) await direct.send(mail);
  }));
  const directMs = performance.now() - directStarted;
  direct.close();

  const transport = createSmtpTransport(sinkUrl);
  const worker = createEmailWorker(
    { db: database.db, dialect: database.dialect, transport, email: services.email, log: silent, webhooks: services.webhookOutbox },
    // The hourly budget is measured on its own (test/modules/email.test.ts); here it never binds.
    { maxAttempts: 3, retryBaseMs: 1000, leaseMs: 120_000, orgRateLimit: 10_000_000 },
  );
  const started = performance.now();
  const drained = await worker.drain();
  const enrolldMs = performance.now() - started;
  transport.close();
  if (drained !== COUNT) throw new Error(`drained ${drained}`);
  const sent = await database.db.selectFrom('enrollmentTokens').select((eb) => eb.fn.countAll<number>().as('n')).where('emailStatus', '=', 'SENT').executeTakeFirstOrThrow();
  if (Number(sent.n) !== COUNT) throw new Error(`only ${sent.n} tokens SENT`);
  await app.close();
  await database.close();
  await target.drop();
  return { enrolldRate: (COUNT / enrolldMs) * 1000, directRate: (COUNT / directMs) * 1000 };
}

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-bench-email-'));
const sink = await startSink();
try {
  const enrolld: number[] = [];
  const direct: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const result = await oneRun(dir, run, sink.url);
    enrolld.push(result.enrolldRate);
    direct.push(result.directRate);
  }
  const ratio = median(enrolld) / median(direct);
  const figures: Figure[] = [
    { figure: `email drain ${COUNT} (msg/s, median of ${RUNS})`, enrolld: median(enrolld), ceiling: median(direct), target: '≥ 0.8', ok: ratio >= 0.8 },
  ];
  console.log(formatTable(figures));
  console.log(`\nruns (msg/s): enrolld ${enrolld.map((x) => x.toFixed(0)).join(', ')} | nodemailer direct ${direct.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`database: ${databaseLabel()}`);
  if (values.json) emitJson(figures, databaseLabel());
  console.log('enrolld = claim + compose (one DB read per batch, Mustache render) + send + record outcomes; ceiling = send of pre-rendered messages; both pooled, 5 connections');
} finally {
  sink.stop();
  rmSync(dir, { recursive: true, force: true });
}
