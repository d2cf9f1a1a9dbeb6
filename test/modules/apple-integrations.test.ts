/**
 * Apple enrollment completed by step-ca and NanoMDM, with no glue: the calls those programs make,
 * built exactly as they send them — step-ca's SCEPCHALLENGE and NOTIFYING JSON (no Content-Type,
 * hex HMAC keyed with the base64-decoded secret) around a real PKCS#10 request, NanoMDM's and
 * MicroMDM's check-in events around a real property list — over real HTTP to a listening enrolld.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import forge from 'node-forge';
import { build as buildPlist, parse as parsePlist } from 'plist';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';
import { createToken } from '../helpers/tokens.ts';

let ctx: TestContext;
let base: string;
before(async () => {
  ctx = await createTestContext({ ENROLLD_WEBHOOK_ALLOW_PRIVATE: 'true' });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const address = ctx.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(async () => ctx.close());

const appleUrl = (org: { id: string }) => `/v1/organizations/${org.id}/mdm/apple/enterprise`;
const integrationsUrl = (org: { id: string }) => `${appleUrl(org)}/integrations`;

// --- step-ca -------------------------------------------------------------------------------------

interface StepCa {
  webhookId: string;
  secret: string;
  notifyId: string;
  notifySecret: string;
}

/** Register step-ca's two webhooks as `step ca provisioner webhook add` would print them (64 random bytes, base64). */
async function registerStepCa(org: TestOrganization): Promise<StepCa> {
  const stepCa = { webhookId: randomUUID(), secret: randomBytes(64).toString('base64'), notifyId: randomUUID(), notifySecret: randomBytes(64).toString('base64') };
  const put = await call(ctx.app, 'PUT', `${integrationsUrl(org)}/step-ca`, {
    token: org.adminToken,
    body: { webhookId: stepCa.webhookId, secret: stepCa.secret, notify: { webhookId: stepCa.notifyId, secret: stepCa.notifySecret } },
  });
  assert.equal(put.statusCode, 200, JSON.stringify(put.body));
  return stepCa;
}

const keyPair = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string), publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string) };
})();

/** A real PKCS#10 request as the device makes it from the profile's SCEP payload: subject and challengePassword. */
function certificateRequest(commonName: string, challenge: string): { der: Buffer; request: ReturnType<typeof forge.pki.createCertificationRequest> } {
  const request = forge.pki.createCertificationRequest();
  request.publicKey = keyPair.publicKey;
  request.setSubject([
    { name: 'organizationName', value: 'Test org' },
    { name: 'commonName', value: commonName },
  ]);
  request.setAttributes([{ name: 'challengePassword', value: challenge }]);
  request.sign(keyPair.privateKey, forge.md.sha256.create());
  return { der: Buffer.from(forge.asn1.toDer(forge.pki.certificationRequestToAsn1(request)).getBytes(), 'binary'), request };
}

/** step-ca's x509util.CertificateRequest JSON of a request. */
function stepCaCsr(commonName: string, der: Buffer, includeSubject = true) {
  return {
    version: 0,
    subject: includeSubject ? { commonName, organization: ['Test org'] } : {},
    rawSubject: null,
    dnsNames: null,
    emailAddresses: null,
    ipAddresses: null,
    uris: null,
    sans: null,
    extensions: null,
    signatureAlgorithm: 'SHA256-RSA',
    publicKey: Buffer.from(forge.asn1.toDer(forge.pki.publicKeyToAsn1(keyPair.publicKey)).getBytes(), 'binary').toString('base64'),
    publicKeyAlgorithm: 'RSA',
    raw: der.toString('base64'),
  };
}

/** POST as step-ca does: raw JSON bytes, no Content-Type, its webhook id and hex HMAC-SHA256 keyed with the decoded secret. */
async function postAsStepCa(path: string, body: unknown, webhookId: string, secret: string, signature?: string | null) {
  const bytes = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { 'x-smallstep-webhook-id': webhookId, 'x-request-id': randomUUID() };
  const computed = createHmac('sha256', Buffer.from(secret, 'base64')).update(bytes).digest('hex');
  if (signature !== null) headers['x-smallstep-signature'] = signature ?? computed;
  const response = await fetch(`${base}/hooks/step-ca/${path}`, { method: 'POST', headers, body: bytes });
  return { status: response.status, body: (await response.json()) as any };
}

function challengeBody(challenge: string, commonName: string, options: { transactionId?: string; includeSubject?: boolean } = {}) {
  const { der } = certificateRequest(commonName, challenge);
  return {
    timestamp: new Date().toISOString(),
    provisionerName: 'enrolld-scep',
    x509CertificateRequest: stepCaCsr(commonName, der, options.includeSubject ?? true),
    scepChallenge: challenge,
    scepTransactionID: options.transactionId ?? randomBytes(16).toString('hex'),
  };
}

