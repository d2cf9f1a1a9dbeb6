/**
 * Outbound webhooks: endpoints, every event type delivered over real HTTP to a receiver started
 * here and verified with the `standardwebhooks` package, retries, timeouts, the failure window,
 * secret rotation, refused destinations, the delivery log, and the shared security suite.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createKey, createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';
import { startSmtpSink } from '../helpers/smtp.ts';
import { createToken, minimalBody, tokensUrl } from '../helpers/tokens.ts';
import { createTestWorker } from '../helpers/email-worker.ts';
import { type ReceivedWebhook, type ReceiverOptions, startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { createTestWebhookWorker } from '../helpers/webhook-worker.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext({ ENROLLD_WEBHOOK_ALLOW_PRIVATE: 'true' });
});
after(async () => ctx.close());

const webhooksUrl = (org: { id: string }) => `/v1/organizations/${org.id}/webhooks`;

async function createEndpoint(org: TestOrganization, body: Record<string, unknown>) {
  const response = await call(ctx.app, 'POST', webhooksUrl(org), { token: org.adminToken, body });
  assert.equal(response.statusCode, 200, JSON.stringify(response.body));
  return response.body.data as { id: string; secret: string; url: string };
}

const receivers: WebhookReceiver[] = [];
async function receiver(options: ReceiverOptions = {}) {
  const started = await startWebhookReceiver(options);
  receivers.push(started);
  return started;
}
after(async () => {
  for (const started of receivers) await started.close();
});

/** Verify a delivery with the standardwebhooks package; answers the parsed body. */
function verified(secret: string, delivery: ReceivedWebhook): { type: string; timestamp: string; data: any } {
  const headers = {
    'webhook-id': String(delivery.headers['webhook-id']),
    'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
    'webhook-signature': String(delivery.headers['webhook-signature']),
  };
  return new Webhook(secret).verify(delivery.body, headers) as { type: string; timestamp: string; data: any };
}

async function deliveries(org: TestOrganization, endpointId: string, query: Record<string, unknown> = {}) {
  const response = await call(ctx.app, 'GET', `${webhooksUrl(org)}/${endpointId}/deliveries`, { token: org.adminToken, query: { limit: 100, ...query } });
  assert.equal(response.statusCode, 200, JSON.stringify(response.body));
  return response.body.data.items as any[];
}

