/**
 * bench:http — request rates over real HTTP, the load from autocannon in a second process on
 * 127.0.0.1, each figure against its framework ceiling measured in the same run: a bare Fastify
 * server (same version, same validator) whose route only validates the same body, or answers a
 * page of the same size from memory.
 *
 *   single create   POST …/apple/enterprise/enrollment-tokens (validate, auth, insert, answer)
 *   enroll page     GET /enroll/apple/:code (lookup, render the localized page)
 *   redeem          POST …/enrollment-tokens/redeem, a fresh code per request
 *
 * Every figure is also measured on the driver floor (bench/driver-floor.ts): the bare
 * Fastify route plus the same SQL straight on the driver, over the same database. Two extra rows
 * per figure: enrolld against that floor, and the floor against the framework ceiling — the
 * share of the ceiling any implementation running those statements could reach.
 *
 * The writes (create, redeem) are also set against a third ceiling, the minimal transaction: the
 * same bare route committing one single-row INSERT through the driver (10 connections on
 * PostgreSQL, as enrolld's pool). It prices the statements themselves: how many minimal commits
 * one create or redeem costs. Target on PostgreSQL: ≥ 0.3 of it.
 *
 * Usage: npm run bench:http [-- --seconds 5 --connections 10 --json]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { buildApp } from '../src/app.ts';
import { createServices } from '../src/services.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { validatorCompiler } from '../src/http/validation.ts';
import { tokenSchemas } from '../src/modules/enrollment-tokens/enrollment-tokens.schemas.ts';
import { RedeemBody } from '../src/modules/redemption/redemption.schemas.ts';
import { PLATFORM_ADAPTERS } from '../src/platforms/index.ts';
import { benchDatabase, databaseLabel, ON_POSTGRES, postgresEnv } from './bench-database.ts';
import { startDriverFloor } from './driver-floor.ts';
import type { LoadRequest, LoadResult } from './load.ts';
import { emitJson, type Figure, formatTable, LOADER } from './report.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    // Run only these figures (comma-separated: create,page,redeem), e.g. under --cpu-prof.
    only: { type: 'string', default: 'create,page,redeem' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ONLY = new Set(values.only.split(','));

function load(request: Omit<LoadRequest, 'durationSeconds' | 'connections'>): Promise<LoadResult> {
  // BENCH_MARKS=1 prints when each load runs, on the monotonic clock in µs that --cpu-prof
  // timestamps use, so a profile can be cut to one figure's window.
  if (process.env.BENCH_MARKS) console.error(`mark ${process.hrtime.bigint() / 1000n} ${request.url}`);
  const child = fork(path.resolve(import.meta.dirname, 'load.ts'), [], { execArgv: ['--import', LOADER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as LoadResult));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load generator exited ${code}`))));
    child.send({ ...request, durationSeconds: SECONDS, connections: CONNECTIONS });
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-bench-http-'));
const target = await benchDatabase(dir, 'http');
const config = loadConfig({
  DATABASE_URL: target.url,
  LOG_LEVEL: 'silent',
  ENROLLD_ENROLL_RATE_LIMIT: '1000000',
  ENROLLD_REDEEM_RATE_LIMIT: '10000000',
  ...postgresEnv(),
});
const database = openDatabase(config.database);
await migrateToLatest(database.db);
const services = createServices(database, config);
const app = await buildApp({ config, database, services });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const org = await services.organizations.create({ name: 'Bench Corp', slug: 'bench' });
const key = await services.serviceAccounts.create(org.id, { name: 'bench', role: 'admin' }, { kind: 'root' });
const auth = { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' };
const user = await services.mdmUsers.create(org.id, { email: 'bench@example.com', name: 'Bench User' });
const tokensUrl = `${base}/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens`;
const createBody = JSON.stringify({ mdmUserId: user.id, sendEmail: false, displayName: 'Bench laptop', tags: ['bench'], duration: 86_400, language: 'en' });

// Codes to redeem: more than the run can use.
const redeemable: string[] = [];
for (let batch = 0; batch < 6; batch++) {
  const emails = Array.from({ length: 10_000 }, (_, i) => `r${batch}-${i}@bench.example.com`);
  const response = await fetch(`${tokensUrl}/bulk`, { method: 'POST', headers: auth, body: JSON.stringify({ sendEmail: false, userEmails: emails }) });
  if (!response.ok) throw new Error(await response.text());
}
for (const row of await database.db.selectFrom('enrollmentTokens').select('enrollCode').where('organizationId', '=', org.id).execute()) redeemable.push(row.enrollCode);
const pageCode = redeemable.pop()!;
const pageHtml = await (await fetch(`${base}/enroll/apple/${pageCode}`)).text();

// The framework ceiling: the same Fastify, the same validator and schemas, nothing behind them.
const bare = Fastify({ logger: false });
bare.setValidatorCompiler(validatorCompiler);
const schemas = tokenSchemas(PLATFORM_ADAPTERS.apple);
bare.post('/create', { schema: { body: schemas.createBody } }, async () => ({ status: true, data: {} }));
bare.post('/redeem', { schema: { body: RedeemBody } }, async () => ({ status: true, data: {} }));
bare.get('/page', async (_request, reply) => reply.type('text/html; charset=utf-8').send(pageHtml));
const bareBase = await bare.listen({ port: 0, host: '127.0.0.1' });
const floor = await startDriverFloor(target.url, pageHtml);

const figures: Figure[] = [];
let minimalTransaction: LoadResult | undefined;
/**
 * The minimal-transaction ceiling for the write figures: measured before the first and again
 * after the last, the better of the two kept (on PostgreSQL one run alone moved by 1.5× between
 * runs minutes apart, with checkpoints and autovacuum after the writes before it).
 */
