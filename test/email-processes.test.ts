/**
 * Email delivery across real processes: a worker killed with SIGKILL mid-drain loses nothing (the
 * next worker retakes its claims after the lease, redelivering with the same Message-ID), a
 * worker stopped with SIGTERM exits cleanly, and `enrolld serve` delivers through its in-process
 * worker to the dev mailbox when no SMTP server is configured.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildApp } from '../src/app.ts';
import { createServices } from '../src/services.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { startServerProcess, startWorkerProcess, until } from './helpers/process.ts';
import { startSmtpSink } from './helpers/smtp.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-email-proc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('email workers as processes', () => {
  it('loses no invitation when a worker is killed mid-drain; redeliveries keep their Message-ID', async () => {
    const file = path.join(dir, 'crash.sqlite');
    const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent' });
    const database = openDatabase(config.database);
    await migrateToLatest(database.db);
    const services = createServices(database, config);
    const org = await services.organizations.create({ name: 'Crash', slug: 'crash' });
    const key = await services.serviceAccounts.create(org.id, { name: 'k', role: 'admin' }, { kind: 'root' });
    const app = await buildApp({ config, database, services });
    const emails = Array.from({ length: 30 }, (_, i) => `crash${i}@example.com`);
    const bulk = await app.inject({
      method: 'POST',
      url: `/v1/organizations/${org.id}/mdm/windows/enterprise/enrollment-tokens/bulk`,
      headers: { authorization: `Bearer ${key.token}` },
      payload: { sendEmail: true, userEmails: emails },
    });
    assert.equal(bulk.json().data.success, 30);

    const sink = await startSmtpSink({ delayMs: 60 });
    const env = { DATABASE_URL: `sqlite:${file}`, SMTP_URL: sink.url, ENROLLD_EMAIL_LEASE_SECONDS: '2' };
    const first = startWorkerProcess(env);
    await sink.waitFor(3, 30_000);
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    assert.equal(killed.signal, 'SIGKILL');
    const beforeRestart = sink.received.length;
    assert.ok(beforeRestart < 30, `killed mid-drain (${beforeRestart} delivered)`);

    const second = startWorkerProcess(env);
    const sentCount = async () =>
      Number((await database.db.selectFrom('enrollmentTokens').select((eb) => eb.fn.countAll<number>().as('n')).where('emailStatus', '=', 'SENT').executeTakeFirstOrThrow()).n);
    await until(async () => (await sentCount()) === 30, 30_000, 'every token SENT');
    second.child.kill('SIGTERM');
    const stopped = await second.exited;
    assert.equal(stopped.code, 0, `graceful stop: ${second.output()}`);

    const byRecipient = new Map<string, Set<string>>();
    for (const mail of sink.received) {
      const ids = byRecipient.get(mail.envelopeTo[0]!) ?? new Set<string>();
      ids.add(mail.parsed.messageId!);
      byRecipient.set(mail.envelopeTo[0]!, ids);
    }
    assert.deepEqual([...byRecipient.keys()].sort(), [...emails].sort(), 'every invitation arrived');
    for (const [recipient, ids] of byRecipient) assert.equal(ids.size, 1, `${recipient}: redeliveries reuse the Message-ID`);
    const redelivered = sink.received.length - 30;
    assert.ok(redelivered >= 0 && redelivered <= 20, `redeliveries: ${redelivered}`);
    const outbox = await database.db.selectFrom('emailOutbox').select(['status', 'leaseOwner']).execute();
    assert.ok(outbox.every((row) => row.status === 'SENT' && row.leaseOwner === null));

    await app.close();
    await database.close();
    await sink.close();
  });

  it('delivers through the in-process worker of `enrolld serve` to the dev mailbox', async () => {
    const dataDir = path.join(dir, 'serve-data');
    const server = await startServerProcess({ DATABASE_URL: `sqlite:${path.join(dataDir, 'enrolld.sqlite')}`, LOG_LEVEL: 'info' });
    const token = /(enrd_[A-Za-z0-9_-]{43})/.exec(server.output())![1]!;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const user: any = await (
      await fetch(`${server.baseUrl}/v1/organizations/default/mdm/users`, { method: 'POST', headers, body: JSON.stringify({ email: 'dev@example.com', name: 'Dev' }) })
    ).json();
    const created = await fetch(`${server.baseUrl}/v1/organizations/default/mdm/android/enterprise/enrollment-tokens`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ mdmUserId: user.data.id, sendEmail: true, managementMode: 'DEVICE_OWNER', language: 'de' }),
    });
    assert.equal(created.status, 200);
    const mailDir = path.join(dataDir, 'mail');
    await until(() => existsSync(mailDir) && readdirSync(mailDir).some((f) => f.endsWith('.eml')), 30_000, 'a .eml file');
    const [eml] = readdirSync(mailDir).filter((f) => f.endsWith('.eml'));
    const message = readFileSync(path.join(mailDir, eml!), 'utf8');
    assert.match(message, /^To: Dev <dev@example\.com>$/m);
    assert.match(message, /^Subject: /m);
    assert.match(message, /Content-Type: image\/png/);
    // The log line follows the file write; give the pipe a moment.
    await until(() => /dev mailbox: dev@example\.com/.test(server.output()), 15_000, 'the dev mailbox log line');
    assert.equal(await server.stop(), 0);
  });
});

describe('enrolld serve --no-worker', () => {
  it('queues invitations but leaves delivery to `enrolld worker` processes', async () => {
    const dataDir = path.join(dir, 'api-only');
    const env = { DATABASE_URL: `sqlite:${path.join(dataDir, 'enrolld.sqlite')}` };
    const server = await startServerProcess(env, ['--no-worker']);
    const token = /(enrd_[A-Za-z0-9_-]{43})/.exec(server.output())![1]!;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const bulk = await fetch(`${server.baseUrl}/v1/organizations/default/mdm/apple/enterprise/enrollment-tokens/bulk`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ sendEmail: true, userEmails: ['later@example.com'] }),
    });
    assert.equal(bulk.status, 200);
    await new Promise((r) => setTimeout(r, 1500));
    const mailDir = path.join(dataDir, 'mail');
    assert.ok(!existsSync(mailDir) || readdirSync(mailDir).length === 0, 'the API node sent nothing');

    const worker = startWorkerProcess(env);
    await until(() => existsSync(mailDir) && readdirSync(mailDir).some((f) => f.endsWith('.eml')), 30_000, 'the worker to deliver');
    worker.child.kill('SIGTERM');
    assert.equal((await worker.exited).code, 0);
    assert.equal(await server.stop(), 0);
  });
});
