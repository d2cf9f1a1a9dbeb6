/**
 * A slow SMTP server must not turn at-least-once into twice: while a worker is still sending a
 * claimed batch it renews the batch's leases, so a second worker polling the same outbox finds
 * nothing to take. (Before, a batch that outlived its lease was taken over and resent.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createTestWorker } from '../helpers/email-worker.ts';
import { createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { startSmtpSink } from '../helpers/smtp.ts';
import { tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

// Long enough that claiming, composing and taking sending slots (before renewals begin) fit in it
// on a loaded CI machine (400 ms did not, under two suites at once); the sending outlasts it.
const LEASE_MS = 1_000;

describe('email leases', () => {
  it('are renewed while a slow server takes longer than the lease, so a second worker sends nothing twice', async () => {
    // 30 messages over 5 connections at 250 ms each: about 1.5 s of sending, well past the lease.
    const sink = await startSmtpSink({ delayMs: 250 });
    const workers = [0, 1].map(() => createTestWorker(ctx, sink.url, { leaseMs: LEASE_MS, pollMs: 50 }));
    try {
      const org = await createOrganization(ctx.app);
      const emails = Array.from({ length: 30 }, (_, i) => `slow${i}@example.com`);
      const bulk = await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/bulk`, { token: org.adminToken, body: { sendEmail: true, userEmails: emails } });
      assert.equal(bulk.body.data.success, 30);

      const first = workers[0]!.worker.drain();
      await new Promise((resolve) => setTimeout(resolve, 50)); // the first worker holds every row
      workers[1]!.worker.start(); // polls every 50 ms for the whole drain and past the lease
      assert.equal(await first, 30);
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 1.5));
      await workers[1]!.worker.stop();

      const ids = sink.received.map((mail) => mail.parsed.messageId);
      assert.equal(ids.length, 30, `${ids.length} messages for 30 invitations`);
      assert.equal(new Set(ids).size, 30, 'no invitation sent twice');
      const sent = await ctx.database.db.selectFrom('emailOutbox').select(['status', 'attempts']).where('organizationId', '=', org.id).execute();
      assert.ok(sent.every((row) => row.status === 'SENT' && Number(row.attempts) === 1), JSON.stringify(sent));
      assert.deepEqual(workers.flatMap((w) => w.warnings), []);
    } finally {
      for (const { worker, transport } of workers) {
        await worker.stop();
        transport.close();
      }
      await sink.close();
    }
  });
});