const askStepCa = (stepCa: StepCa, challenge: string, commonName: string, options: { transactionId?: string; includeSubject?: boolean } = {}) =>
  postAsStepCa('scep-challenge', challengeBody(challenge, commonName, options), stepCa.webhookId, stepCa.secret);

/** A certificate as step-ca issues it, valid from `notBefore` to `notAfter`. */
function issuedCertificate(commonName: string, notBefore: Date, notAfter: Date): Buffer {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keyPair.publicKey;
  certificate.serialNumber = randomBytes(8).toString('hex').replace(/^[89a-f]/, '1');
  certificate.validity.notBefore = notBefore;
  certificate.validity.notAfter = notAfter;
  certificate.setSubject([{ name: 'commonName', value: commonName }]);
  certificate.setIssuer([{ name: 'commonName', value: 'Test step-ca Intermediate CA' }]);
  certificate.sign(keyPair.privateKey, forge.md.sha256.create());
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
}

function notifyIssued(stepCa: StepCa, transactionId: string, commonName: string, notBefore: Date, notAfter: Date) {
  const der = issuedCertificate(commonName, notBefore, notAfter);
  return postAsStepCa(
    'scep-notify',
    {
      timestamp: new Date().toISOString(),
      x509CertificateRequest: stepCaCsr(commonName, certificateRequest(commonName, 'x').der),
      x509Certificate: { publicKey: 'AA==', publicKeyAlgorithm: 'RSA', notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString(), raw: der.toString('base64') },
      scepTransactionID: transactionId,
    },
    stepCa.notifyId,
    stepCa.notifySecret,
  );
}

// --- tokens and profiles -------------------------------------------------------------------------

async function appleToken(org: TestOrganization) {
  const user = await createMdmUser(ctx.app, org);
  return createToken(ctx.app, org, 'apple', user.id);
}

/** The profile's one-time challenge, as the device reads it from the downloaded .mobileconfig. */
async function profileChallenge(token: { enrollCode: string }): Promise<string> {
  const response = await ctx.app.inject({ method: 'GET', url: `/enroll/apple/${token.enrollCode}/profile` });
  assert.equal(response.statusCode, 200);
  const xml = execFileSync('openssl', ['cms', '-verify', '-noverify', '-inform', 'DER'], { input: response.rawPayload, stdio: ['pipe', 'pipe', 'pipe'] }).toString('utf8');
  const profile = parsePlist(xml) as any;
  return profile.PayloadContent.find((payload: any) => payload.PayloadType === 'com.apple.security.scep').PayloadContent.Challenge;
}

const commonNameOf = (token: { id: string }) => `enrolld device ${token.id}`;

async function audit(org: TestOrganization, token: { id: string }) {
  const response = await call(ctx.app, 'GET', `${appleUrl(org)}/enrollment-tokens/${token.id}/redemptions?limit=100&sort=createdAt`, { token: org.adminToken });
  assert.equal(response.statusCode, 200, JSON.stringify(response.body));
  return response.body.data.items as Array<{ outcome: string; detail: Record<string, any> | null; device: Record<string, string>; code: string | null }>;
}

async function tokenOf(org: TestOrganization, token: { id: string }) {
  return (await call(ctx.app, 'GET', `${appleUrl(org)}/enrollment-tokens/${token.id}`, { token: org.adminToken })).body.data;
}

// --- NanoMDM -------------------------------------------------------------------------------------

async function registerNanoMdm(org: TestOrganization, hmacKey?: string): Promise<string> {
  const put = await call(ctx.app, 'PUT', `${integrationsUrl(org)}/nanomdm`, { token: org.adminToken, body: hmacKey ? { hmacKey } : {} });
  assert.equal(put.statusCode, 200, JSON.stringify(put.body));
  return new URL(put.body.data.hookUrl).pathname;
}

const DEVICE = { UDID: '66ADE930-5FDF-5EC4-8429-15640684C489', SerialNumber: 'C02XK1ZZJGH5', ProductName: 'Mac14,7', Model: 'MacBookPro', OSVersion: '15.1', DeviceName: "Ada's MacBook Pro", IMEI: '35 209900 176148 1' };

