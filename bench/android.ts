/**
 * bench:android — what making Android tokens through Google (AMAPI mode) costs the request that
 * asks for them: a bulk of 10,000 new addresses with invitations, answered before Google is
 * asked (each token gets a provisioning job and a held invitation in the same transaction),
 * against the same bulk in local mode, measured in this run on this machine. Then how fast the
 * provisioning worker makes them against a local stand-in for Google that answers at once (so
 * what is measured is enrolld's own work per token: the job's claim, the Google client's call,
 * the recording of Google's answer on the token with its invitation released).
 *
 * Usage: npm run bench:android [-- --runs 3 --size 10000]
 * With BENCH_DATABASE_URL=postgres://… it runs on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createProvisioningWorker } from '../src/modules/android-management/provisioning-worker.ts';
import { createServices } from '../src/services.ts';
import { startFakeGoogle } from '../test/helpers/fake-google.ts';
import { benchDatabase, databaseLabel, postgresEnv } from './bench-database.ts';
import { emitJson, type Figure, formatTable } from './report.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, size: { type: 'string', default: '10000' }, json: { type: 'boolean', default: false } } });
const RUNS = Number(values.runs);
const SIZE = Number(values.size);
const ENTERPRISE = 'enterprises/LC0bench';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(`${tmpdir()}/enrolld-bench-android-`);
const google = await startFakeGoogle({ enterprises: [ENTERPRISE] });
const target = await benchDatabase(dir, 'android');
const config = loadConfig({
  DATABASE_URL: target.url,
  LOG_LEVEL: 'silent',
  ENROLLD_GOOGLE_API_ROOT_URL: google.url,
  ENROLLD_GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
  ENROLLD_GOOGLE_OIDC_CERTS_URL: google.certsUrl,
  ...postgresEnv(),
});
const database = openDatabase(config.database);
await migrateToLatest(database.db);
const services = createServices(database, config);
const app = await buildApp({ config, database, services });
const address = await app.listen({ port: 0, host: '127.0.0.1' });

async function bulk(mode: 'local' | 'amapi', run: number): Promise<{ ms: number; organizationId: string }> {
  const org = await services.organizations.create({ name: 'Bench', slug: `bench-${mode}-${run}`, plan: { limits: { bulkMaxEmails: SIZE } } });
  const key = await services.serviceAccounts.create(org.id, { name: 'bench', role: 'admin' }, { kind: 'root' });
  const headers = { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' };
  if (mode === 'amapi') {
    const put = await fetch(`${address}/v1/organizations/${org.id}/mdm/android/enterprise/integrations/amapi`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ enterpriseName: ENTERPRISE, serviceAccountKey: google.serviceAccountKey, pubsub: { audience: 'bench', serviceAccountEmail: 'push@bench.iam.gserviceaccount.com' } }),
    });
    if (put.status !== 200) throw new Error(`connect: ${put.status} ${await put.text()}`);
  }
  const body = JSON.stringify({ sendEmail: true, managementMode: 'DEVICE_OWNER', userEmails: Array.from({ length: SIZE }, (_, i) => `${mode}-${run}-${i}@example.com`) });
  const started = performance.now();
  const response = await fetch(`${address}/v1/organizations/${org.id}/mdm/android/enterprise/enrollment-tokens/bulk`, { method: 'POST', headers, body });
  const answer = (await response.json()) as { data?: { success: number } };
  const ms = performance.now() - started;
  if (answer.data?.success !== SIZE) throw new Error(`bulk failed: ${JSON.stringify(answer).slice(0, 300)}`);
  return { ms, organizationId: org.id };
}

const local: number[] = [];
const amapi: number[] = [];
let provisioned: { tokens: number; ms: number } | null = null;
try {
  await bulk('local', 0); // warm-up, uncounted
  for (let run = 1; run <= RUNS; run++) {
    local.push((await bulk('local', run)).ms);
    const made = await bulk('amapi', run);
    amapi.push(made.ms);
    if (run === RUNS) {
      const worker = createProvisioningWorker(
        { db: database.db, dialect: database.dialect, integrations: services.mdmIntegrations, tokens: services.enrollmentTokens, catalog: services.catalog, google: config.google, log: { info: () => {}, warn: () => {}, error: () => {} } },
        { concurrency: config.amapi.concurrency },
      );
      const started = performance.now();
      let tokens = 0;
      for (let round = 0; round < 1000; round++) {
        tokens += await worker.drain();
        const left = await database.db.selectFrom('androidProvisioning').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'PENDING').executeTakeFirstOrThrow();
        if (Number(left.n) === 0) break;
      }
      provisioned = { tokens, ms: performance.now() - started };
    }
  }
} finally {
  await app.close();
  await database.close();
  await google.close();
  await target.drop();
  rmSync(dir, { recursive: true, force: true });
}

const figures: Figure[] = [
  { figure: `android bulk ${SIZE}, amapi vs local mode (ms, median of ${RUNS})`, enrolld: median(amapi), ceiling: median(local), target: 'reported', ok: true },
  ...(provisioned
    ? [{ figure: `google tokens made per second (${provisioned.tokens}, concurrency ${config.amapi.concurrency}, instant stand-in)`, enrolld: (provisioned.tokens / provisioned.ms) * 1000, ceiling: null, target: 'reported', ok: true }]
    : []),
];
console.log(formatTable(figures));
console.log(`\nruns (ms): amapi ${amapi.map(Math.round).join(', ')} | local ${local.map(Math.round).join(', ')}`);
console.log(`machine: node ${process.version}, ${databaseLabel()}`);
if (values.json) emitJson(figures, databaseLabel());
