/**
 * Webhook delivery across real processes: a worker killed with SIGKILL mid-delivery of 2,000
 * events loses none (the next workers retake its claims after the lease; a repeat carries the same
 * webhook-id and body), and two workers running side by side never deliver the same message twice.
 * Runs on SQLite, and on PostgreSQL in that pass.
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
import { startWorkerProcess, until } from './helpers/process.ts';
import { startWebhookReceiver } from './helpers/webhook-receiver.ts';

const EVENTS = 2000;
const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-webhook-proc-'));
let database: TestDatabase | undefined;
after(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('webhook workers as processes', () => {
  it('loses no event when a worker is killed mid-delivery; live workers never repeat a message', async () => {
    database = await createTestDatabase(dir);
    const env = { DATABASE_URL: database.url, ENROLLD_SECRET_KEY: TEST_SECRET_KEY, ENROLLD_DATA_DIR: dir, ENROLLD_WEBHOOK_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'silent' };
    const config = loadConfig(env);
    const handle = openDatabase(config.database);
    await migrateToLatest(handle.db);
    const services = createServices(handle, config);
    const org = await services.organizations.create({ name: 'Hooks', slug: 'hooks' });
    const key = await services.serviceAccounts.create(org.id, { name: 'k', role: 'admin' }, { kind: 'root' });
    const app = await buildApp({ config, database: handle, services });
    const authorization = `Bearer ${key.token}`;
    // Each answer takes a little while, so the kill lands mid-delivery.
    const receiver = await startWebhookReceiver({ respond: () => ({ status: 200, delayMs: 5 }) });
    try {
    const endpoint = await app.inject({ method: 'POST', url: `/v1/organizations/${org.id}/webhooks`, headers: { authorization }, payload: { url: receiver.url, eventTypes: ['enrollment_token.created'] } });
    assert.equal(endpoint.statusCode, 200, endpoint.body);
    const bulk = await app.inject({
      method: 'POST',
      url: `/v1/organizations/${org.id}/mdm/windows/enterprise/enrollment-tokens/bulk`,
      headers: { authorization },
      payload: { sendEmail: false, userEmails: Array.from({ length: EVENTS }, (_, i) => `user${i}@example.com`) },
    });
    assert.equal(bulk.json().data.success, EVENTS);

    const workerEnv = { ...env, ENROLLD_WEBHOOK_LEASE_SECONDS: '2', ENROLLD_WEBHOOK_CONCURRENCY: '16', LOG_LEVEL: 'warn' };
    const first = startWorkerProcess(workerEnv);
    await receiver.waitFor(300, 60_000);
    first.child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    // Requests the dead worker had already written are let arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const beforeRestart = receiver.received.length;
    assert.ok(beforeRestart < EVENTS, `killed mid-delivery (${beforeRestart} delivered)`);
    // What the dead worker still held: only these may arrive twice.
    const held = new Set(
      (await handle.db.selectFrom('webhookDeliveries').select('id').where('leaseOwner', 'is not', null).where('status', '=', 'PENDING').execute()).map((row) => row.id),
    );

    // Two workers at once take over.
    const second = startWorkerProcess(workerEnv);
    const third = startWorkerProcess(workerEnv);
    const delivered = async () =>
      Number((await handle.db.selectFrom('webhookDeliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'DELIVERED').executeTakeFirstOrThrow()).n);
    await until(async () => (await delivered()) === EVENTS, 90_000, 'every delivery DELIVERED');
    for (const worker of [second, third]) worker.child.kill('SIGTERM');
    for (const worker of [second, third]) assert.equal((await worker.exited).code, 0, `graceful stop: ${worker.output()}`);

    const bodies = new Map<string, string>();
    const afterRestart = new Map<string, number>();
    for (const [index, request] of receiver.received.entries()) {
      const id = String(request.headers['webhook-id']);
      const known = bodies.get(id);
      if (known !== undefined) assert.equal(request.body, known, `${id}: a repeat carries the same body`);
      bodies.set(id, request.body);
      if (index >= beforeRestart) afterRestart.set(id, (afterRestart.get(id) ?? 0) + 1);
    }
    assert.equal(bodies.size, EVENTS, 'every event arrived');
    const repeatedByLiveWorkers = [...afterRestart].filter(([, count]) => count > 1);
    assert.deepEqual(repeatedByLiveWorkers.map(([id, count]) => `${id}×${count}${held.has(id) ? ' (held)' : ''}`), [], 'two live workers never deliver the same message twice');
    const counts = new Map<string, number>();
    for (const request of receiver.received) counts.set(String(request.headers['webhook-id']), (counts.get(String(request.headers['webhook-id'])) ?? 0) + 1);
    const repeated = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
    assert.deepEqual(repeated.filter((id) => !held.has(id)), [], "only the killed worker's claims arrive twice");
    const rows = await handle.db.selectFrom('webhookDeliveries').select(['status', 'leaseOwner']).execute();
    assert.ok(rows.every((row) => row.status === 'DELIVERED' && row.leaseOwner === null));
    } finally {
      await app.close();
      await handle.close();
      await receiver.close();
    }
  });
});
