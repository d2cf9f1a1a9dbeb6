/**
 * Android tokens made through Google's Android Management API, with Google's real client
 * libraries talking to a local fake of Google (test/helpers/fake-google.ts, which records every
 * call): the connection settings, the exact EnrollmentToken bodies, Google's QR code on the page,
 * in the QR image and in the invitation, retries against 429 and 500, the recovery of a call whose
 * answer was lost, revocation, and the Pub/Sub push notifications that confirm enrollments.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createTestWorker } from '../helpers/email-worker.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { type FakeGoogle, startFakeGoogle } from '../helpers/fake-google.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';
import { startSmtpSink } from '../helpers/smtp.ts';
import { createCatalogItem, createToken, tokensUrl } from '../helpers/tokens.ts';
import { createProvisioningWorker } from '../../src/modules/android-management/provisioning-worker.ts';

const ENTERPRISE = 'enterprises/LC0test';
const PUSH_ACCOUNT = 'pubsub-push@test-project.iam.gserviceaccount.com';

let google: FakeGoogle;
let ctx: TestContext;
before(async () => {
  google = await startFakeGoogle({ enterprises: [ENTERPRISE], seed: 7 });
  ctx = await createTestContext({
    ENROLLD_PUBLIC_URL: 'https://mdm.example.com',
    ENROLLD_GOOGLE_API_ROOT_URL: google.url,
    ENROLLD_GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
    ENROLLD_GOOGLE_OIDC_CERTS_URL: google.certsUrl,
  });
});
after(async () => {
  await ctx.close();
  await google.close();
});

const amapiUrl = (org: { id: string }) => `/v1/organizations/${org.id}/mdm/android/enterprise/integrations/amapi`;
const audienceOf = (org: { id: string }) => `https://mdm.example.com/push-audience/${org.id}`;

function amapiBody(org: { id: string }, withKey = true) {
  return {
    enterpriseName: ENTERPRISE,
    ...(withKey ? { serviceAccountKey: google.serviceAccountKey } : {}),
    pubsub: { audience: audienceOf(org), serviceAccountEmail: PUSH_ACCOUNT },
  };
}

async function connect(org: TestOrganization) {
  const put = await call(ctx.app, 'PUT', amapiUrl(org), { token: org.adminToken, body: amapiBody(org) });
  assert.equal(put.statusCode, 200, JSON.stringify(put.body));
  return put.body.data as { mode: string; hookUrl: string };
}

/** A provisioning worker as `enrolld serve` runs one, with retries made quick. */
function provisioningWorker(options: { retryBaseMs?: number; leaseMs?: number } = {}) {
  const warnings: string[] = [];
  const worker = createProvisioningWorker(
    {
      db: ctx.database.db,
      dialect: ctx.database.dialect,
      integrations: ctx.services.mdmIntegrations,
      tokens: ctx.services.enrollmentTokens,
      catalog: ctx.services.catalog,
      google: ctx.config.google,
      log: { info: () => {}, warn: (line) => warnings.push(line), error: (line) => warnings.push(line) },
    },
    { retryBaseMs: options.retryBaseMs ?? 10, leaseMs: options.leaseMs, pollMs: 20 },
  );
  return { worker, warnings };
}