describe('webhook endpoints', () => {
  it('creates an endpoint with a whsec_ secret shown once, lists, gets, updates and deletes it', async () => {
    const org = await createOrganization(ctx.app);
    const created = await createEndpoint(org, { url: 'https://hooks.example.com/enrolld', description: 'helpdesk', eventTypes: ['enrollment_token.redeemed'] });
    assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.ok(Buffer.from(created.secret.slice(6), 'base64').length >= 24);

    const got = await call(ctx.app, 'GET', `${webhooksUrl(org)}/${created.id}`, { token: org.adminToken });
    assert.equal(got.statusCode, 200);
    assert.equal(got.body.data.secret, undefined, 'the secret is never shown again');
    assert.deepEqual(
      { url: got.body.data.url, description: got.body.data.description, eventTypes: got.body.data.eventTypes, enabled: got.body.data.enabled, organization: got.body.data.organization },
      { url: 'https://hooks.example.com/enrolld', description: 'helpdesk', eventTypes: ['enrollment_token.redeemed'], enabled: true, organization: org.id },
    );
    const stored = await ctx.database.db.selectFrom('webhookEndpoints').select('secretSealed').where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.ok(!stored.secretSealed.includes(created.secret.slice(6, 20)), 'stored sealed, not as given');

    const updated = await call(ctx.app, 'PUT', `${webhooksUrl(org)}/${created.id}`, { token: org.adminToken, body: { eventTypes: null, enabled: false } });
    assert.equal(updated.statusCode, 200, JSON.stringify(updated.body));
    assert.deepEqual([updated.body.data.eventTypes, updated.body.data.enabled, updated.body.data.disabledReason], [null, false, 'disabled through the API']);
    const enabled = await call(ctx.app, 'PUT', `${webhooksUrl(org)}/${created.id}`, { token: org.adminToken, body: { enabled: 'true' } });
    assert.deepEqual([enabled.body.data.enabled, enabled.body.data.disabledReason], [true, null]);

    const listed = await call(ctx.app, 'GET', webhooksUrl(org), { token: org.adminToken });
    assert.deepEqual(listed.body.data.items.map((e: any) => e.id), [created.id]);
    const viewer = await createKey(ctx.app, org.id, { role: 'viewer' });
    assert.equal((await call(ctx.app, 'GET', webhooksUrl(org), { token: viewer })).statusCode, 200, 'a viewer may list');
    assert.equal((await call(ctx.app, 'POST', webhooksUrl(org), { token: viewer, body: { url: 'https://a.example.com/' } })).statusCode, 403, 'but not create');

    const removed = await call(ctx.app, 'DELETE', `${webhooksUrl(org)}/${created.id}`, { token: org.adminToken });
    assert.equal(removed.statusCode, 200);
    assert.equal((await call(ctx.app, 'GET', `${webhooksUrl(org)}/${created.id}`, { token: org.adminToken })).statusCode, 404);
  });

  it('refuses bad bodies naming the field and the rule, writing nothing', async () => {
    const org = await createOrganization(ctx.app);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /url/],
      [{ url: 'ftp://files.example.com/' }, /"url" must be an http or https URL/],
      [{ url: 'not a url' }, /"url" must be an absolute http or https URL/],
      [{ url: 'https://user:pw@example.com/' }, /"url" must not carry a user name or password/],
      [{ url: 'https://example.com/', eventTypes: ['token.made'] }, /eventTypes/],
      [{ url: 'https://example.com/', eventTypes: [] }, /eventTypes/],
      [{ url: 'https://example.com/', secret: 'mine' }, /secret/],
      [{ url: `https://example.com/${'x'.repeat(2100)}` }, /url/],
    ];
    for (const [body, message] of cases) {
      const response = await call(ctx.app, 'POST', webhooksUrl(org), { token: org.adminToken, body });
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(response.body.error.code, 3000);
      assert.match(response.body.error.message, message);
    }
    const count = await ctx.database.db.selectFrom('webhookEndpoints').select((eb) => eb.fn.countAll<number>().as('n')).where('organizationId', '=', org.id).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
  });
});