async function measureMinimal(): Promise<void> {
  const result = await load({ url: `${floor.base}/minimal-transaction`, method: 'POST' });
  if (!minimalTransaction || result.requestsPerSecond > minimalTransaction.requestsPerSecond) minimalTransaction = result;
}
const minimalRows: Array<{ figure: string; enrolld: LoadResult }> = [];
/** Where the minimal-transaction ratio has a target: PostgreSQL (on SQLite it is reported). */
const MINIMAL_TRANSACTION_TARGET = ON_POSTGRES ? 0.3 : undefined;

function recordAgainstMinimal(figure: string, enrolld: LoadResult, ceiling: LoadResult) {
  if (ceiling.non2xx > 0 || ceiling.errors > 0) throw new Error(`minimal transaction: ${ceiling.non2xx} non-2xx answers, ${ceiling.errors} errors`);
  const ok = MINIMAL_TRANSACTION_TARGET === undefined || enrolld.requestsPerSecond / ceiling.requestsPerSecond >= MINIMAL_TRANSACTION_TARGET;
  const target = MINIMAL_TRANSACTION_TARGET === undefined ? 'reported' : `≥ ${MINIMAL_TRANSACTION_TARGET}`;
  figures.push({ figure: `${figure}: enrolld vs minimal transaction (req/s)`, enrolld: enrolld.requestsPerSecond, ceiling: ceiling.requestsPerSecond, target, ok });
}

function record(figure: string, enrolld: LoadResult, ceiling: LoadResult, minRatio: number, floor?: LoadResult) {
  for (const [who, result] of [['enrolld', enrolld], ['driver floor', floor]] as const) {
    if (result && (result.non2xx > 0 || result.errors > 0)) throw new Error(`${figure} (${who}): ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  figures.push({ figure: `${figure} (req/s)`, enrolld: enrolld.requestsPerSecond, ceiling: ceiling.requestsPerSecond, target: `≥ ${minRatio}`, ok: enrolld.requestsPerSecond / ceiling.requestsPerSecond >= minRatio });
  figures.push({ figure: `${figure} p99 (ms)`, enrolld: enrolld.p99Ms, ceiling: ceiling.p99Ms, target: 'reported', ok: true, digits: 1 });
  if (!floor) return;
  figures.push({ figure: `${figure}: enrolld vs driver floor (req/s)`, enrolld: enrolld.requestsPerSecond, ceiling: floor.requestsPerSecond, target: 'reported', ok: true });
  figures.push({ figure: `${figure}: driver floor vs framework (req/s)`, enrolld: floor.requestsPerSecond, ceiling: ceiling.requestsPerSecond, target: 'reported', ok: true });
}

const writes = ONLY.has('create') || ONLY.has('redeem');
if (writes) await measureMinimal();
if (ONLY.has('create')) {
  const enrolld = await load({ url: tokensUrl, method: 'POST', headers: auth, body: createBody });
  record(
    'single create',
    enrolld,
    await load({ url: `${bareBase}/create`, method: 'POST', headers: { 'content-type': 'application/json' }, body: createBody }),
    0.35,
    await load({ url: `${floor.base}/create`, method: 'POST', headers: auth, body: createBody }),
  );
  minimalRows.push({ figure: 'single create', enrolld });
}
if (ONLY.has('page')) record(
  'enrollment page',
  await load({ url: `${base}/enroll/apple/${pageCode}`, method: 'GET' }),
  await load({ url: `${bareBase}/page`, method: 'GET' }),
  0.5,
  await load({ url: `${floor.base}/page/${pageCode}`, method: 'GET' }),
);
const third = Math.floor(redeemable.length / 3);
if (ONLY.has('redeem')) {
  const enrolld = await load({ url: `${tokensUrl}/redeem`, method: 'POST', headers: auth, codes: redeemable.slice(0, third) });
  record(
    'redeem',
    enrolld,
    await load({ url: `${bareBase}/redeem`, method: 'POST', headers: { 'content-type': 'application/json' }, codes: redeemable.slice(third, 2 * third) }),
    0.5,
    await load({ url: `${floor.base}/redeem`, method: 'POST', headers: auth, codes: redeemable.slice(2 * third) }),
  );
  minimalRows.push({ figure: 'redeem', enrolld });
}
if (writes) {
  await measureMinimal();
  for (const row of minimalRows) recordAgainstMinimal(row.figure, row.enrolld, minimalTransaction!);
}


await floor.close();
await bare.close();
await app.close();
await database.close();
await target.drop();
rmSync(dir, { recursive: true, force: true });

console.log(formatTable(figures));
console.log(`\n${SECONDS} s per figure, ${CONNECTIONS} connections, autocannon in a second process; ${databaseLabel()}`);
if (values.json) emitJson(figures, databaseLabel());