/** NanoMDM's webhook event of a check-in message (service/webhook/event.go), the message a real plist. */
function nanoMdmEvent(topic: string, token: { id: string } | null, message: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const plist = buildPlist({ MessageType: topic.replace('mdm.', ''), Topic: 'com.apple.mgmt.External.test', ...message } as any);
  const udid = (message.UDID as string | undefined) ?? DEVICE.UDID;
  return {
    topic,
    event_id: randomBytes(8).toString('hex'),
    created_at: new Date().toISOString(),
    checkin_event: {
      udid,
      ...(token ? { url_params: { enrollment: token.id } } : {}),
      raw_payload: Buffer.from(plist).toString('base64'),
      ids: { id: udid, type: 'Device' },
      ...extra,
    },
  };
}

async function postAsNanoMdm(path: string, event: unknown, hmacKey?: string | null, options: { indent?: boolean; signature?: string } = {}) {
  const bytes = Buffer.from(options.indent ? JSON.stringify(event, null, '  ') : JSON.stringify(event));
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (options.signature !== undefined) headers['x-hmac-signature'] = options.signature;
  else if (hmacKey) headers['x-hmac-signature'] = createHmac('sha256', hmacKey).update(bytes).digest('base64');
  const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: bytes });
  return { status: response.status, body: (await response.json()) as any };
}

const authenticate = (token: { id: string } | null, device: Record<string, unknown> = DEVICE) => nanoMdmEvent('mdm.Authenticate', token, device);
const tokenUpdate = (token: { id: string }, tally?: number, device = DEVICE) =>
  nanoMdmEvent('mdm.TokenUpdate', token, { UDID: device.UDID, Token: Buffer.from('push-token'), PushMagic: 'magic' }, tally === undefined ? {} : { token_update_tally: tally });
const checkOut = (token: { id: string }, device = DEVICE) => nanoMdmEvent('mdm.CheckOut', token, { UDID: device.UDID });

async function deviceOf(org: TestOrganization, token: { id: string }) {
  const current = await tokenOf(org, token);
  if (!current.admDevice) return null;
  const devices = await call(ctx.app, 'GET', `${appleUrl(org)}/devices?limit=100`, { token: org.adminToken });
  return devices.body.data.items.find((device: { id: string }) => device.id === current.admDevice);
}

// -------------------------------------------------------------------------------------------------

