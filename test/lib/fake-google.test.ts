/**
 * The fake Google (test/helpers/fake-google.ts) driven by the real client libraries exactly as
 * enrolld drives Google: google-auth-library's JWT exchanging the service-account key at the
 * token endpoint (its gaxios transporter pointed at the fake), @googleapis/androidmanagement
 * against the fake as rootUrl, and OAuth2Client verifying Pub/Sub push tokens against the fake's
 * certificate map. If the fake drifted from what these libraries send or expect, this fails.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { androidmanagement, type androidmanagement_v1 } from '@googleapis/androidmanagement';
import { gaxios, JWT, OAuth2Client } from 'google-auth-library';
import { ANDROID_MANAGEMENT_SCOPE, type FakeGoogle, GOOGLE_TOKEN_URI, startFakeGoogle } from '../helpers/fake-google.ts';

const ENTERPRISE = 'enterprises/LC0test';
const PUSH_AUDIENCE = 'https://enrolld.test/hooks/android/pubsub/x';

/**
 * A JWT client for the fake's service account: google-auth-library 11 always posts to Google's
 * token URL, so a request interceptor on its own gaxios transporter sends that one URL to the fake.
 */
function jwtClient(fake: FakeGoogle, key = fake.serviceAccountKey.private_key, scopes = [ANDROID_MANAGEMENT_SCOPE]): JWT {
  const transporter = new gaxios.Gaxios();
  transporter.interceptors.request.add({
    resolved: async (config) => {
      if (config.url.href === GOOGLE_TOKEN_URI) config.url = new URL(fake.tokenUrl);
      return config;
    },
  });
  return new JWT({ email: fake.serviceAccountKey.client_email, key, scopes, transporter });
}

/**
 * The AMAPI client. googleapis-common 6 was typed against google-auth-library 8, so a v11 client
 * needs a cast (it works at runtime: googleapis-common only calls `auth.request(options)`).
 * googleapis-common retries GET/PUT/DELETE on 429/5xx by default (gaxios: three times, no
 * Retry-After); `retry: false` turns that off so enrolld's own retry policy decides.
 */
function amapi(fake: FakeGoogle, auth: JWT, retry = false): androidmanagement_v1.Androidmanagement {
  return androidmanagement({ version: 'v1', rootUrl: fake.url, auth: auth as unknown as androidmanagement_v1.Options['auth'], retry });
}

function amapiCalls(fake: FakeGoogle) {
  return fake.calls.filter((call) => call.path.startsWith('/v1/'));
}