/** Drain until no provisioning job is left to do (retries included), or fail after `timeoutMs`. */
async function provisionAll(worker: ReturnType<typeof provisioningWorker>['worker'], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await worker.drain();
    const left = await ctx.database.db.selectFrom('androidProvisioning').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'PENDING').executeTakeFirstOrThrow();
    if (Number(left.n) === 0) return;
    if (Date.now() > deadline) throw new Error(`${left.n} provisioning jobs still pending`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function tokenOf(org: TestOrganization, id: string) {
  const response = await call(ctx.app, 'GET', `${tokensUrl(org, 'android')}/${id}`, { token: org.adminToken });
  assert.equal(response.statusCode, 200, JSON.stringify(response.body));
  return response.body.data;
}

const createCalls = () => google.calls.filter((c) => c.method === 'POST' && /\/enrollmentTokens$/.test(c.path));

function decodePng(png: Buffer): string {
  const image = PNG.sync.read(png);
  const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  assert.ok(decoded, 'a real decoder reads the QR code');
  return decoded.data;
}

describe('Android Management API connection', () => {
  it('answers local mode until connected; connects with the key write-only; keeps the hook URL; returns to local', async () => {
    const org = await createOrganization(ctx.app);
    const local = await call(ctx.app, 'GET', amapiUrl(org), { token: org.adminToken });
    assert.equal(local.statusCode, 200);
    assert.equal(local.body.data.mode, 'local');
    assert.equal(local.body.data.hookUrl, null);

    const connected = await connect(org);
    assert.equal(connected.mode, 'amapi');
    assert.match(connected.hookUrl, /^https:\/\/mdm\.example\.com\/hooks\/android\/pubsub\/[A-Za-z0-9_-]{32}$/);
    const shown = await call(ctx.app, 'GET', amapiUrl(org), { token: org.adminToken });
    assert.equal(shown.body.data.serviceAccountEmail, google.serviceAccountKey.client_email);
    assert.equal(shown.body.data.enterpriseName, ENTERPRISE);
    assert.ok(!JSON.stringify(shown.body).includes('PRIVATE KEY'), 'the key is never answered');

    const kept = await call(ctx.app, 'PUT', amapiUrl(org), { token: org.adminToken, body: amapiBody(org, false) });
    assert.equal(kept.statusCode, 200, 'the stored key is kept when none is sent');
    assert.equal(kept.body.data.hookUrl, connected.hookUrl);

    assert.equal((await call(ctx.app, 'DELETE', amapiUrl(org), { token: org.adminToken })).statusCode, 200);
    assert.equal((await call(ctx.app, 'GET', amapiUrl(org), { token: org.adminToken })).body.data.mode, 'local');
  });

  it('refuses bad settings naming the field, writing nothing', async () => {
    const org = await createOrganization(ctx.app);
    const cases: Array<[Record<string, unknown>, string]> = [
      [amapiBody(org, false), '/body/serviceAccountKey'],
      [{ ...amapiBody(org), enterpriseName: 'LC0test' }, '/body/enterpriseName'],
      [{ ...amapiBody(org), serviceAccountKey: { ...google.serviceAccountKey, private_key: `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(200)}\n-----END PRIVATE KEY-----\n` } }, '/body/serviceAccountKey/private_key'],
      [{ ...amapiBody(org), serviceAccountKey: { ...google.serviceAccountKey, type: 'authorized_user' } }, '/body/serviceAccountKey/type'],
      [{ ...amapiBody(org), pubsub: { audience: audienceOf(org) } }, '/body/pubsub/serviceAccountEmail'],
    ];
    for (const [body, path] of cases) {
      const response = await call(ctx.app, 'PUT', amapiUrl(org), { token: org.adminToken, body });
      assert.equal(response.statusCode, 400, `${path}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.code, 3000);
      assert.ok(response.body.error.data.errors.some((e: { path: string }) => e.path === path), `${path}: ${JSON.stringify(response.body.error.data.errors)}`);
    }
    assert.equal((await call(ctx.app, 'GET', amapiUrl(org), { token: org.adminToken })).body.data.mode, 'local');
  });

  securitySuite(() => ctx.app, { method: 'PUT', url: amapiUrl, permission: 'mdm.android.enterprise.update', body: (org) => amapiBody(org) });
  securitySuite(() => ctx.app, { method: 'GET', url: amapiUrl, permission: 'mdm.android.enterprise.get' });
  securitySuite(() => ctx.app, { method: 'DELETE', url: amapiUrl, permission: 'mdm.android.enterprise.update' });
});

describe('Android tokens made by Google', () => {
  it('asks Google for one one-time token per management mode with the policy, duration and enrolld reference', async () => {
    const org = await createOrganization(ctx.app);
    await connect(org);
    const policy = await createCatalogItem(ctx.app, org, 'android/enterprise/policies', { name: 'Kiosk', amapiPolicyName: `${ENTERPRISE}/policies/kiosk` });
    assert.equal(policy.amapiPolicyName, `${ENTERPRISE}/policies/kiosk`);
    const user = await createMdmUser(ctx.app, org);
    const expected: Record<string, string> = {
      DEVICE_OWNER: 'PERSONAL_USAGE_DISALLOWED',
      PROFILE_OWNER: 'PERSONAL_USAGE_ALLOWED',
      COPE: 'PERSONAL_USAGE_ALLOWED',
      USERLESS: 'PERSONAL_USAGE_DISALLOWED_USERLESS',
    };
    const tokens = new Map<string, any>();
    for (const mode of Object.keys(expected)) {
      const token = await createToken(ctx.app, org, 'android', user.id, { managementMode: mode, policyId: policy.id, duration: 7200 });
      assert.equal(token.config.mode, 'amapi');
      assert.equal(token.config.provisioning, 'PENDING', 'answered at once, before Google is asked');
      assert.equal(token.config.qrCode, null);
      assert.equal(token.config.enrollmentToken, null);
      tokens.set(token.id, { token, mode });
    }
    const before = createCalls().length;
    const { worker } = provisioningWorker();
    await provisionAll(worker);
    const sent = createCalls().slice(before);
    assert.equal(sent.length, 4, 'one create per token');
    for (const request of sent) {
      assert.equal(request.path, `/v1/${ENTERPRISE}/enrollmentTokens`);
      assert.match(request.authorization ?? '', /^Bearer /, 'with the service account\'s access token');
      const body = request.body as Record<string, any>;
      const { enrolldToken } = JSON.parse(body.additionalData);
      const { token, mode } = tokens.get(enrolldToken);
      const seconds = Number(/^(\d+)s$/.exec(body.duration)![1]);
      assert.ok(seconds <= 7200 && seconds > 7100, `the token's remaining life (${body.duration})`);
      assert.deepEqual(
        { ...body, duration: undefined },
        { duration: undefined, policyName: `${ENTERPRISE}/policies/kiosk`, additionalData: JSON.stringify({ enrolldToken: token.id }), oneTimeOnly: true, allowPersonalUsage: expected[mode] },
      );
    }
    for (const id of tokens.keys()) {
      const ready = await tokenOf(org, id);
      assert.equal(ready.config.provisioning, 'READY');
      const made = google.tokens.get(ready.config.googleTokenName)!.token;
      assert.equal(ready.config.enrollmentToken, made.value);
      assert.deepEqual(ready.config.qrCode, JSON.parse(made.qrCode), "config.qrCode is Google's");
      assert.ok(Math.abs(Date.parse(made.expirationTimestamp) - Date.parse(ready.expireAt)) < 2000, "Google's token expires with enrolld's");
    }
  });

  it("shows Google's QR code on the page, in the QR image and in the invitation, which waits for Google", async () => {
    const org = await createOrganization(ctx.app);
    await connect(org);
    const user = await createMdmUser(ctx.app, org, { email: 'droid@example.com' });
    const token = await createToken(ctx.app, org, 'android', user.id, { managementMode: 'PROFILE_OWNER', sendEmail: true });
    const pending = await call(ctx.app, 'GET', `/enroll/android/${token.enrollCode}/qr.png`);
    assert.equal(pending.statusCode, 404, 'no QR code before Google made the token');
    const preparing = String((await call(ctx.app, 'GET', `/enroll/android/${token.enrollCode}`)).body);
    assert.match(preparing, /id="enrollment-notice"[^>]*>Your enrollment is still being prepared/, 'the page says so');
    assert.ok(!preparing.includes('id="provisioning-qr"'));

    const sink = await startSmtpSink();
    const mail = createTestWorker(ctx, sink.url);
    try {
      assert.equal(await mail.worker.drain(), 0, 'the invitation is held until Google made the token');
      const { worker } = provisioningWorker();
      await provisionAll(worker);
      assert.equal(await mail.worker.drain(), 1);
      const ready = await tokenOf(org, token.id);
      const made = google.tokens.get(ready.config.googleTokenName)!.token;

      const png = await ctx.app.inject({ method: 'GET', url: `/enroll/android/${token.enrollCode}/qr.png` });
      assert.equal(png.statusCode, 200);
      assert.equal(decodePng(png.rawPayload), made.qrCode, "the image encodes Google's qrCode verbatim");
      const page = await call(ctx.app, 'GET', `/enroll/android/${token.enrollCode}`);
      const html = String(page.body).replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
      assert.ok(html.includes(`https://enterprise.google.com/android/enroll?et=${made.value}`), "the work-profile link carries Google's token");

      const invitation = sink.received[0]!.parsed;
      const qr = invitation.attachments.find((attachment) => attachment.contentType === 'image/png');
      assert.ok(qr, 'the invitation carries the QR code');
      assert.equal(decodePng(qr.content), made.qrCode);
    } finally {
      mail.transport.close();
      await sink.close();
    }
  });

  it('revoking a token deletes it at Google', async () => {
    const org = await createOrganization(ctx.app);
    await connect(org);
    const user = await createMdmUser(ctx.app, org);
    const token = await createToken(ctx.app, org, 'android', user.id, { managementMode: 'DEVICE_OWNER' });
    const { worker } = provisioningWorker();
    await provisionAll(worker);
    const name = (await tokenOf(org, token.id)).config.googleTokenName;
    assert.ok(google.tokens.has(name));
    assert.equal((await call(ctx.app, 'DELETE', `${tokensUrl(org, 'android')}/${token.id}`, { token: org.adminToken })).statusCode, 200);
    await provisionAll(worker);
    assert.ok(!google.tokens.has(name), 'Google no longer has it');
    assert.ok(google.deleted.includes(name));
  });

  it('makes every token of a bulk exactly once through 429s (with Retry-After) and 500s', async () => {
    const org = await createOrganization(ctx.app);
    await connect(org);
    const emails = Array.from({ length: 2000 }, (_, i) => `bulk-${i}@example.com`);
    const started = Date.now();
    const bulk = await call(ctx.app, 'POST', `${tokensUrl(org, 'android')}/bulk`, { token: org.adminToken, body: { sendEmail: false, managementMode: 'DEVICE_OWNER', userEmails: emails } });
    assert.equal(bulk.statusCode, 200, JSON.stringify(bulk.body));
    assert.equal(bulk.body.data.success, 2000);
    assert.equal(createCalls().filter((c) => JSON.stringify(c.body).includes('"x"')).length, 0);
    assert.ok(Date.now() - started < 30_000, 'the bulk answers without waiting on Google');

    const liveBefore = google.tokens.size;
    google.failNext(20, 429, { retryAfter: 1 });
    google.setFailureRate(0.05, 500);
    const { worker, warnings } = provisioningWorker();
    try {
      await provisionAll(worker, 120_000);
    } finally {
      google.setFailureRate(0, 500);
    }
    assert.ok(warnings.some((line) => /HTTP 429/.test(line)) && warnings.some((line) => /HTTP 500/.test(line)), 'both kinds of failure happened');
    const listed = await call(ctx.app, 'GET', `${tokensUrl(org, 'android')}?limit=100`, { token: org.adminToken });
    assert.equal(listed.body.data.totalDocs, 2000);
    const states = await ctx.database.db.selectFrom('enrollmentTokens').select('platformState').where('organizationId', '=', org.id).execute();
    const names = states.map((row) => (typeof row.platformState === 'string' ? JSON.parse(row.platformState) : row.platformState) as { provisioning: string; name: string });
    assert.ok(names.every((state) => state.provisioning === 'READY'), 'every token READY');
    assert.equal(new Set(names.map((state) => state.name)).size, 2000, 'each with its own Google token');
    assert.equal(google.tokens.size - liveBefore, 2000, 'and no other token left at Google');
  });

  it('deletes what a call whose answer was lost made, and makes the token once', async () => {
    const org = await createOrganization(ctx.app);
    await connect(org);
    const user = await createMdmUser(ctx.app, org);
    const tokens = [];
    for (let i = 0; i < 3; i++) tokens.push(await createToken(ctx.app, org, 'android', user.id, { managementMode: 'DEVICE_OWNER' }));
    const liveBefore = google.tokens.size;

    // Worker A sends its three creates; Google holds them, and A is as good as dead: its leases
    // run out and worker B takes the jobs over before Google answers A.
    google.hold();
    const a = provisioningWorker({ leaseMs: 60_000 });
    const aDrain = a.worker.drain();
    await google.waitForCalls(google.calls.length + 3, 10_000).catch(() => undefined);
    await ctx.database.db.updateTable('androidProvisioning').set({ leaseUntil: new Date(Date.now() - 1000).toISOString() }).where('organizationId', '=', org.id).execute();
    const b = provisioningWorker({ leaseMs: 60_000 });
    const bDone = provisionAll(b.worker);
    await new Promise((resolve) => setTimeout(resolve, 300));
    google.release();
    await Promise.all([aDrain, bDone]);
    await provisionAll(b.worker);

    assert.ok(b.warnings.some((line) => /answer was lost/.test(line)), 'B found what A made');
    for (const token of tokens) assert.equal((await tokenOf(org, token.id)).config.provisioning, 'READY');
    assert.equal(google.tokens.size - liveBefore, 3, 'one live Google token per enrolld token');
    const recorded = new Set(await Promise.all(tokens.map(async (token) => (await tokenOf(org, token.id)).config.googleTokenName)));
    for (const name of recorded) assert.ok(google.tokens.has(name), 'the recorded ones are the live ones');
  });

  it("fails a token Google refuses, with Google's reason, and its invitation with it", async () => {
    const org = await createOrganization(ctx.app);
    const put = await call(ctx.app, 'PUT', amapiUrl(org), { token: org.adminToken, body: { ...amapiBody(org), enterpriseName: 'enterprises/LC0unknown' } });
    assert.equal(put.statusCode, 200);
    const user = await createMdmUser(ctx.app, org);
    const token = await createToken(ctx.app, org, 'android', user.id, { managementMode: 'DEVICE_OWNER', sendEmail: true });
    const before = createCalls().length;
    await provisionAll(provisioningWorker().worker);
    assert.equal(createCalls().length - before, 1, 'a refusal is not retried');
    const failed = await tokenOf(org, token.id);
    assert.equal(failed.config.provisioning, 'FAILED');
    assert.match(failed.config.provisioningError, /HTTP 404/);
    assert.equal(failed.emailDelivery.status, 'FAILED');
    const page = String((await call(ctx.app, 'GET', `/enroll/android/${token.enrollCode}`)).body);
    assert.match(page, /id="enrollment-notice"[^>]*>[^<]*could not prepare this enrollment/);
    assert.match(failed.emailDelivery.lastError, /could not make the token/);
    const resend = await call(ctx.app, 'POST', `${tokensUrl(org, 'android')}/${token.id}/resend`, { token: org.adminToken, body: {} });
    assert.equal(resend.statusCode, 400, JSON.stringify(resend.body));
    assert.equal(resend.body.error.code, 5120);
  });

  it('leaves local mode as it was', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const token = await createToken(ctx.app, org, 'android', user.id, { managementMode: 'DEVICE_OWNER' });
    assert.equal(token.config.mode, 'local');
    assert.equal(token.config.provisioning, null);
    assert.equal(token.config.enrollmentToken, token.enrollCode);
  });
});

describe('Pub/Sub push notifications', () => {
  async function readyToken(org: TestOrganization, fields: Record<string, unknown> = {}) {
    const user = await createMdmUser(ctx.app, org);
    const token = await createToken(ctx.app, org, 'android', user.id, { managementMode: 'DEVICE_OWNER', ...fields });
    await provisionAll(provisioningWorker().worker);
    return tokenOf(org, token.id);
  }

  function device(token: any, overrides: Record<string, unknown> = {}) {
    return {
      name: `${ENTERPRISE}/devices/${token.id.slice(0, 12)}`,
      enrollmentTokenName: token.config.googleTokenName,
      enrollmentTokenData: JSON.stringify({ enrolldToken: token.id }),
      state: 'ACTIVE',
      hardwareInfo: { serialNumber: `SN${token.id.slice(0, 8)}`, model: 'Pixel 9', manufacturer: 'Google', brand: 'google' },
      networkInfo: { imei: '356938035643809' },
      ...overrides,
    };
  }

  let messages = 0;
  function push(hookUrl: string, type: string, resource: unknown, options: { messageId?: string; token?: string | null; audience?: string } = {}) {
    const path = new URL(hookUrl).pathname;
    const messageId = options.messageId ?? `m-${Date.now()}-${messages++}`;
    const body = {
      message: { attributes: { notificationType: type }, data: Buffer.from(JSON.stringify(resource)).toString('base64'), messageId, publishTime: new Date().toISOString() },
      subscription: 'projects/test-project/subscriptions/enrolld',
    };
    const token = options.token === undefined ? google.signPushToken({ aud: options.audience!, email: PUSH_ACCOUNT }) : options.token;
    return call(ctx.app, 'POST', path, { body, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  }

  async function audit(org: TestOrganization, token: { id: string }) {
    const response = await call(ctx.app, 'GET', `${tokensUrl(org, 'android')}/${token.id}/redemptions?limit=100&sort=createdAt`, { token: org.adminToken });
    return response.body.data.items as Array<{ outcome: string; device: Record<string, string> }>;
  }

  async function devicesOf(org: TestOrganization) {
    const devices = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/android/enterprise/devices?limit=100`, { token: org.adminToken });
    return devices.body.data.items as Array<Record<string, any>>;
  }

  it('ENROLLMENT redeems the token with the device and enrolls it; a repeated message changes nothing; STATUS_REPORT records the last report', async () => {
    const org = await createOrganization(ctx.app);
    const { hookUrl } = await connect(org);
    const endpoint = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/webhooks`, {
      token: org.adminToken,
      body: { url: 'https://hooks.example.com/android', eventTypes: ['enrollment_token.updated', 'enrollment_token.redeemed', 'device.enrolled'] },
    });
    assert.equal(endpoint.statusCode, 200, JSON.stringify(endpoint.body));
    const token = await readyToken(org);
    const resource = device(token);
    const first = await push(hookUrl, 'ENROLLMENT', resource, { messageId: 'enroll-1', audience: audienceOf(org) });
    assert.equal(first.statusCode, 204, first.body);
    const done = await tokenOf(org, token.id);
    assert.equal(done.state, 'DONE');
    const [enrolled] = await devicesOf(org);
    assert.deepEqual(
      { udid: enrolled!.udid, serialNumber: enrolled!.serialNumber, imei: enrolled!.imei, model: enrolled!.model, name: enrolled!.name, status: enrolled!.status },
      { udid: resource.name, serialNumber: resource.hardwareInfo.serialNumber, imei: '356938035643809', model: 'Pixel 9', name: 'Google Pixel 9', status: 'ENROLLED' },
    );
    assert.equal(done.emmDeviceId, enrolled!.id);
    assert.deepEqual((await audit(org, token)).map((entry) => entry.outcome), ['REDEEMED', 'ENROLLED']);

    const replay = await push(hookUrl, 'ENROLLMENT', resource, { messageId: 'enroll-1', audience: audienceOf(org) });
    assert.equal(replay.statusCode, 204);
    assert.equal((await audit(org, token)).length, 2, 'the repeated message changed nothing');

    const deliveries = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/webhooks/${endpoint.body.data.id}/deliveries?limit=10&sort=createdAt`, { token: org.adminToken });
    const events = deliveries.body.data.items.map((delivery: { event: { type: string; data: any } }) => delivery.event);
    assert.deepEqual(events.map((event: { type: string }) => event.type).sort(), ['device.enrolled', 'enrollment_token.redeemed', 'enrollment_token.updated'], 'once each, the replay told no one');
    const updated = events.find((event: { type: string }) => event.type === 'enrollment_token.updated');
    assert.equal(updated.data.config.provisioning, 'READY', 'told when Google made the token');
    assert.equal(updated.data.config.enrollmentToken, null, 'without its secrets');
    const enrolledEvent = events.find((event: { type: string }) => event.type === 'device.enrolled');
    assert.equal(enrolledEvent.data.device.udid, resource.name);

    const reportedAt = new Date(Date.now() - 5000).toISOString();
    assert.equal((await push(hookUrl, 'STATUS_REPORT', { ...resource, state: 'DISABLED', lastStatusReportTime: reportedAt }, { audience: audienceOf(org) })).statusCode, 204);
    const [reported] = await devicesOf(org);
    assert.equal(reported!.lastSeenAt, reportedAt);
    assert.equal(reported!.providerState, 'DISABLED');
  });

  it('refuses pushes without a valid Google token for the registered audience and account, changing nothing', async () => {
    const org = await createOrganization(ctx.app);
    const { hookUrl } = await connect(org);
    const token = await readyToken(org);
    const resource = device(token);
    const audience = audienceOf(org);
    const refused = [
      { token: null },
      { token: google.signPushToken({ aud: audience, email: PUSH_ACCOUNT, expiresInSeconds: -3600 }) },
      { token: google.signPushToken({ aud: 'https://elsewhere.example.com/push', email: PUSH_ACCOUNT }) },
      { token: google.signPushToken({ aud: audience, email: PUSH_ACCOUNT, signWith: 'other' }) },
      { token: google.signPushToken({ aud: audience, email: 'someone-else@test-project.iam.gserviceaccount.com' }) },
      { token: google.signPushToken({ aud: audience, email: PUSH_ACCOUNT, email_verified: false }) },
    ];
    for (const [i, options] of refused.entries()) {
      const response = await push(hookUrl, 'ENROLLMENT', resource, { ...options, audience });
      assert.equal(response.statusCode, 401, `case ${i}: ${response.body}`);
    }
    const unknownHook = await push('https://mdm.example.com/hooks/android/pubsub/nope', 'ENROLLMENT', resource, { audience });
    assert.equal(unknownHook.statusCode, 404);
    assert.equal((await tokenOf(org, token.id)).state, 'PENDING');
    assert.deepEqual(await audit(org, token), []);
  });

  it('records an ENROLLMENT with a revoked or used token as refused; acknowledges what it cannot use', async () => {
    const org = await createOrganization(ctx.app);
    const { hookUrl } = await connect(org);
    const audience = audienceOf(org);
    const revoked = await readyToken(org);
    await call(ctx.app, 'DELETE', `${tokensUrl(org, 'android')}/${revoked.id}`, { token: org.adminToken });
    assert.equal((await push(hookUrl, 'ENROLLMENT', device(revoked), { audience })).statusCode, 204);
    assert.deepEqual((await audit(org, revoked)).map((entry) => entry.outcome), ['REVOKED']);

    const used = await readyToken(org);
    assert.equal((await push(hookUrl, 'ENROLLMENT', device(used), { audience })).statusCode, 204);
    const other = device(used, { name: `${ENTERPRISE}/devices/another`, hardwareInfo: { serialNumber: 'OTHER1', model: 'Pixel 8' } });
    assert.equal((await push(hookUrl, 'ENROLLMENT', other, { audience })).statusCode, 204);
    assert.deepEqual((await audit(org, used)).map((entry) => entry.outcome), ['REDEEMED', 'ENROLLED', 'ALREADY_USED']);

    // Another organization's token named in the push: nothing changes there.
    const elsewhere = await createOrganization(ctx.app);
    await connect(elsewhere);
    const theirs = await (async () => {
      const user = await createMdmUser(ctx.app, elsewhere);
      const created = await createToken(ctx.app, elsewhere, 'android', user.id, { managementMode: 'DEVICE_OWNER' });
      await provisionAll(provisioningWorker().worker);
      return tokenOf(elsewhere, created.id);
    })();
    assert.equal((await push(hookUrl, 'ENROLLMENT', device(theirs), { audience })).statusCode, 204);
    assert.equal((await tokenOf(elsewhere, theirs.id)).state, 'PENDING');

    for (const body of [{ type: 'COMMAND', resource: { name: 'operations/1' } }, { type: 'ENROLLMENT', resource: 'not a device' }]) {
      assert.equal((await push(hookUrl, body.type, body.resource, { audience })).statusCode, 204, 'acknowledged, never retried forever');
    }
  });
});
