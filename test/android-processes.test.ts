/**
 * Android provisioning across real processes: a worker killed with SIGKILL while Google is
 * creating its tokens (the fake holds the calls, then does them after the worker died, as Google
 * would) leaves no trace at Google once the next workers have taken over — every enrolld token
 * READY with exactly one live Google token, the dead worker's creations deleted. Runs on SQLite,
 * and on PostgreSQL in that pass.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createServices } from '../src/services.ts';
import { TEST_SECRET_KEY } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { startFakeGoogle } from './helpers/fake-google.ts';
import { startWorkerProcess, until } from './helpers/process.ts';

const TOKENS = 300;
const ENTERPRISE = 'enterprises/LC0procs';
const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-android-proc-'));
let database: TestDatabase | undefined;
after(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Android provisioning workers as processes', () => {
  it('leaves exactly one Google token per enrolld token when a worker is killed mid-call', async () => {
    const google = await startFakeGoogle({ enterprises: [ENTERPRISE] });
    database = await createTestDatabase(dir);
    const env = {
      DATABASE_URL: database.url,
      ENROLLD_SECRET_KEY: TEST_SECRET_KEY,
      ENROLLD_DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      ENROLLD_GOOGLE_API_ROOT_URL: google.url,
      ENROLLD_GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
      ENROLLD_GOOGLE_OIDC_CERTS_URL: google.certsUrl,
    };
    const config = loadConfig(env);
    const handle = openDatabase(config.database);
    await migrateToLatest(handle.db);
    const services = createServices(handle, config);
    const app = await buildApp({ config, database: handle, services });
    try {
      const org = await services.organizations.create({ name: 'Droids', slug: 'droids' });
      const key = await services.serviceAccounts.create(org.id, { name: 'k', role: 'admin' }, { kind: 'root' });
      const authorization = `Bearer ${key.token}`;
      const connected = await app.inject({
        method: 'PUT',
        url: `/v1/organizations/${org.id}/mdm/android/enterprise/integrations/amapi`,
        headers: { authorization },
        payload: { enterpriseName: ENTERPRISE, serviceAccountKey: google.serviceAccountKey, pubsub: { audience: 'https://droids.example.com/push', serviceAccountEmail: 'push@test-project.iam.gserviceaccount.com' } },
      });
      assert.equal(connected.statusCode, 200, connected.body);
      const bulk = await app.inject({
        method: 'POST',
        url: `/v1/organizations/${org.id}/mdm/android/enterprise/enrollment-tokens/bulk`,
        headers: { authorization },
        payload: { sendEmail: false, managementMode: 'DEVICE_OWNER', userEmails: Array.from({ length: TOKENS }, (_, i) => `droid${i}@example.com`) },
      });
      assert.equal(bulk.json().data.success, TOKENS);

      const workerEnv = { ...env, ENROLLD_AMAPI_LEASE_SECONDS: '4', ENROLLD_AMAPI_CONCURRENCY: '4', LOG_LEVEL: 'warn' };
      // The first worker's first creations reach Google, which holds them; the worker dies; Google then makes them.
      google.hold();
      const creates = () => google.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/enrollmentTokens')).length;
      const first = startWorkerProcess(workerEnv);
      await until(() => creates() >= 4, 60_000, 'the first worker calling Google');
      first.child.kill('SIGKILL');
      assert.equal((await first.exited).signal, 'SIGKILL');
      google.release();
      await until(() => google.tokens.size >= 4, 10_000, 'Google making what the dead worker asked for');
      const madeForTheDead = [...google.tokens.keys()];

      const second = startWorkerProcess(workerEnv);
      const third = startWorkerProcess(workerEnv);
      const settled = async () =>
        Number((await handle.db.selectFrom('androidProvisioning').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'DONE').executeTakeFirstOrThrow()).n);
      await until(async () => (await settled()) === TOKENS, 120_000, 'every token made');
      for (const worker of [second, third]) worker.child.kill('SIGTERM');
      for (const worker of [second, third]) assert.equal((await worker.exited).code, 0, `graceful stop: ${worker.output()}`);

      const rows = await handle.db.selectFrom('enrollmentTokens').select('platformState').where('organizationId', '=', org.id).execute();
      const states = rows.map((row) => (typeof row.platformState === 'string' ? JSON.parse(row.platformState) : row.platformState) as { provisioning: string; name: string });
      assert.ok(states.every((state) => state.provisioning === 'READY'), 'every token READY');
      const recorded = new Set(states.map((state) => state.name));
      assert.equal(recorded.size, TOKENS, 'each with its own Google token');
      assert.equal(google.tokens.size, TOKENS, 'Google holds exactly one token per enrolld token');
      for (const name of google.tokens.keys()) assert.ok(recorded.has(name), `${name} is one enrolld recorded`);
      for (const name of madeForTheDead) assert.ok(google.deleted.includes(name), `${name}, made for the dead worker, was deleted`);
    } finally {
      await app.close();
      await handle.close();
      await google.close();
    }
  });
});