describe('fake Google, driven by the real client libraries', () => {
  let fake: FakeGoogle;
  let client: androidmanagement_v1.Androidmanagement;
  let jwt: JWT;
  before(async () => {
    fake = await startFakeGoogle({ seed: 7 });
    jwt = jwtClient(fake);
    client = amapi(fake, jwt);
  });
  after(() => fake.close());

  describe('service-account token exchange', () => {
    it('exchanges the signed JWT for an access token that AMAPI calls then carry', async () => {
      const { token } = await jwt.getAccessToken();
      assert.ok(token && fake.accessTokens.includes(token));
      const exchange = fake.calls.find((call) => call.path === '/token');
      assert.equal((exchange?.body as any).grant_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
      await client.enterprises.enrollmentTokens.list({ parent: ENTERPRISE });
      assert.equal(amapiCalls(fake).at(-1)?.authorization, `Bearer ${token}`);
    });

    it('refuses a JWT signed with another key, and one without the androidmanagement scope', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const stranger = jwtClient(fake, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      await assert.rejects(stranger.getAccessToken(), (error: any) => error.status === 400 && /invalid_grant: Invalid JWT Signature/.test(error.message));
      const unscoped = jwtClient(fake, undefined, ['https://www.googleapis.com/auth/cloud-platform']);
      await assert.rejects(unscoped.getAccessToken(), (error: any) => error.status === 400 && /invalid_scope/.test(error.message));
    });

    it('answers 401 in Google error format to a call without a token it issued', async () => {
      const response = await fetch(`${fake.url}v1/${ENTERPRISE}/enrollmentTokens`, { headers: { authorization: 'Bearer ya29.forged' } });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
      const body: any = await response.json();
      assert.equal(body.error.code, 401);
      assert.equal(body.error.status, 'UNAUTHENTICATED');
    });
  });

  describe('enrollmentTokens', () => {
    it('creates a token: value, QR code naming it, name, expiry now + duration, request fields echoed', async () => {
      const before = Date.now();
      const { status, data } = await client.enterprises.enrollmentTokens.create({
        parent: ENTERPRISE,
        requestBody: { duration: '1800s', policyName: 'kiosk', additionalData: '{"org":"o1"}', oneTimeOnly: true, allowPersonalUsage: 'PERSONAL_USAGE_DISALLOWED' },
      });
      assert.equal(status, 200);
      assert.match(data.value ?? '', /^[A-Z]{20}$/);
      assert.match(data.name ?? '', /^enterprises\/LC0test\/enrollmentTokens\/[\w-]+$/);
      const qr = JSON.parse(data.qrCode ?? '');
      assert.equal(qr['android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE']['com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN'], data.value);
      assert.equal(qr['android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME'], 'com.google.android.apps.work.clouddpc/.receivers.CloudDeviceAdminReceiver');
      assert.match(data.expirationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      const expires = Date.parse(data.expirationTimestamp ?? '');
      assert.ok(expires >= before + 1_800_000 && expires <= Date.now() + 1_800_000, `expiry ${data.expirationTimestamp}`);
      assert.equal(data.policyName, `${ENTERPRISE}/policies/kiosk`);
      assert.equal(data.additionalData, '{"org":"o1"}');
      assert.equal(data.oneTimeOnly, true);
      assert.equal(data.allowPersonalUsage, 'PERSONAL_USAGE_DISALLOWED');
      assert.deepEqual(fake.tokens.get(data.name!)?.token, data);
      assert.deepEqual(amapiCalls(fake).at(-1)?.body, { duration: '1800s', policyName: 'kiosk', additionalData: '{"org":"o1"}', oneTimeOnly: true, allowPersonalUsage: 'PERSONAL_USAGE_DISALLOWED' });
    });

    it('refuses a field AMAPI does not know, as Google does (400 INVALID_ARGUMENT)', async () => {
      await assert.rejects(
        client.enterprises.enrollmentTokens.create({ parent: ENTERPRISE, requestBody: { duration: '3600s', expiresAt: 'x' } as any }),
        (error: any) => error.status === 400 && error.response.data.error.status === 'INVALID_ARGUMENT' && /Unknown name "expiresAt"/.test(error.message),
      );
    });

    it('gets the partial view (only name and expirationTimestamp)', async () => {
      const { data: created } = await client.enterprises.enrollmentTokens.create({ parent: ENTERPRISE, requestBody: { duration: '600s' } });
      const { data } = await client.enterprises.enrollmentTokens.get({ name: created.name! });
      assert.deepEqual(data, { name: created.name, expirationTimestamp: created.expirationTimestamp });
    });

    it('lists the partial views page by page with nextPageToken', async () => {
      const ours = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const { data } = await client.enterprises.enrollmentTokens.create({ parent: ENTERPRISE, requestBody: {} });
        ours.add(data.name!);
      }
      const listed: androidmanagement_v1.Schema$EnrollmentToken[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const { data } = await client.enterprises.enrollmentTokens.list({ parent: ENTERPRISE, pageSize: 2, pageToken });
        assert.ok((data.enrollmentTokens ?? []).length <= 2);
        listed.push(...(data.enrollmentTokens ?? []));
        pageToken = data.nextPageToken ?? undefined;
        pages++;
      } while (pageToken);
      assert.equal(listed.length, fake.tokens.size);
      assert.equal(pages, Math.ceil(fake.tokens.size / 2));
      for (const token of listed) assert.deepEqual(Object.keys(token).sort(), ['expirationTimestamp', 'name']);
      for (const name of ours) assert.ok(listed.some((token) => token.name === name), `${name} listed`);
    });

    it('deletes a token (200 {}), then answers 404 to deleting it again', async () => {
      const { data: created } = await client.enterprises.enrollmentTokens.create({ parent: ENTERPRISE, requestBody: {} });
      const { status, data } = await client.enterprises.enrollmentTokens.delete({ name: created.name! });
      assert.equal(status, 200);
      assert.deepEqual(data, {});
      assert.equal(fake.tokens.has(created.name!), false);
      assert.ok(fake.deleted.includes(created.name!));
      await assert.rejects(client.enterprises.enrollmentTokens.delete({ name: created.name! }), (error: any) => error.status === 404 && error.response.data.error.status === 'NOT_FOUND');
      await assert.rejects(client.enterprises.enrollmentTokens.get({ name: created.name! }), (error: any) => error.status === 404);
    });

    it('answers 404 NOT_FOUND in Google error format for an enterprise the account does not manage', async () => {
      await assert.rejects(client.enterprises.enrollmentTokens.create({ parent: 'enterprises/LCother', requestBody: {} }), (error: any) => {
        assert.equal(error.status, 404);
        assert.equal(error.response.data.error.code, 404);
        assert.equal(error.response.data.error.status, 'NOT_FOUND');
        assert.equal(typeof error.response.data.error.message, 'string');
        return true;
      });
    });
  });

  describe('programmed failures', () => {
    it('failNext(429, retryAfter): the error carries status 429 and the Retry-After header, and retry: false makes one call only', async () => {
      const callsBefore = amapiCalls(fake).length;
      fake.failNext(1, 429, { retryAfter: 7 });
      await assert.rejects(client.enterprises.enrollmentTokens.list({ parent: ENTERPRISE }), (error: any) => {
        assert.equal(error.status, 429);
        assert.equal(error.response.status, 429);
        assert.equal(error.code, 429);
        // gaxios 8: headers are a fetch Headers object, not a plain record.
        assert.equal(error.response.headers.get('retry-after'), '7');
        assert.equal(error.response.data.error.status, 'RESOURCE_EXHAUSTED');
        return true;
      });
      assert.equal(amapiCalls(fake).length, callsBefore + 1);
    });

    it('without retry: false the library silently retries a GET on 503 (but never a POST)', async () => {
      const retrying = amapi(fake, jwt, true);
      let callsBefore = amapiCalls(fake).length;
      fake.failNext(1, 503);
      const { status } = await retrying.enterprises.enrollmentTokens.list({ parent: ENTERPRISE });
      assert.equal(status, 200);
      assert.equal(amapiCalls(fake).length, callsBefore + 2);

      callsBefore = amapiCalls(fake).length;
      const tokensBefore = fake.tokens.size;
      fake.failNext(1, 503);
      await assert.rejects(retrying.enterprises.enrollmentTokens.create({ parent: ENTERPRISE, requestBody: {} }), (error: any) => error.status === 503);
      assert.equal(amapiCalls(fake).length, callsBefore + 1);
      assert.equal(fake.tokens.size, tokensBefore);
    });

    it('failNext does not touch the token endpoint, and a failed create creates nothing', async () => {
      const fresh = jwtClient(fake);
      fake.failNext(1, 500);
      const tokensBefore = fake.tokens.size;
      await assert.rejects(amapi(fake, fresh).enterprises.enrollmentTokens.create({ parent: ENTERPRISE, requestBody: {} }), (error: any) => error.status === 500);
      assert.equal(fake.tokens.size, tokensBefore);
      const [exchange, create] = fake.calls.slice(-2);
      assert.equal(exchange?.path, '/token');
      assert.equal(create?.method, 'POST');
      const { status } = await amapi(fake, fresh).enterprises.enrollmentTokens.create({ parent: ENTERPRISE, requestBody: {} });
      assert.equal(status, 200);
    });

    it('setFailureRate fails creates with the seeded PRNG: the same seed, the same pattern', async () => {
      const pattern = async () => {
        const seeded = await startFakeGoogle({ seed: 42 });
        try {
          const seededClient = amapi(seeded, jwtClient(seeded));
          seeded.setFailureRate(0.5, 503);
          const outcomes: string[] = [];
          for (let i = 0; i < 12; i++) {
            outcomes.push(await seededClient.enterprises.enrollmentTokens.create({ parent: ENTERPRISE, requestBody: {} }).then(() => 'ok', (error: any) => String(error.status)));
          }
          assert.equal(seeded.tokens.size, outcomes.filter((outcome) => outcome === 'ok').length);
          return outcomes;
        } finally {
          await seeded.close();
        }
      };
      const first = await pattern();
      assert.ok(first.includes('ok') && first.includes('503'), first.join(','));
      assert.deepEqual(await pattern(), first);
    });

    it('hold() keeps a call waiting until release(); a held create whose client vanished still happens', async () => {
      const { token } = await jwt.getAccessToken();
      fake.hold();
      const callsBefore = fake.calls.length;
      const tokensBefore = fake.tokens.size;
      let settled = false;
      const pending = client.enterprises.enrollmentTokens.create({ parent: ENTERPRISE, requestBody: {} }).finally(() => (settled = true));
      await fake.waitForCalls(callsBefore + 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(settled, false);
      assert.equal(fake.tokens.size, tokensBefore);

      // As a worker SIGKILLed mid-call: the connection drops, but Google finishes the create.
      const abort = new AbortController();
      const vanished = fetch(`${fake.url}v1/${ENTERPRISE}/enrollmentTokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
        signal: abort.signal,
      }).catch(() => 'aborted');
      await fake.waitForCalls(callsBefore + 2);
      abort.abort();
      assert.equal(await vanished, 'aborted');

      fake.release();
      const { status } = await pending;
      assert.equal(status, 200);
      const deadline = Date.now() + 5_000;
      while (fake.tokens.size < tokensBefore + 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(fake.tokens.size, tokensBefore + 2);
    });
  });

  describe('Pub/Sub push tokens verified by OAuth2Client against the certificate map', () => {
    const verifier = () => new OAuth2Client({ endpoints: { oauth2FederatedSignonPemCertsUrl: fake.certsUrl } });

    it('verifies a push token and exposes its claims', async () => {
      const idToken = fake.signPushToken({ aud: PUSH_AUDIENCE, email: 'push@test-project.iam.gserviceaccount.com' });
      const ticket = await verifier().verifyIdToken({ idToken, audience: PUSH_AUDIENCE });
      const payload = ticket.getPayload();
      assert.equal(payload?.email, 'push@test-project.iam.gserviceaccount.com');
      assert.equal(payload?.email_verified, true);
      assert.equal(payload?.iss, 'https://accounts.google.com');
      assert.equal(payload?.aud, PUSH_AUDIENCE);
      assert.ok(fake.calls.some((call) => call.path === '/oauth2/v1/certs'));
    });

    it('rejects an expired token, a wrong audience, a bad signature and an unknown kid', async () => {
      const client = verifier();
      await assert.rejects(client.verifyIdToken({ idToken: fake.signPushToken({ aud: PUSH_AUDIENCE, expiresInSeconds: -3600 }), audience: PUSH_AUDIENCE }), /Token used too late/);
      await assert.rejects(client.verifyIdToken({ idToken: fake.signPushToken({ aud: 'https://elsewhere.test/' }), audience: PUSH_AUDIENCE }), /Wrong recipient/);
      await assert.rejects(client.verifyIdToken({ idToken: fake.signPushToken({ aud: PUSH_AUDIENCE, signWith: 'other' }), audience: PUSH_AUDIENCE }), /Invalid token signature/);
      await assert.rejects(client.verifyIdToken({ idToken: fake.signPushToken({ aud: PUSH_AUDIENCE, kid: 'unknown' }), audience: PUSH_AUDIENCE }), /No pem found/);
      await assert.rejects(client.verifyIdToken({ idToken: fake.signPushToken({ aud: PUSH_AUDIENCE, iss: 'https://evil.test' }), audience: PUSH_AUDIENCE }), /Invalid issuer/);
    });
  });
});