describe('events', () => {
  it('delivers every event type, signed per Standard Webhooks, with the API shape and no secrets', async () => {
    const org = await createOrganization(ctx.app);
    const hooks = await receiver();
    const all = await createEndpoint(org, { url: hooks.url });
    const revokedOnly = await receiver();
    const filtered = await createEndpoint(org, { url: revokedOnly.url, eventTypes: ['enrollment_token.revoked'] });
    const users = [await createMdmUser(ctx.app, org), await createMdmUser(ctx.app, org)];

    const single = await createToken(ctx.app, org, 'apple', users[0]!.id, { displayName: 'Laptop' });
    const bulk = await call(ctx.app, 'POST', `${tokensUrl(org, 'android')}/bulk`, {
      token: org.adminToken,
      body: { ...minimalBody('android'), sendEmail: true, userEmails: ['ok@example.com', 'bounce@example.com'] },
    });
    assert.equal(bulk.body.data.success, 2);
    const updated = await call(ctx.app, 'PUT', `${tokensUrl(org, 'apple')}/${single.id}`, { token: org.adminToken, body: { displayName: 'Work laptop' } });
    assert.equal(updated.statusCode, 200);
    const toRevoke = await createToken(ctx.app, org, 'windows', users[1]!.id);
    assert.equal((await call(ctx.app, 'DELETE', `${tokensUrl(org, 'windows')}/${toRevoke.id}`, { token: org.adminToken })).statusCode, 200);
    const toExpire = await createToken(ctx.app, org, 'windows', users[1]!.id);
    await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', toExpire.id).execute();
    assert.ok((await ctx.services.enrollmentTokens.expireDue()) >= 1);
    const redeemUrl = `${tokensUrl(org, 'apple')}/redeem`;
    assert.equal((await call(ctx.app, 'POST', redeemUrl, { token: org.adminToken, body: { code: single.enrollCode, device: { serialNumber: 'C02ABC' } } })).statusCode, 200);
    assert.equal((await call(ctx.app, 'POST', redeemUrl, { token: org.adminToken, body: { code: single.enrollCode, device: { serialNumber: 'OTHER' } } })).statusCode, 400);

    const sink = await startSmtpSink({ rejectRecipient: (address) => (address === 'bounce@example.com' ? { code: 550, message: 'no such user' } : null) });
    const email = createTestWorker(ctx, sink.url);
    await email.worker.drain();
    email.transport.close();
    await sink.close();

    const { worker, deliverAll } = createTestWebhookWorker(ctx);
    await deliverAll();
    await worker.stop();

    const events = hooks.received.map((delivery) => {
      assert.equal(delivery.headers['content-type'], 'application/json');
      assert.match(String(delivery.headers['user-agent']), /^enrolld\/\d+\.\d+\.\d+$/);
      assert.match(String(delivery.headers['webhook-id']), /^msg_[0-9a-f]{24}$/);
      return verified(all.secret, delivery);
    });
    const byType = (type: string) => events.filter((event) => event.type === type);
    assert.deepEqual(
      [...new Set(events.map((event) => event.type))].sort(),
      [
        'enrollment_token.created',
        'enrollment_token.expired',
        'enrollment_token.redeemed',
        'enrollment_token.redemption_refused',
        'enrollment_token.revoked',
        'enrollment_token.updated',
        'invitation.failed',
        'invitation.sent',
      ],
    );
    // One created event per token, bulk included.
    const createdIds = byType('enrollment_token.created').map((event) => event.data.id);
    assert.equal(createdIds.length, 5);
    assert.ok([single.id, toRevoke.id, toExpire.id].every((id) => createdIds.includes(id)));
    assert.equal(byType('enrollment_token.created').filter((event) => event.data.platform === 'android').length, 2);
    for (const event of events) assert.match(event.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // No code reaches a webhook: not as enrollCode, not in a link, not in Android's QR payload.
    const androidTokens = (await call(ctx.app, 'GET', tokensUrl(org, 'android'), { token: org.adminToken })).body.data.items;
    const codes: string[] = [single, toRevoke, toExpire, ...androidTokens].map((token: any) => token.enrollCode);
    assert.equal(new Set(codes).size, 5);
    for (const delivery of hooks.received) for (const code of codes) assert.ok(!delivery.body.includes(code), `a delivery carries the code ${code}`);
    const created = byType('enrollment_token.created').find((event) => event.data.id === single.id)!;
    const answered = (await call(ctx.app, 'GET', `${tokensUrl(org, 'apple')}/${single.id}`, { token: await createKey(ctx.app, org.id, { role: 'viewer' }) })).body.data;
    assert.deepEqual(Object.keys(created.data).sort(), Object.keys(answered).sort(), 'the shape the API answers');
    assert.equal(byType('enrollment_token.updated')[0]!.data.displayName, 'Work laptop');
    assert.deepEqual([byType('enrollment_token.revoked')[0]!.data.id, byType('enrollment_token.revoked')[0]!.data.state], [toRevoke.id, 'DELETED']);
    assert.deepEqual([byType('enrollment_token.expired')[0]!.data.id, byType('enrollment_token.expired')[0]!.data.state], [toExpire.id, 'EXPIRED']);
    const redeemed = byType('enrollment_token.redeemed')[0]!.data;
    assert.deepEqual([redeemed.token.id, redeemed.token.state, redeemed.token.enrollCode, redeemed.device.serialNumber], [single.id, 'DONE', null, 'C02ABC']);
    const refused = byType('enrollment_token.redemption_refused')[0]!.data;
    assert.deepEqual([refused.tokenId, refused.reason, refused.device.serialNumber, refused.platform], [single.id, 'already_used', 'OTHER', 'apple']);
    const sent = byType('invitation.sent');
    assert.deepEqual(sent.map((event) => [event.data.email, event.data.emailDelivery.status]), [['ok@example.com', 'SENT']]);
    assert.match(sent[0]!.data.messageId, /^<.+@.+>$/);
    const failed = byType('invitation.failed');
    assert.deepEqual(failed.map((event) => [event.data.email, event.data.emailDelivery.status]), [['bounce@example.com', 'FAILED']]);
    assert.match(failed[0]!.data.emailDelivery.lastError, /550/);

    // The filtered endpoint heard only of the revocation.
    assert.deepEqual(revokedOnly.received.map((delivery) => verified(filtered.secret, delivery).type), ['enrollment_token.revoked']);
    // The log shows each delivery as delivered.
    const log = await deliveries(org, all.id);
    assert.equal(log.length, events.length);
    assert.ok(log.every((entry) => entry.status === 'DELIVERED' && entry.attempts === 1 && entry.lastResponseStatus === 204 && entry.nextAttemptAt === null));
  });

  it('writes no event for a change that is refused or rolled back', async () => {
    const org = await createOrganization(ctx.app, { limits: { bulkMaxEmails: 2 } });
    const hooks = await receiver();
    const endpoint = await createEndpoint(org, { url: hooks.url });
    const tooMany = await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/bulk`, { token: org.adminToken, body: { sendEmail: false, userEmails: ['a@example.com', 'b@example.com', 'c@example.com'] } });
    assert.equal(tooMany.body.error?.code, 5017);
    const noUser = await call(ctx.app, 'POST', tokensUrl(org, 'apple'), { token: org.adminToken, body: { ...minimalBody('apple'), mdmUserId: 'aaaaaaaaaaaaaaaaaaaaaaaa' } });
    assert.equal(noUser.statusCode, 404);
    assert.deepEqual(await deliveries(org, endpoint.id), []);
  });

  it('tells no disabled endpoint and no other organization', async () => {
    const org = await createOrganization(ctx.app);
    const other = await createOrganization(ctx.app);
    const hooks = await receiver();
    const disabled = await createEndpoint(org, { url: hooks.url, enabled: false });
    const otherEndpoint = await createEndpoint(other, { url: hooks.url });
    await createToken(ctx.app, org, 'apple', (await createMdmUser(ctx.app, org)).id);
    assert.deepEqual(await deliveries(org, disabled.id), []);
    assert.deepEqual(await deliveries(other, otherEndpoint.id), []);
  });
});

describe('delivery', () => {
  it('retries a 500 and delivers with the same webhook-id', async () => {
    const org = await createOrganization(ctx.app);
    const hooks = await receiver({ respond: (_request, index) => (index === 0 ? { status: 500, body: 'x'.repeat(5000) } : { status: 200, body: 'ok' }) });
    const endpoint = await createEndpoint(org, { url: hooks.url });
    const ping = await call(ctx.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/test`, { token: org.adminToken });
    assert.equal(ping.statusCode, 200, JSON.stringify(ping.body));
    assert.equal(ping.body.data.status, 'PENDING');
    const { worker, warnings, deliverAll } = createTestWebhookWorker(ctx);
    await deliverAll();
    await worker.stop();
    assert.equal(hooks.received.length, 2);
    assert.equal(hooks.received[0]!.headers['webhook-id'], hooks.received[1]!.headers['webhook-id']);
    assert.equal(hooks.received[0]!.headers['webhook-id'], ping.body.data.id);
    assert.equal(verified(endpoint.secret, hooks.received[1]!).type, 'ping');
    assert.ok(warnings.some((warning) => /attempt 1 failed: the endpoint answered 500/.test(warning)));
    const [entry] = await deliveries(org, endpoint.id);
    assert.deepEqual([entry.status, entry.attempts, entry.lastResponseStatus, entry.lastResponseBody, entry.lastError], ['DELIVERED', 2, 200, 'ok', null]);
  });

  it('keeps at most 1 KB of a response, follows no redirect, and gives up after the last attempt', async () => {
    const org = await createOrganization(ctx.app);
    const hooks = await receiver({ respond: () => ({ status: 302, body: 'y'.repeat(4000) }) });
    const endpoint = await createEndpoint(org, { url: hooks.url });
    await call(ctx.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/test`, { token: org.adminToken });
    const { worker, deliverAll } = createTestWebhookWorker(ctx);
    await deliverAll();
    await worker.stop();
    assert.equal(hooks.received.length, 8, 'the first attempt and seven retries');
    assert.ok(hooks.received.every((request) => request.path === '/hooks'), 'no redirect followed');
    const [entry] = await deliveries(org, endpoint.id);
    assert.deepEqual([entry.status, entry.attempts, entry.lastResponseStatus, entry.lastResponseBody.length], ['FAILED', 8, 302, 1024]);
    const got = await call(ctx.app, 'GET', `${webhooksUrl(org)}/${endpoint.id}`, { token: org.adminToken });
    assert.ok(got.body.data.failingSince, 'the run of failures is shown');
    assert.equal(got.body.data.enabled, true, 'not disabled within the failure window');
  });

  it('counts a slow answer as a failure and schedules the retry', async () => {
    const org = await createOrganization(ctx.app);
    const hooks = await receiver({ respond: () => ({ status: 200, delayMs: 1500 }) });
    const endpoint = await createEndpoint(org, { url: hooks.url });
    await call(ctx.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/test`, { token: org.adminToken });
    const { worker } = createTestWebhookWorker(ctx, { timeoutMs: 200, retryScheduleMs: [60_000] });
    const started = Date.now();
    await worker.drain();
    await worker.stop();
    assert.ok(Date.now() - started < 1400, 'did not wait for the answer');
    const [entry] = await deliveries(org, endpoint.id);
    assert.deepEqual([entry.status, entry.attempts, entry.lastError], ['PENDING', 1, 'no answer within 0.2 s']);
    const wait = Date.parse(entry.nextAttemptAt) - Date.now();
    assert.ok(wait > 55_000 && wait <= 60_000, `next attempt in ${wait} ms`);

    const retried = await call(ctx.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/deliveries/${entry.id}/retry`, { token: org.adminToken });
    assert.equal(retried.statusCode, 200, JSON.stringify(retried.body));
    assert.ok(Date.parse(retried.body.data.nextAttemptAt) <= Date.now());
    const unknown = await call(ctx.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/deliveries/msg_${'0'.repeat(24)}/retry`, { token: org.adminToken });
    assert.equal(unknown.statusCode, 404);
  });

  it('disables an endpoint whose every delivery failed for 5 days, and enabling it starts afresh', async () => {
    const org = await createOrganization(ctx.app);
    const hooks = await receiver({ respond: () => ({ status: 503 }) });
    const endpoint = await createEndpoint(org, { url: hooks.url });
    let clock = new Date();
    const { worker, deliverAll } = createTestWebhookWorker(ctx, { now: () => clock });
    await call(ctx.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/test`, { token: org.adminToken });
    await deliverAll();
    const first = (await call(ctx.app, 'GET', `${webhooksUrl(org)}/${endpoint.id}`, { token: org.adminToken })).body.data;
    assert.deepEqual([first.enabled, first.failingSince], [true, clock.toISOString()]);

    clock = new Date(clock.getTime() + 5 * 86_400_000 + 1000);
    await call(ctx.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/test`, { token: org.adminToken });
    const before = hooks.received.length;
    assert.equal(before, 8);
    await deliverAll();
    await worker.stop();
    assert.equal(hooks.received.length, before + 1, 'one more attempt, then the endpoint is off');
    const disabled = (await call(ctx.app, 'GET', `${webhooksUrl(org)}/${endpoint.id}`, { token: org.adminToken })).body.data;
    assert.deepEqual([disabled.enabled, disabled.disabledReason], [false, 'every delivery failed for 5 days']);
    const [latest] = await deliveries(org, endpoint.id, { sort: 'createdAt:desc' });
    assert.equal(latest.status, 'FAILED');
    assert.match(latest.lastError, /the endpoint is disabled: every delivery failed for 5 days/);

    const enabled = await call(ctx.app, 'PUT', `${webhooksUrl(org)}/${endpoint.id}`, { token: org.adminToken, body: { enabled: true } });
    assert.deepEqual([enabled.body.data.enabled, enabled.body.data.failingSince, enabled.body.data.disabledReason], [true, null, null]);
  });

  it('signs with both secrets for 24 hours after a rotation', async () => {
    const org = await createOrganization(ctx.app);
    const hooks = await receiver();
    const endpoint = await createEndpoint(org, { url: hooks.url });
    const rotated = await call(ctx.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/rotate-secret`, { token: org.adminToken });
    assert.equal(rotated.statusCode, 200);
    const secret = rotated.body.data.secret as string;
    assert.notEqual(secret, endpoint.secret);
    const expires = Date.parse(rotated.body.data.previousSecretExpiresAt) - Date.now();
    assert.ok(expires > 86_300_000 && expires <= 86_400_000);
    await call(ctx.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/test`, { token: org.adminToken });
    const { worker, deliverAll } = createTestWebhookWorker(ctx);
    await deliverAll();
    await worker.stop();
    const [delivery] = hooks.received;
    assert.equal(String(delivery!.headers['webhook-signature']).split(' ').length, 2);
    assert.equal(verified(secret, delivery!).type, 'ping');
    assert.equal(verified(endpoint.secret, delivery!).type, 'ping', 'the old secret still verifies');
    assert.throws(() => verified(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, delivery!), /signature/i);
  });

  it('signs whole batches on the signing thread: each delivery verifies with its own endpoint\'s secrets, rotated ones included', async () => {
    const hooks = await receiver();
    const endpoints: Array<{ org: TestOrganization; secrets: string[] }> = [];
    for (const rotate of [false, true]) {
      const org = await createOrganization(ctx.app);
      const endpoint = await createEndpoint(org, { url: `${hooks.url}?org=${org.id}`, eventTypes: ['enrollment_token.created'] });
      const secrets = [endpoint.secret];
      if (rotate) secrets.unshift((await call(ctx.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/rotate-secret`, { token: org.adminToken })).body.data.secret);
      const bulk = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens/bulk`, {
        token: org.adminToken,
        body: { sendEmail: false, userEmails: Array.from({ length: 30 }, (_, i) => `signed-${i}@example.com`) },
      });
      assert.equal(bulk.body.data.success, 30, JSON.stringify(bulk.body));
      endpoints.push({ org, secrets });
    }
    // One batch of 60 from two endpoints, every one signed on the thread (the default starts at 32).
    const { worker, deliverAll } = createTestWebhookWorker(ctx, { signOffThreadFrom: 1 });
    assert.equal(await deliverAll(), 60);
    await worker.stop();
    assert.equal(hooks.received.length, 60);
    assert.equal(new Set(hooks.received.map((delivery) => delivery.headers['webhook-id'])).size, 60);
    for (const delivery of hooks.received) {
      const { secrets } = endpoints.find(({ org }) => delivery.path.includes(org.id))!;
      assert.equal(String(delivery.headers['webhook-signature']).split(' ').length, secrets.length);
      for (const secret of secrets) assert.equal(verified(secret, delivery).type, 'enrollment_token.created');
      assert.ok(Math.abs(Number(delivery.headers['webhook-timestamp']) - Date.now() / 1000) < 10, 'signed for the time of the attempt');
    }
    const other = endpoints[0]!.secrets[0]!;
    const fromSecond = hooks.received.filter((delivery) => delivery.path.includes(endpoints[1]!.org.id));
    assert.equal(fromSecond.length, 30);
    for (const delivery of fromSecond) assert.throws(() => verified(other, delivery), /signature/i, 'signed with its own endpoint\'s secret only');
  });
});

describe('destinations', () => {
  let guarded: TestContext;
  before(async () => {
    guarded = await createTestContext();
  });
  after(async () => guarded.close());

  it('refuses loopback, private, link-local and metadata addresses when the endpoint is saved', async () => {
    const org = await createOrganization(guarded.app);
    for (const url of ['http://127.0.0.1:8080/hook', 'http://10.1.2.3/hook', 'http://192.168.0.10/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/hook', 'http://[fd00:ec2::254]/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/']) {
      const response = await call(guarded.app, 'POST', webhooksUrl(org), { token: org.adminToken, body: { url } });
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.body.error.code, 3000);
      assert.match(response.body.error.message, /"url" must not point at a \w+ address/, url);
    }
    const endpoint = (await call(guarded.app, 'POST', webhooksUrl(org), { token: org.adminToken, body: { url: 'https://203.0.113.5.example.com/hook' } })).body.data;
    assert.ok(endpoint.id);
    const moved = await call(guarded.app, 'PUT', `${webhooksUrl(org)}/${endpoint.id}`, { token: org.adminToken, body: { url: 'http://10.0.0.1/' } });
    assert.equal(moved.statusCode, 400);
  });

  it('refuses at delivery a name that resolves to loopback, sending nothing', async () => {
    const org = await createOrganization(guarded.app);
    const hooks = await receiver();
    const port = new URL(hooks.url).port;
    const endpoint = (await call(guarded.app, 'POST', webhooksUrl(org), { token: org.adminToken, body: { url: `http://localhost:${port}/hooks` } })).body.data;
    await call(guarded.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/test`, { token: org.adminToken });
    const { worker } = createTestWebhookWorker(guarded, { allowPrivate: false, retryScheduleMs: [60_000] });
    await worker.drain();
    await worker.stop();
    assert.equal(hooks.received.length, 0);
    const log = (await call(guarded.app, 'GET', `${webhooksUrl(org)}/${endpoint.id}/deliveries`, { token: org.adminToken })).body.data.items;
    assert.match(log[0].lastError, /refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
  });
});

describe('webhook routes', () => {
  const withEndpoint = async (org: TestOrganization) => (await call(ctx.app, 'POST', webhooksUrl(org), { token: org.adminToken, body: { url: 'https://hooks.example.com/' } })).body.data.id as string;
  securitySuite(() => ctx.app, { method: 'POST', url: webhooksUrl, permission: 'base.organization.webhook.create', body: () => ({ url: 'https://hooks.example.com/' }) });
  securitySuite(() => ctx.app, { method: 'GET', url: webhooksUrl, permission: 'base.organization.webhook.list' });
  securitySuite(() => ctx.app, { method: 'GET', url: async (org) => `${webhooksUrl(org)}/${await withEndpoint(org)}`, permission: 'base.organization.webhook.get' });
  securitySuite(() => ctx.app, { method: 'PUT', url: async (org) => `${webhooksUrl(org)}/${await withEndpoint(org)}`, permission: 'base.organization.webhook.update', body: () => ({ description: 'x' }) });
  securitySuite(() => ctx.app, { method: 'DELETE', url: async (org) => `${webhooksUrl(org)}/${await withEndpoint(org)}`, permission: 'base.organization.webhook.remove' });
  securitySuite(() => ctx.app, { method: 'POST', url: async (org) => `${webhooksUrl(org)}/${await withEndpoint(org)}/rotate-secret`, permission: 'base.organization.webhook.update' });
  securitySuite(() => ctx.app, { method: 'POST', url: async (org) => `${webhooksUrl(org)}/${await withEndpoint(org)}/test`, permission: 'base.organization.webhook.update' });
  securitySuite(() => ctx.app, { method: 'GET', url: async (org) => `${webhooksUrl(org)}/${await withEndpoint(org)}/deliveries`, permission: 'base.organization.webhook.get' });
});

describe('webhook documentation', () => {
  it('/openapi.json describes every event type (OpenAPI 3.1 webhooks) and README lists each with an example', async () => {
    const { WEBHOOK_EVENT_TYPES } = await import('../../src/modules/webhooks/webhook-events.ts');
    const document = (await call(ctx.app, 'GET', '/openapi.json')).body;
    assert.deepEqual(Object.keys(document.webhooks).sort(), [...WEBHOOK_EVENT_TYPES, 'ping'].sort());
    for (const type of WEBHOOK_EVENT_TYPES) {
      const body = document.webhooks[type].post.requestBody.content['application/json'];
      assert.equal(body.example.type, type);
      assert.deepEqual(document.webhooks[type].post.parameters.map((p: any) => p.name), ['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    }
    assert.ok(document.paths['/v1/organizations/{organizationId}/webhooks/{webhookId}/deliveries']);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const type of WEBHOOK_EVENT_TYPES) assert.match(readme, new RegExp(`"type": "${type.replace('.', '\\.')}"`), `README shows a ${type} body`);
  });
});

describe('webhook metrics', () => {
  const METRICS_TOKEN = 'metrics-scraper-token-0123456789';
  let metered: TestContext;
  before(async () => {
    metered = await createTestContext({ ENROLLD_WEBHOOK_ALLOW_PRIVATE: 'true', ENROLLD_METRICS_TOKEN: METRICS_TOKEN });
  });
  after(async () => metered.close());

  const scrape = async () => {
    const response = await metered.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(response.statusCode, 200);
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(response.body)?.[1] ?? NaN);
    return value;
  };

  it('counts deliveries by outcome, their time and lateness, and shows the queue', async () => {
    const org = await createOrganization(metered.app);
    const hooks = await receiver({ respond: (_request, index) => ({ status: index === 0 ? 503 : 204 }) });
    const endpoint = (await call(metered.app, 'POST', webhooksUrl(org), { token: org.adminToken, body: { url: hooks.url } })).body.data;
    await call(metered.app, 'POST', `${webhooksUrl(org)}/${endpoint.id}/test`, { token: org.adminToken });
    const before = await scrape();
    assert.equal(before('enrolld_webhook_deliveries_pending{state="due"}'), 1);
    assert.ok(before('enrolld_webhook_oldest_due_seconds') >= 0);
    assert.equal(before('enrolld_webhook_deliveries_total{outcome="failed"}'), 0, 'the series exist at 0 before the first failure');
    const { worker, deliverAll } = createTestWebhookWorker(metered);
    await deliverAll();
    await worker.stop();
    const afterward = await scrape();
    assert.equal(afterward('enrolld_webhook_deliveries_total{outcome="retry"}'), 1);
    assert.equal(afterward('enrolld_webhook_deliveries_total{outcome="delivered"}'), 1);
    assert.equal(afterward('enrolld_webhook_delivery_duration_seconds_count'), 2);
    assert.equal(afterward('enrolld_webhook_worker_lag_seconds_count'), 2);
    const lag = afterward('enrolld_webhook_worker_lag_seconds_sum');
    assert.ok(lag >= 0 && lag < 10, `both claimed within seconds of being due (${lag} s in all)`);
    assert.equal(afterward('enrolld_webhook_deliveries_pending{state="due"}'), 0);
    assert.equal(afterward('enrolld_webhook_oldest_due_seconds'), 0);
  });
});
