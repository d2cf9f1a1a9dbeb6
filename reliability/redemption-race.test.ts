/**
 * The redemption race across processes: two API nodes on one database (a shared SQLite file, or
 * PostgreSQL in that pass) receive 40 concurrent redemptions of the same code from 40 different
 * devices. Exactly one wins (200); every other gets 400/5201; the token is DONE with the winner's
 * device, and the audit lists all 40 attempts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT_KEY, TEST_SECRET_KEY } from '../test/helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database.ts';
import { type RunningServer, startServerProcess } from '../test/helpers/process.ts';

const DEVICES = 40;

describe('redemption race across two API nodes', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-race-'));
  let database: TestDatabase;
  const nodes: RunningServer[] = [];
  after(async () => {
    for (const node of nodes) await node.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has exactly one winner', async () => {
    database = await createTestDatabase(dir);
    const env = { DATABASE_URL: database.url, ENROLLD_ROOT_KEY: ROOT_KEY, ENROLLD_SECRET_KEY: TEST_SECRET_KEY, ENROLLD_DATA_DIR: dir };
    nodes.push(await startServerProcess(env, ['--no-worker']));
    nodes.push(await startServerProcess(env, ['--no-worker']));
    const api = async (node: RunningServer, method: string, url: string, body?: unknown) => {
      const response = await fetch(`${node.baseUrl}${url}`, {
        method,
        headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    await api(nodes[0]!, 'POST', '/v1/organizations', { name: 'Race', slug: 'race' });
    const user = (await api(nodes[0]!, 'POST', '/v1/organizations/race/mdm/users', { email: 'race@example.com' })).body.data;
    const tokens = '/v1/organizations/race/mdm/apple/enterprise/enrollment-tokens';
    const token = (await api(nodes[1]!, 'POST', tokens, { mdmUserId: user.id, sendEmail: false })).body.data;

    const answers = await Promise.all(
      Array.from({ length: DEVICES }, (_, i) => api(nodes[i % 2]!, 'POST', `${tokens}/redeem`, { code: token.enrollCode, device: { serialNumber: `DEVICE-${i}` } })),
    );
    const winners = answers.filter((answer) => answer.status === 200);
    assert.equal(winners.length, 1, `exactly one winner: ${answers.map((a) => a.status).join(',')}`);
    for (const loser of answers.filter((answer) => answer.status !== 200)) {
      assert.equal(loser.status, 400);
      assert.equal(loser.body.error.code, 5201);
    }
    const after = (await api(nodes[0]!, 'GET', `${tokens}/${token.id}`)).body.data;
    assert.equal(after.state, 'DONE');
    assert.equal(after.admDevice, winners[0]!.body.data.device.id);
    const audit = (await api(nodes[1]!, 'GET', `${tokens}/${token.id}/redemptions?limit=100`)).body.data;
    assert.equal(audit.totalDocs, DEVICES, 'every attempt audited');
    assert.equal(audit.items.filter((attempt: any) => attempt.outcome === 'REDEEMED').length, 1);
  });
});
