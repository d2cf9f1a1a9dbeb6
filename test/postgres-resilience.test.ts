/**
 * Resilience on PostgreSQL: with the network to the database cut, an API node keeps running and
 * /readyz answers 503; when the database is back, /readyz is 200 again and writes work — no
 * restart. A worker process rides through the same cut. (PostgreSQL pass only.)
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ROOT_KEY, TEST_SECRET_KEY } from './helpers/app.ts';
import { createTestDatabase, ON_POSTGRES, type TestDatabase } from './helpers/database.ts';
import { type RunningServer, startServerProcess, startWorkerProcess, until } from './helpers/process.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('database outage', { skip: !ON_POSTGRES && 'runs in the PostgreSQL pass' }, () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let server: RunningServer;
  const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-outage-'));
  after(async () => {
    await server?.stop();
    await proxy?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('/readyz reports the outage, nothing crashes, and service resumes when the database returns', async () => {
    database = await createTestDatabase(dir);
    const target = new URL(database.url);
    proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
    target.host = `127.0.0.1:${proxy.port}`;
    const env = { DATABASE_URL: target.toString(), ENROLLD_SECRET_KEY: TEST_SECRET_KEY, ENROLLD_ROOT_KEY: ROOT_KEY, ENROLLD_DATA_DIR: dir };
    server = await startServerProcess(env, ['--no-worker']);
    const worker = startWorkerProcess({ ...env, LOG_LEVEL: 'info' });
    await until(() => worker.output().includes('email worker') && worker.output().includes('started'), 20_000, 'the worker to start');
    const get = (url: string) => fetch(`${server.baseUrl}${url}`);
    const createOrg = (slug: string) =>
      fetch(`${server.baseUrl}/v1/organizations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: slug, slug }),
      });
    assert.equal((await get('/readyz')).status, 200);
    assert.equal((await createOrg('before-outage')).status, 200);

    await proxy.cut();
    await until(async () => (await get('/readyz')).status === 503, 20_000, '/readyz to fail');
    const refused = await createOrg('during-outage');
    assert.equal(refused.status, 503, 'a write during the outage fails cleanly: retry later');
    assert.equal(((await refused.json()) as { error: { code: number } }).error.code, 1005, 'in the envelope');
    assert.equal((await get('/healthz')).status, 200, 'the process is alive');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let the worker's poll hit the outage too

    await proxy.restore();
    await until(async () => (await get('/readyz')).status === 200, 20_000, '/readyz to recover');
    assert.equal((await createOrg('after-outage')).status, 200, 'writes work again without a restart');
    assert.equal(server.process.exitCode, null, `the API node never exited:\n${server.output()}`);
    assert.equal(worker.child.exitCode, null, `the worker never exited:\n${worker.output()}`);
    worker.child.kill('SIGTERM');
  });
});
