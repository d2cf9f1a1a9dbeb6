/**
 * The README's tour, end to end: a fresh start prints the admin token once, and that token
 * creates and lists MDM users over real HTTP. Also start-up failures and graceful shutdown.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, startServerProcess } from './helpers/process.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-server-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('enrolld serve', () => {
  it('bootstraps an empty database once and serves the README tour', async () => {
    const env = { DATABASE_URL: `sqlite:${path.join(dir, 'tour', 'enrolld.sqlite')}` };
    const first = await startServerProcess(env);
    const token = /(enrd_[A-Za-z0-9_-]{43})/.exec(first.output())?.[1];
    assert.ok(token, `token printed:\n${first.output()}`);
    assert.match(first.output(), /created organization "default"/);

    const created = await fetch(`${first.baseUrl}/v1/organizations/default/mdm/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'jane@example.com', name: 'Jane Doe' }),
    });
    assert.equal(created.status, 200);
    const listed: any = await (await fetch(`${first.baseUrl}/v1/organizations/default/mdm/users`, { headers: { authorization: `Bearer ${token}` } })).json();
    assert.deepEqual(listed.data.items.map((u: { email: string }) => u.email), ['jane@example.com']);
    assert.equal(await first.stop(), 0, 'SIGTERM shuts down cleanly');

    const second = await startServerProcess(env);
    assert.doesNotMatch(second.output(), /enrd_/, 'the token is printed only on the first start');
    const again = await fetch(`${second.baseUrl}/v1/organizations/default/mdm/users`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(again.status, 200, 'the data and the key survived the restart');
    assert.equal(await second.stop(), 0);
  });

  it('accepts the root key from the environment', async () => {
    const rootKey = 'root-key-for-the-server-test-0001';
    const server = await startServerProcess({ DATABASE_URL: `sqlite:${path.join(dir, 'root', 'db.sqlite')}`, ENROLLD_ROOT_KEY: rootKey });
    const orgs: any = await (await fetch(`${server.baseUrl}/v1/organizations`, { headers: { authorization: `Bearer ${rootKey}` } })).json();
    assert.deepEqual(orgs.data.items.map((o: { slug: string }) => o.slug), ['default']);
    await server.stop();
  });

  it('refuses to start on a wrong variable, naming it in one line', () => {
    const result = runCli(['serve'], { PORT: 'http', DATABASE_URL: `sqlite:${path.join(dir, 'bad', 'db.sqlite')}` });
    assert.equal(result.status, 1);
    assert.equal(result.stderr.trim(), 'enrolld: invalid configuration: PORT must be an integer from 0 to 65535 (got "http")');
  });
});