describe('Apple integrations settings', () => {
  it('registers step-ca webhooks, answers their ids and URLs, never the secrets', async () => {
    const org = await createOrganization(ctx.app);
    assert.equal((await call(ctx.app, 'GET', `${integrationsUrl(org)}/step-ca`, { token: org.adminToken })).statusCode, 404);
    const stepCa = await registerStepCa(org);
    const got = await call(ctx.app, 'GET', `${integrationsUrl(org)}/step-ca`, { token: org.adminToken });
    assert.equal(got.statusCode, 200);
    assert.equal(got.body.data.webhookId, stepCa.webhookId);
    assert.equal(got.body.data.notifyWebhookId, stepCa.notifyId);
    assert.match(got.body.data.challengeUrl, /\/hooks\/step-ca\/scep-challenge$/);
    assert.ok(!JSON.stringify(got.body).includes(stepCa.secret) && !JSON.stringify(got.body).includes(stepCa.notifySecret));
    const row = await ctx.database.db.selectFrom('mdmIntegrations').selectAll().where('organizationId', '=', org.id).where('kind', '=', 'step-ca').executeTakeFirstOrThrow();
    assert.ok(row.secretSealed && !row.secretSealed.includes(stepCa.secret), 'stored sealed');
  });

  it('refuses bad settings naming the field, and a webhook id another organization registered', async () => {
    const org = await createOrganization(ctx.app);
    const cases: Array<[unknown, string]> = [
      [{ webhookId: randomUUID() }, '/body/secret'],
      [{ webhookId: 'has spaces', secret: randomBytes(64).toString('base64') }, '/body/webhookId'],
      [{ webhookId: randomUUID(), secret: 'c2hvcnQ=' }, '/body/secret'],
      [{ webhookId: randomUUID(), secret: randomBytes(64).toString('base64'), extra: 1 }, '/body/extra'],
    ];
    for (const [body, path] of cases) {
      const response = await call(ctx.app, 'PUT', `${integrationsUrl(org)}/step-ca`, { token: org.adminToken, body });
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(response.body.error.code, 3000);
      assert.ok(response.body.error.data.errors.some((e: { path: string }) => e.path.startsWith(path)), `${path}: ${JSON.stringify(response.body.error.data.errors)}`);
    }
    const taken = await registerStepCa(await createOrganization(ctx.app));
    const clash = await call(ctx.app, 'PUT', `${integrationsUrl(org)}/step-ca`, { token: org.adminToken, body: { webhookId: taken.webhookId, secret: randomBytes(64).toString('base64') } });
    assert.equal(clash.statusCode, 400);
    assert.equal(clash.body.error.data.errors[0].path, '/body/webhookId');
    assert.equal((await call(ctx.app, 'GET', `${integrationsUrl(org)}/step-ca`, { token: org.adminToken })).statusCode, 404, 'nothing written');
  });

  it('makes one NanoMDM hook URL per organization, kept when the key changes', async () => {
    const org = await createOrganization(ctx.app);
    const first = await call(ctx.app, 'PUT', `${integrationsUrl(org)}/nanomdm`, { token: org.adminToken, body: { hmacKey: 'a-long-enough-hmac-key' } });
    assert.equal(first.statusCode, 200);
    assert.match(first.body.data.hookUrl, /^https?:\/\/.+\/hooks\/nanomdm\/[A-Za-z0-9_-]{32}$/);
    assert.equal(first.body.data.signed, true);
    const second = await call(ctx.app, 'PUT', `${integrationsUrl(org)}/nanomdm`, { token: org.adminToken, body: {} });
    assert.equal(second.body.data.hookUrl, first.body.data.hookUrl);
    assert.equal(second.body.data.signed, false);
    const other = await call(ctx.app, 'PUT', `${integrationsUrl(await createOrganization(ctx.app))}/nanomdm`, { token: ROOT_KEY, body: {} });
    assert.notEqual(other.body.data.hookUrl, first.body.data.hookUrl);
    const removed = await call(ctx.app, 'DELETE', `${integrationsUrl(org)}/nanomdm`, { token: org.adminToken });
    assert.equal(removed.statusCode, 200);
    assert.equal((await postAsNanoMdm(new URL(first.body.data.hookUrl).pathname, authenticate(null))).status, 404, 'the URL stops working');
  });

  it("warns on the enrollment page while the enterprise's MDM settings are placeholders, in the user's language", async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const token = await createToken(ctx.app, org, 'apple', user.id, { language: 'de' });
    const page = async () => (await ctx.app.inject({ method: 'GET', url: `/enroll/apple/${token.enrollCode}` })).body;
    assert.match(await page(), /id="not-configured"[^>]*>[^<]*Geräteverwaltung noch nicht fertig eingerichtet/);
    const put = await call(ctx.app, 'PUT', appleUrl(org), {
      token: org.adminToken,
      body: { settings: { serverUrl: 'https://mdm.example.com/mdm', topic: 'com.apple.mgmt.External.x', scepUrl: 'https://ca.example.com/scep/p' } },
    });
    assert.equal(put.statusCode, 200);
    assert.doesNotMatch(await page(), /not-configured/);
  });

  for (const kind of ['step-ca', 'nanomdm']) {
    const body = kind === 'step-ca' ? () => ({ webhookId: randomUUID(), secret: randomBytes(64).toString('base64') }) : () => ({});
    securitySuite(() => ctx.app, { method: 'PUT', url: (org) => `${integrationsUrl(org)}/${kind}`, permission: 'mdm.apple.enterprise.update', body });
    securitySuite(() => ctx.app, { method: 'GET', url: (org) => `${integrationsUrl(org)}/${kind}`, permission: 'mdm.apple.enterprise.get' });
    securitySuite(() => ctx.app, { method: 'DELETE', url: (org) => `${integrationsUrl(org)}/${kind}`, permission: 'mdm.apple.enterprise.update' });
  }
});

