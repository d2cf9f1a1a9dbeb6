/**
 * Scale-out on PostgreSQL, as real processes: two API nodes (`serve --no-worker`, started at the
 * same moment, so they race to migrate and bootstrap) and two workers over one database, with an
 * SMTP server. Concurrent bulk requests are spread over both nodes; one worker is killed with
 * SIGKILL mid-drain. Afterwards every token exists once with a unique code, every token's
 * invitation arrived, and redeliveries (counted and reported) reuse the Message-ID.
 * (PostgreSQL pass only; bounded to about a minute.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import { loadConfig } from '../src/config.ts';
import { ROOT_KEY, TEST_SECRET_KEY } from './helpers/app.ts';
import { createTestDatabase, ON_POSTGRES, type TestDatabase } from './helpers/database.ts';
import { type RunningServer, startServerProcess, startWorkerProcess } from './helpers/process.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp.ts';

const BULKS = 8;
const PER_BULK = 250;
/** Addresses shared by neighbouring bulks: concurrent requests race to create the same users. */
const OVERLAP = 25;

describe('two API nodes and two workers on one PostgreSQL database', { skip: !ON_POSTGRES && 'runs in the PostgreSQL pass' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-scale-'));
  let database: TestDatabase;
  let sink: SmtpSink;
  const nodes: RunningServer[] = [];
  after(async () => {
    for (const node of nodes) await node.stop();
    await sink?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no token and no invitation across a worker crash; codes stay unique', async (t) => {
    database = await createTestDatabase(dir);
    sink = await startSmtpSink({ delayMs: 5 });
    const env = {
      DATABASE_URL: database.url,
      SMTP_URL: sink.url,
      ENROLLD_SECRET_KEY: TEST_SECRET_KEY,
      ENROLLD_ROOT_KEY: ROOT_KEY,
      ENROLLD_DATA_DIR: dir,
      ENROLLD_EMAIL_LEASE_SECONDS: '3',
    };
    nodes.push(...(await Promise.all([startServerProcess(env, ['--no-worker']), startServerProcess(env, ['--no-worker'])])));
    const bootstrapped = nodes.filter((node) => /enrd_[A-Za-z0-9_-]{43}/.test(node.output()));
    assert.equal(bootstrapped.length, 1, 'exactly one node bootstrapped the empty database');

    const api = async (node: RunningServer, method: string, url: string, body: unknown, token = ROOT_KEY) => {
      const response = await fetch(`${node.baseUrl}${url}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as any };
    };
    const org = await api(nodes[0]!, 'POST', '/v1/organizations', { name: 'Fleet', slug: 'fleet' });
    assert.equal(org.status, 200);
    const key = await api(nodes[1]!, 'POST', `/v1/organizations/fleet/service-accounts`, { name: 'mdm', role: 'admin' });
    const workers = [startWorkerProcess(env), startWorkerProcess(env)];

    const bulks = Array.from({ length: BULKS }, (_, b) =>
      Array.from({ length: PER_BULK }, (_, i) => `u${b * (PER_BULK - OVERLAP) + i}@fleet.example.com`),
    );
    const answers = await Promise.all(
      bulks.map((userEmails, b) =>
        api(nodes[b % 2]!, 'POST', '/v1/organizations/fleet/mdm/windows/enterprise/enrollment-tokens/bulk', { sendEmail: true, userEmails }, key.body.data.token),
      ),
    );
    for (const answer of answers) assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 300));
    const expected = answers.reduce((sum, answer) => sum + answer.body.data.success, 0);
    assert.equal(expected, BULKS * PER_BULK, 'every address got its token');

    await sink.waitFor(200, 30_000);
    workers[0]!.child.kill('SIGKILL');
    assert.equal((await workers[0]!.exited).signal, 'SIGKILL');
    const deliveredBeforeCrash = sink.received.length;

    const check = openDatabase(loadConfig({ DATABASE_URL: database.url, ENROLLD_SECRET_KEY: TEST_SECRET_KEY }).database);
    try {
      const counts = async () =>
        (
          await sql<{ tokens: number; codes: number; sent: number; users: number; outbox: number; orphans: number }>`
            select (select count(*) from enrollment_tokens) as tokens,
                   (select count(distinct enroll_code) from enrollment_tokens) as codes,
                   (select count(*) from enrollment_tokens where email_status = 'SENT') as sent,
                   (select count(*) from mdm_users) as users,
                   (select count(*) from email_outbox) as outbox,
                   (select count(*) from enrollment_tokens t where not exists (select 1 from mdm_users u where u.id = t.mdm_user_id)) as orphans`.execute(check.db)
        ).rows[0]!;
      const deadline = Date.now() + 45_000;
      while ((await counts()).sent < expected) {
        if (Date.now() > deadline) throw new Error(`not all invitations sent: ${JSON.stringify(await counts())}\n${workers[1]!.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const final = await counts();
      assert.equal(Number(final.tokens), expected, 'no token lost, none doubled');
      assert.equal(Number(final.codes), expected, 'every code unique');
      assert.equal(Number(final.outbox), expected, 'one outbox row per invitation');
      assert.equal(Number(final.orphans), 0, 'no token without its user');
      assert.equal(Number(final.users), BULKS * (PER_BULK - OVERLAP) + OVERLAP, 'shared addresses became one user each');

      const tokenIds = new Set((await check.db.selectFrom('enrollmentTokens').select('id').execute()).map((row) => row.id));
      const messageIdsByToken = new Map<string, Set<string>>();
      for (const mail of sink.received) {
        const messageId = mail.parsed.messageId!;
        const tokenId = /^<[0-9a-f]+\.([0-9a-f]+)@/.exec(messageId)?.[1];
        assert.ok(tokenId && tokenIds.has(tokenId), `an invitation for a known token: ${messageId}`);
        const ids = messageIdsByToken.get(tokenId) ?? new Set<string>();
        ids.add(messageId);
        messageIdsByToken.set(tokenId, ids);
      }
      assert.equal(messageIdsByToken.size, expected, 'every token’s invitation arrived');
      for (const ids of messageIdsByToken.values()) assert.equal(ids.size, 1, 'a redelivery reuses its Message-ID');
      const redeliveries = sink.received.length - expected;
      t.diagnostic(`${expected} invitations, ${deliveredBeforeCrash} delivered before the SIGKILL, ${redeliveries} redelivered after it (same Message-ID)`);
    } finally {
      await check.close();
      workers[1]!.child.kill('SIGTERM');
      await workers[1]!.exited;
    }
  });
});
