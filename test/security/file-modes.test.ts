/**
 * What enrolld writes on disk is its user's alone: a fresh start creates the data folder 0700 and
 * the database, its WAL and shared-memory files, secret.key and the dev mailbox (folder and
 * messages) without any group or other permission — even under a umask that grants everything.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ON_POSTGRES } from '../helpers/database.ts';
import { type RunningServer, startServerProcess, until } from '../helpers/process.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-modes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every file and folder under `root` (itself included) with its permission bits. */
function modesUnder(root: string): Map<string, number> {
  const modes = new Map<string, number>([['.', statSync(root).mode & 0o777]]);
  for (const entry of readdirSync(root, { recursive: true }) as string[]) modes.set(entry, statSync(path.join(root, entry)).mode & 0o777);
  return modes;
}

describe('file modes', { skip: ON_POSTGRES && 'SQLite files: runs in the SQLite pass' }, () => {
  it('a fresh start writes nothing that another local user can read', async () => {
    const data = path.join(dir, 'fresh', 'data');
    // The child inherits the umask it is spawned with: the most permissive one.
    const umask = process.umask(0);
    let server: RunningServer;
    try {
      server = await startServerProcess({ DATABASE_URL: `sqlite:${path.join(data, 'enrolld.sqlite')}` });
    } finally {
      process.umask(umask);
    }
    const token = /(enrd_[A-Za-z0-9_-]{43})/.exec(server.output())?.[1];
    assert.ok(token, server.output());
    const api = async (method: string, url: string, body?: unknown) => {
      const response = await fetch(`${server.baseUrl}/v1/organizations/default${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      assert.equal(response.status, 200, url);
      return ((await response.json()) as { data: any }).data;
    };
    const user = await api('POST', '/mdm/users', { email: 'jane@example.com' });
    const apple = await api('POST', '/mdm/apple/enterprise/enrollment-tokens', { mdmUserId: user.id, sendEmail: true });
    // The first profile generates the signing key, sealed with a generated secret.key.
    assert.equal((await fetch(`${server.baseUrl}/enroll/apple/${apple.enrollCode}/profile`)).status, 200);
    const mail = path.join(data, 'mail');
    await until(() => existsSync(mail) && readdirSync(mail).some((name) => name.endsWith('.eml')), 10_000, 'the dev mailbox message');

    // While the server runs, so the WAL and shared-memory files exist.
    const modes = modesUnder(data);
    for (const expected of ['.', 'enrolld.sqlite', 'enrolld.sqlite-wal', 'enrolld.sqlite-shm', 'secret.key', 'mail']) {
      assert.ok(modes.has(expected), `${expected} exists: ${[...modes.keys()].join(', ')}`);
    }
    assert.ok([...modes.keys()].some((name) => name.endsWith('.eml')));
    const open = [...modes].filter(([, mode]) => (mode & 0o077) !== 0).map(([name, mode]) => `${name} ${mode.toString(8)}`);
    assert.deepEqual(open, [], 'no group or other permission on anything in the data folder');
    assert.equal(modes.get('.'), 0o700);
    assert.equal(modes.get('enrolld.sqlite'), 0o600);
    assert.equal(await server.stop(), 0);
  });
});