describe('step-ca SCEP challenge webhook', () => {
  it('allows exactly one of 20 concurrent requests with a live challenge, with the user for certificate templates', async () => {
    const org = await createOrganization(ctx.app);
    const stepCa = await registerStepCa(org);
    const token = await appleToken(org);
    const challenge = await profileChallenge(token);
    const answers = await Promise.all(Array.from({ length: 20 }, () => askStepCa(stepCa, challenge, commonNameOf(token))));
    assert.ok(answers.every((answer) => answer.status === 200));
    const allowed = answers.filter((answer) => answer.body.allow === true);
    assert.equal(allowed.length, 1, JSON.stringify(answers.map((a) => a.body)));
    assert.deepEqual(allowed[0]!.body.data, { tokenId: token.id, organizationId: org.id, user: { id: token.mdmUser.id, email: token.mdmUser.email, name: allowed[0]!.body.data.user.name } });
    for (const refused of answers.filter((answer) => !answer.body.allow)) assert.deepEqual(refused.body, { allow: false });
    const entries = await audit(org, token);
    assert.equal(entries.filter((entry) => entry.outcome === 'SCEP_ALLOWED').length, 1);
    assert.equal(entries.filter((entry) => entry.outcome === 'SCEP_REFUSED').length, 19);
    assert.ok(entries.every((entry) => entry.code === null));
  });

  it('refuses an unknown challenge, another token\'s subject, and the challenges of expired, revoked and redeemed tokens', async () => {
    const org = await createOrganization(ctx.app);
    const stepCa = await registerStepCa(org);
    const unknown = await askStepCa(stepCa, randomBytes(24).toString('base64url'), 'enrolld device 0123456789abcdef01234567');
    assert.deepEqual(unknown.body, { allow: false });

    const token = await appleToken(org);
    const other = await appleToken(org);
    const challenge = await profileChallenge(token);
    assert.deepEqual((await askStepCa(stepCa, challenge, commonNameOf(other))).body, { allow: false }, "another token's subject");
    assert.deepEqual((await askStepCa(stepCa, challenge, 'iPhone')).body, { allow: false }, 'a subject naming no token');
    // Neither consumed the challenge: the request naming its own token still passes.
    assert.equal((await askStepCa(stepCa, challenge, commonNameOf(token), { includeSubject: false })).body.allow, true, 'subject read from the raw CSR');
    assert.deepEqual((await askStepCa(stepCa, challenge, commonNameOf(token))).body, { allow: false }, 'used');
    const reasons = (await audit(org, token)).filter((entry) => entry.outcome === 'SCEP_REFUSED').map((entry) => entry.detail!.reason);
    assert.deepEqual(reasons.sort(), ['already_used', 'subject_mismatch', 'subject_mismatch']);

    const revoked = await appleToken(org);
    const revokedChallenge = await profileChallenge(revoked);
    assert.equal((await call(ctx.app, 'DELETE', `${appleUrl(org)}/enrollment-tokens/${revoked.id}`, { token: org.adminToken })).statusCode, 200);
    assert.deepEqual((await askStepCa(stepCa, revokedChallenge, commonNameOf(revoked))).body, { allow: false });

    const expired = await appleToken(org);
    const expiredChallenge = await profileChallenge(expired);
    await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expired.id).execute();
    assert.deepEqual((await askStepCa(stepCa, expiredChallenge, commonNameOf(expired))).body, { allow: false });

    const redeemed = await appleToken(org);
    const redeemedChallenge = await profileChallenge(redeemed);
    const redeem = await call(ctx.app, 'POST', `${appleUrl(org)}/enrollment-tokens/redeem`, { token: org.adminToken, body: { code: redeemed.enrollCode, device: { serialNumber: 'X1' } } });
    assert.equal(redeem.statusCode, 200, JSON.stringify(redeem.body));
    assert.deepEqual((await askStepCa(stepCa, redeemedChallenge, commonNameOf(redeemed))).body, { allow: false });

    const why = async (t: { id: string }) => (await audit(org, t)).find((entry) => entry.outcome === 'SCEP_REFUSED')?.detail?.reason;
    assert.equal(await why(revoked), 'revoked');
    assert.equal(await why(expired), 'expired');
    assert.equal(await why(redeemed), 'already_used');
  });

  it('answers 401 to a bad, missing or foreign signature and an unknown webhook, consuming nothing', async () => {
    const org = await createOrganization(ctx.app);
    const stepCa = await registerStepCa(org);
    const token = await appleToken(org);
    const challenge = await profileChallenge(token);
    const body = challengeBody(challenge, commonNameOf(token));
    const attempts = [
      await postAsStepCa('scep-challenge', body, stepCa.webhookId, stepCa.secret, null),
      await postAsStepCa('scep-challenge', body, stepCa.webhookId, stepCa.secret, '00'.repeat(32)),
      await postAsStepCa('scep-challenge', body, stepCa.webhookId, stepCa.secret, 'not hex'),
      await postAsStepCa('scep-challenge', body, stepCa.webhookId, randomBytes(64).toString('base64')),
      await postAsStepCa('scep-challenge', body, randomUUID(), stepCa.secret),
      // The notification webhook's secret does not sign challenge checks.
      await postAsStepCa('scep-challenge', body, stepCa.notifyId, stepCa.notifySecret),
    ];
    for (const attempt of attempts) {
      assert.equal(attempt.status, 401, JSON.stringify(attempt.body));
      assert.equal(attempt.body.status, false);
    }
    const noId = await fetch(`${base}/hooks/step-ca/scep-challenge`, { method: 'POST', body: Buffer.from(JSON.stringify(body)) });
    assert.equal(noId.status, 401);
    assert.equal((await audit(org, token)).length, 0, 'nothing recorded');
    assert.equal((await askStepCa(stepCa, challenge, commonNameOf(token))).body.allow, true, 'the challenge is still unused');
  });

  it('answers 400 naming the field for bodies that are not step-ca requests', async () => {
    const org = await createOrganization(ctx.app);
    const stepCa = await registerStepCa(org);
    const bodies: Array<[unknown, string]> = [
      [[1, 2], '/body'],
      [{ scepTransactionID: 't', x509CertificateRequest: {} }, '/body/scepChallenge'],
      [{ scepChallenge: 'c', x509CertificateRequest: {} }, '/body/scepTransactionID'],
      [{ scepChallenge: 'c', scepTransactionID: 't' }, '/body/x509CertificateRequest'],
    ];
    for (const [body, path] of bodies) {
      const response = await postAsStepCa('scep-challenge', body, stepCa.webhookId, stepCa.secret);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.error.data.errors[0].path, path);
    }
    const notJson = await fetch(`${base}/hooks/step-ca/scep-challenge`, {
      method: 'POST',
      headers: { 'x-smallstep-webhook-id': stepCa.webhookId, 'x-smallstep-signature': createHmac('sha256', Buffer.from(stepCa.secret, 'base64')).update('{').digest('hex') },
      body: Buffer.from('{'),
    });
    assert.equal(notJson.status, 400);
  });
});

describe('step-ca notifications and renewals', () => {
  it('records the certificate issued (serial, subject, validity) and a failure, in the token audit', async () => {
    const org = await createOrganization(ctx.app);
    const stepCa = await registerStepCa(org);
    const token = await appleToken(org);
    const transactionId = randomBytes(16).toString('hex');
    assert.equal((await askStepCa(stepCa, await profileChallenge(token), commonNameOf(token), { transactionId })).body.allow, true);
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
    const notAfter = new Date(notBefore.getTime() + 365 * 86_400_000);
    const notified = await notifyIssued(stepCa, transactionId, commonNameOf(token), notBefore, notAfter);
    assert.equal(notified.status, 200, JSON.stringify(notified.body));
    const issued = (await audit(org, token)).find((entry) => entry.outcome === 'CERTIFICATE_ISSUED')!;
    assert.equal(issued.detail!.transactionId, transactionId);
    assert.match(issued.detail!.serialNumber, /^[0-9A-F]+$/);
    assert.equal(issued.detail!.subject, `CN=${commonNameOf(token)}`);
    assert.equal(issued.detail!.notBefore, notBefore.toISOString());
    assert.equal(issued.detail!.notAfter, notAfter.toISOString());

    const failing = await appleToken(org);
    const failedTransaction = randomBytes(16).toString('hex');
    await askStepCa(stepCa, await profileChallenge(failing), commonNameOf(failing), { transactionId: failedTransaction });
    const failure = await postAsStepCa(
      'scep-notify',
      { x509CertificateRequest: stepCaCsr(commonNameOf(failing), certificateRequest(commonNameOf(failing), 'x').der), scepTransactionID: failedTransaction, scepErrorDescription: 'signing failed: key too weak' },
      stepCa.notifyId,
      stepCa.notifySecret,
    );
    assert.equal(failure.status, 200);
    assert.deepEqual((await audit(org, failing)).find((entry) => entry.outcome === 'CERTIFICATE_FAILED')!.detail, { transactionId: failedTransaction, error: 'signing failed: key too weak' });
    // A transaction enrolld never allowed records nothing; a notification signed with the challenge webhook's secret is refused.
    assert.equal((await notifyIssued(stepCa, 'unknown-transaction', 'x', notBefore, notAfter)).status, 200);
    const wrongKey = await postAsStepCa('scep-notify', { scepTransactionID: transactionId, scepErrorDescription: 'x' }, stepCa.webhookId, stepCa.secret);
    assert.equal(wrongKey.status, 401);
    assert.equal((await audit(org, token)).filter((entry) => entry.outcome.startsWith('CERTIFICATE')).length, 1);
  });

  it('allows a renewal by the bound device once its certificate is due, once; never before, nor after it checked out', async () => {
    const org = await createOrganization(ctx.app);
    const stepCa = await registerStepCa(org);
    const hook = await registerNanoMdm(org);
    const token = await appleToken(org);
    const challenge = await profileChallenge(token);
    const first = randomBytes(16).toString('hex');
    assert.equal((await askStepCa(stepCa, challenge, commonNameOf(token), { transactionId: first })).body.allow, true);
    // A year's certificate issued ten months ago: due for renewal (after two thirds of its life).
    const now = Date.now();
    await notifyIssued(stepCa, first, commonNameOf(token), new Date(now - 300 * 86_400_000), new Date(now + 65 * 86_400_000));
    // Not yet bound to a device: a second request with the used challenge is another device.
    assert.equal((await askStepCa(stepCa, challenge, commonNameOf(token))).body.allow, false, 'not renewable before the device enrolled');
    assert.equal((await postAsNanoMdm(hook, authenticate(token))).status, 200);
    assert.equal((await tokenOf(org, token)).state, 'DONE');

    const renewal = randomBytes(16).toString('hex');
    assert.equal((await askStepCa(stepCa, challenge, commonNameOf(token), { transactionId: renewal })).body.allow, true, 'the bound device renews');
    assert.equal((await askStepCa(stepCa, challenge, commonNameOf(token))).body.allow, false, 'one renewal per certificate');
    // The renewed certificate is fresh: another request with the profile's challenge is not a renewal.
    await notifyIssued(stepCa, renewal, commonNameOf(token), new Date(now - 60_000), new Date(now + 365 * 86_400_000));
    assert.equal((await askStepCa(stepCa, challenge, commonNameOf(token))).body.allow, false, 'a fresh certificate is not due');
    const entries = await audit(org, token);
    assert.deepEqual(
      entries.filter((entry) => entry.outcome === 'SCEP_ALLOWED').map((entry) => entry.detail!.renewal),
      [false, true],
    );
    assert.ok(entries.filter((entry) => entry.outcome === 'SCEP_REFUSED').every((entry) => entry.detail!.reason === 'renewal_not_allowed' || entry.detail!.reason === 'already_used'));

    // Due again, but the device checked out: refused.
    await notifyIssued(stepCa, renewal, commonNameOf(token), new Date(now - 300 * 86_400_000), new Date(now + 65 * 86_400_000));
    assert.equal((await postAsNanoMdm(hook, checkOut(token))).status, 200);
    assert.equal((await askStepCa(stepCa, challenge, commonNameOf(token))).body.allow, false, 'a checked-out device does not renew');
  });
});

describe('NanoMDM check-in webhook', () => {
  it('Authenticate redeems the token the profile names with the device, TokenUpdate enrolls it, CheckOut checks it out, with webhooks', async () => {
    const org = await createOrganization(ctx.app);
    const hook = await registerNanoMdm(org, 'nanomdm-hmac-key-0123456789');
    const endpoint = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/webhooks`, {
      token: org.adminToken,
      body: { url: 'http://127.0.0.1:9/never', eventTypes: ['enrollment_token.redeemed', 'device.enrolled', 'device.checked_out'] },
    });
    assert.equal(endpoint.statusCode, 200, JSON.stringify(endpoint.body));
    const token = await appleToken(org);
    const key = 'nanomdm-hmac-key-0123456789';

    const answer = await postAsNanoMdm(hook, authenticate(token), key);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.data, { handled: true });
    const redeemed = await tokenOf(org, token);
    assert.equal(redeemed.state, 'DONE');
    let device = await deviceOf(org, token);
    assert.deepEqual(
      { udid: device.udid, serialNumber: device.serialNumber, model: device.model, osVersion: device.osVersion, name: device.name, imei: device.imei, status: device.status },
      { udid: DEVICE.UDID, serialNumber: DEVICE.SerialNumber, model: DEVICE.ProductName, osVersion: DEVICE.OSVersion, name: DEVICE.DeviceName, imei: DEVICE.IMEI, status: 'REDEEMED' },
    );
    const redemption = (await audit(org, token)).find((entry) => entry.outcome === 'REDEEMED')!;
    assert.equal(redemption.device.udid, DEVICE.UDID);

    assert.equal((await postAsNanoMdm(hook, tokenUpdate(token, 1), key)).status, 200);
    device = await deviceOf(org, token);
    assert.equal(device.status, 'ENROLLED');
    assert.ok(device.enrolledAt);
    assert.equal((await postAsNanoMdm(hook, checkOut(token), key)).status, 200);
    device = await deviceOf(org, token);
    assert.equal(device.status, 'CHECKED_OUT');
    assert.ok(device.checkedOutAt);
    assert.deepEqual(
      (await audit(org, token)).map((entry) => entry.outcome),
      ['REDEEMED', 'ENROLLED', 'CHECKED_OUT'],
    );

    const deliveries = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/webhooks/${endpoint.body.data.id}/deliveries?limit=10&sort=createdAt`, { token: org.adminToken });
    const events = deliveries.body.data.items.map((delivery: { event: { type: string; data: any } }) => delivery.event);
    assert.deepEqual(events.map((event: { type: string }) => event.type).sort(), ['device.checked_out', 'device.enrolled', 'enrollment_token.redeemed']);
    const enrolled = events.find((event: { type: string }) => event.type === 'device.enrolled');
    assert.equal(enrolled.data.device.udid, DEVICE.UDID);
    assert.equal(enrolled.data.token.id, token.id);
    assert.equal(enrolled.data.token.enrollCode, null, 'no secrets in webhooks');
  });

  it('changes nothing on replays, on another device, on another organization\'s hook, or without a valid signature', async () => {
    const org = await createOrganization(ctx.app);
    const key = 'nanomdm-hmac-key-abcdefghij';
    const hook = await registerNanoMdm(org, key);
    const token = await appleToken(org);
    const event = authenticate(token);
    // Unsigned, or signed with another key: 401, nothing changes.
    assert.equal((await postAsNanoMdm(hook, event)).status, 401);
    assert.equal((await postAsNanoMdm(hook, event, 'another-key-0123456789')).status, 401);
    assert.equal((await postAsNanoMdm(hook, event, null, { signature: 'garbage' })).status, 401);
    assert.equal((await tokenOf(org, token)).state, 'PENDING');
    // Another organization's hook naming this token: accepted and ignored (the token is not theirs).
    const otherHook = await registerNanoMdm(await createOrganization(ctx.app));
    assert.equal((await postAsNanoMdm(otherHook, event)).status, 200);
    assert.equal((await tokenOf(org, token)).state, 'PENDING');
    assert.equal((await audit(org, token)).length, 0);

    for (let i = 0; i < 2; i++) assert.equal((await postAsNanoMdm(hook, event, key)).status, 200);
    for (let i = 0; i < 2; i++) assert.equal((await postAsNanoMdm(hook, tokenUpdate(token, 1), key)).status, 200);
    assert.equal((await postAsNanoMdm(hook, tokenUpdate(token, 2), key)).status, 200, 'later token updates');
    assert.deepEqual((await audit(org, token)).map((entry) => entry.outcome), ['REDEEMED', 'ENROLLED'], 'replays change nothing');

    // Another device presenting the same profile: refused as a redemption, the token stays bound.
    const intruder = { ...DEVICE, UDID: '00000000-1111-2222-3333-444444444444', SerialNumber: 'OTHER' };
    assert.equal((await postAsNanoMdm(hook, authenticate(token, intruder), key)).status, 200);
    assert.equal((await postAsNanoMdm(hook, checkOut(token, intruder), key)).status, 200);
    const device = await deviceOf(org, token);
    assert.equal(device.udid, DEVICE.UDID);
    assert.equal(device.status, 'ENROLLED', "another device's check-out does not check this one out");
    assert.deepEqual((await audit(org, token)).map((entry) => entry.outcome), ['REDEEMED', 'ENROLLED', 'ALREADY_USED']);

    // Events of no enrolld token, user-channel messages and topics enrolld does not act on: 200, nothing happens.
    assert.deepEqual((await postAsNanoMdm(hook, authenticate(null), key)).body.data, { handled: false });
    assert.deepEqual((await postAsNanoMdm(hook, nanoMdmEvent('mdm.TokenUpdate', token, { UDID: DEVICE.UDID, UserID: 'user-guid' }), key)).body.data, { handled: false });
    assert.deepEqual((await postAsNanoMdm(hook, { topic: 'mdm.Connect', created_at: new Date().toISOString(), acknowledge_event: { status: 'Acknowledged', raw_payload: 'AA==' } }, key)).body.data, { handled: false });
    // Bodies that are no event: 400 naming the field, never a 5xx.
    const bad = await postAsNanoMdm(hook, { topic: 'mdm.Authenticate', checkin_event: { raw_payload: Buffer.from('not a plist').toString('base64') } }, key);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.data.errors[0].path, '/body/checkin_event/raw_payload');
    assert.equal((await postAsNanoMdm('/hooks/nanomdm/unknown-hook', event)).status, 404);
  });

  it("reads MicroMDM's events (no ids, no tally, indented, unsigned)", async () => {
    const org = await createOrganization(ctx.app);
    const hook = await registerNanoMdm(org);
    const token = await appleToken(org);
    const microMdm = (topic: string, message: Record<string, unknown>) => {
      const event = nanoMdmEvent(topic, token, message);
      const { ids: _ids, ...checkin } = event.checkin_event;
      return { ...event, checkin_event: checkin };
    };
    assert.equal((await postAsNanoMdm(hook, microMdm('mdm.Authenticate', DEVICE), null, { indent: true })).status, 200);
    assert.equal((await postAsNanoMdm(hook, microMdm('mdm.TokenUpdate', { UDID: DEVICE.UDID }), null, { indent: true })).status, 200);
    assert.equal((await deviceOf(org, token)).status, 'ENROLLED');
    assert.equal((await postAsNanoMdm(hook, microMdm('mdm.CheckOut', { UDID: DEVICE.UDID }), null, { indent: true })).status, 200);
    assert.equal((await deviceOf(org, token)).status, 'CHECKED_OUT');
  });
});
