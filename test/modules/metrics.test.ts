/**
 * GET /metrics: after a real workflow (tokens on two platforms, an invitation delivered to a real
 * SMTP server, enrollment pages, redemptions won and refused, a revoke, an expiry, a 429) every
 * counter moved by exactly the work done, and nothing secret is in the scrape. Protected by
 * ENROLLD_METRICS_TOKEN, absent unless configured, and on ENROLLD_METRICS_PORT served by a
 * listener of its own — in `enrolld serve` and in `enrolld worker`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nowIso } from '../../src/lib/time.ts';
import { createTestContext, ROOT_KEY, TEST_SECRET_KEY, type TestContext } from '../helpers/app.ts';
import { createTestDatabase, ON_POSTGRES } from '../helpers/database.ts';
import { createTestWorker } from '../helpers/email-worker.ts';
import { createMdmUser, createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { freePort, startServerProcess, startWorkerProcess, until } from '../helpers/process.ts';
import { startSmtpSink } from '../helpers/smtp.ts';
import { createToken, minimalBody, tokensUrl, type TestPlatform } from '../helpers/tokens.ts';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

/** A scrape as series → value; a series is `name{label="value",…}` with labels sorted. */
type Scrape = Map<string, number>;

function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((label) => `${label}=${JSON.stringify(labels[label])}`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

/** The Prometheus text format (version 0.0.4): comments, then `name{labels} value` lines. */
function parseScrape(text: string): Scrape {
  const series: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, label, value] of match[2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? []) labels[label!] = JSON.parse(`"${value}"`);
    series.set(seriesKey(match[1]!, labels), Number(match[3]));
  }
  return series;
}

/** Every series of `name` whose value changed between two scrapes, with the change. */
function changes(before: Scrape, after: Scrape, name: string): Record<string, number> {
  const moved: Record<string, number> = {};
  for (const [key, value] of after) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) moved[key.slice(name.length)] = delta;
  }
  return moved;
}

async function scrape(ctx: TestContext): Promise<{ text: string; series: Scrape }> {
  const response = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return { text: response.body, series: parseScrape(response.body) };
}

/** The SCEP challenge inside a signed profile: CMS signs the plist, it does not encrypt it. */
function challengeIn(profile: Buffer): string {
  const challenge = /<key>Challenge<\/key>\s*<string>([^<]+)<\/string>/.exec(profile.toString('latin1'))?.[1];
  assert.ok(challenge, 'the profile carries a challenge');
  return challenge;
}

describe('GET /metrics with ENROLLD_METRICS_TOKEN', () => {
  let ctx: TestContext;
  before(async () => {
    // A small /enroll limit, so the workflow ends with one 429.
    ctx = await createTestContext({ ENROLLD_METRICS_TOKEN: METRICS_TOKEN, ENROLLD_ENROLL_RATE_LIMIT: '3' });
  });
  after(async () => ctx.close());

  it('counts exactly the work done, by route pattern, platform, reason and outcome, and shows no secret', async () => {
    const sink = await startSmtpSink();
    const { worker, transport } = createTestWorker(ctx, sink.url);
    try {
      const org = await createOrganization(ctx.app);
      const user = async () => (await createMdmUser(ctx.app, org)).id as string;
      const bulk = (platform: TestPlatform, userEmails: string[]) =>
        call(ctx.app, 'POST', `${tokensUrl(org, platform)}/bulk`, { token: org.adminToken, body: { ...minimalBody(platform), userEmails } });
      const users = { invited: await user(), redeemed: await user(), expiring: await user(), android: await user() };
      const start = await scrape(ctx);

      // Tokens: three single and two bulk on Apple, one single and three bulk on Android.
      const invited = await createToken(ctx.app, org, 'apple', users.invited, { sendEmail: true });
      const redeemed = await createToken(ctx.app, org, 'apple', users.redeemed);
      const expiring = await createToken(ctx.app, org, 'apple', users.expiring);
      assert.equal((await bulk('apple', ['b1@example.com', 'b2@example.com'])).body.data.success, 2);
      await createToken(ctx.app, org, 'android', users.android);
      const androidBulk = await bulk('android', ['a1@example.com', 'a2@example.com', 'a3@example.com']);
      assert.equal(androidBulk.body.data.success, 3);

      // The invitation waits in the outbox until a worker delivers it to the SMTP server.
      const queued = await scrape(ctx);
      assert.equal(queued.series.get(seriesKey('enrolld_email_outbox_invitations', { state: 'due' })), 1);
      assert.ok(queued.series.get('enrolld_email_oldest_due_seconds')! >= 0);
      assert.equal(await worker.drain(), 1);
      await sink.waitFor(1);

      // The enrollment page and the profile, then the /enroll limit (3 a minute) refuses the fourth.
      const page = `/enroll/apple/${invited.enrollCode}`;
      assert.equal((await ctx.app.inject({ method: 'GET', url: page })).statusCode, 200);
      const profile = await ctx.app.inject({ method: 'GET', url: `${page}/profile` });
      assert.equal(profile.statusCode, 200);
      const challenge = challengeIn(profile.rawPayload);
      assert.equal((await ctx.app.inject({ method: 'GET', url: page })).statusCode, 200);
      assert.equal((await ctx.app.inject({ method: 'GET', url: page })).statusCode, 429);
      assert.equal((await ctx.app.inject({ method: 'GET', url: `/nowhere/${invited.enrollCode}` })).statusCode, 404);

      // One redemption won, one refused (the code is used), one revoke (twice), one expiry.
      const redeemUrl = `${tokensUrl(org, 'apple')}/redeem`;
      const won = await call(ctx.app, 'POST', redeemUrl, { token: org.adminToken, body: { code: redeemed.enrollCode, device: { serialNumber: 'SERIAL-1' } } });
      assert.equal(won.statusCode, 200);
      const refused = await call(ctx.app, 'POST', redeemUrl, { token: org.adminToken, body: { code: redeemed.enrollCode, device: { serialNumber: 'SERIAL-2' } } });
      assert.equal(refused.body.error.code, 5201);
      const revokedId = (await call(ctx.app, 'GET', tokensUrl(org, 'android'), { token: org.adminToken, query: { limit: 1 } })).body.data.items[0].id;
      for (let i = 0; i < 2; i++) assert.equal((await call(ctx.app, 'DELETE', `${tokensUrl(org, 'android')}/${revokedId}`, { token: org.adminToken })).statusCode, 200);
      await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expiring.id).execute();
      assert.equal(await ctx.services.enrollmentTokens.expireDue(nowIso()), 1);

      const end = await scrape(ctx);
      const moved = (name: string) => changes(start.series, end.series, name);
      assert.deepEqual(moved('enrolld_tokens_created_total'), { '{platform="android"}': 4, '{platform="apple"}': 5 });
      assert.deepEqual(moved('enrolld_tokens_redeemed_total'), { '{platform="apple"}': 1 });
      assert.deepEqual(moved('enrolld_redemptions_refused_total'), { '{platform="apple",reason="already_used"}': 1 });
      assert.deepEqual(moved('enrolld_tokens_revoked_total'), { '{platform="android"}': 1 }, 'the second revoke changed nothing');
      assert.deepEqual(moved('enrolld_tokens_expired_total'), { '{platform="apple"}': 1 });
      assert.deepEqual(moved('enrolld_rate_limit_rejections_total'), { '{limit="enroll"}': 1 });
      assert.deepEqual(moved('enrolld_email_deliveries_total'), { '{outcome="sent"}': 1 });
      assert.equal(moved('enrolld_email_send_duration_seconds_count')[''], 1);
      assert.equal(moved('enrolld_email_worker_lag_seconds_count')[''], 1);
      assert.deepEqual(moved('enrolld_email_deferred_total'), {});
      assert.equal(end.series.get(seriesKey('enrolld_email_outbox_invitations', { state: 'due' })), 0);
      assert.equal(end.series.get('enrolld_email_oldest_due_seconds'), 0);
      assert.equal(end.series.get('enrolld_database_up'), 1);

      // Requests by route pattern: the page's code is in no label.
      const requests = moved('enrolld_http_requests_total');
      const tokens = (platform: string, suffix = '') => `/v1/organizations/:organizationId/mdm/${platform}/enterprise/enrollment-tokens${suffix}`;
      assert.deepEqual(Object.fromEntries(Object.entries(requests).filter(([key]) => !key.includes('route="/metrics"'))), {
        [`{method="POST",route="${tokens('apple')}",status="200"}`]: 3,
        [`{method="POST",route="${tokens('apple', '/bulk')}",status="200"}`]: 1,
        [`{method="POST",route="${tokens('android')}",status="200"}`]: 1,
        [`{method="POST",route="${tokens('android', '/bulk')}",status="200"}`]: 1,
        [`{method="GET",route="${tokens('android')}",status="200"}`]: 1,
        [`{method="DELETE",route="${tokens('android', '/:tokenId')}",status="200"}`]: 2,
        [`{method="POST",route="${tokens('apple', '/redeem')}",status="200"}`]: 1,
        [`{method="POST",route="${tokens('apple', '/redeem')}",status="400"}`]: 1,
        '{method="GET",route="/enroll/:platform/:code",status="200"}': 2,
        '{method="GET",route="/enroll/:platform/:code",status="429"}': 1,
        '{method="GET",route="/enroll/apple/:code/profile",status="200"}': 1,
        '{method="GET",route="unmatched",status="404"}': 1,
      });
      assert.equal(moved('enrolld_http_request_duration_seconds_count')['{method="GET",route="/enroll/:platform/:code"}'], 3);

      // Nothing secret: no enrollment code (of any token made), challenge, API key or scrape token.
      const everyToken = [
        ...(await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { 'show-deleted': 'true' } })).body.data.items,
        ...(await call(ctx.app, 'GET', tokensUrl(org, 'android'), { token: org.adminToken, query: { 'show-deleted': 'true' } })).body.data.items,
      ];
      assert.equal(everyToken.length, 9);
      const secrets = [...everyToken.map((token: { enrollCode: string }) => token.enrollCode), challenge, org.adminToken, ROOT_KEY, METRICS_TOKEN];
      for (const secret of secrets) {
        assert.ok(typeof secret === 'string' && secret.length >= 8);
        assert.ok(!end.text.toLowerCase().includes(secret.toLowerCase()), 'a secret appears in the scrape');
      }
      assert.ok(!end.text.includes('example.com'), 'nor an address');
    } finally {
      transport.close();
      await sink.close();
    }
  });

  it('counts failed and retried deliveries by outcome, with each attempt timed', async () => {
    const sink = await startSmtpSink({
      rejectRecipient: (address) =>
        address.startsWith('perm') ? { code: 550, message: 'no such user' } : address.startsWith('temp') ? { code: 451, message: 'try later' } : null,
    });
    const { worker, transport } = createTestWorker(ctx, sink.url, { maxAttempts: 3, retryBaseMs: 0 });
    try {
      const org = await createOrganization(ctx.app);
      for (const email of ['perm@example.com', 'temp@example.com']) {
        await createToken(ctx.app, org, 'apple', (await createMdmUser(ctx.app, org, { email })).id, { sendEmail: true });
      }
      const start = await scrape(ctx);
      // Retries are due at once (retryBaseMs 0): drain until nothing is left to try.
      for (let round = 0; round < 10 && (await worker.drain()) > 0; round++);
      const end = await scrape(ctx);
      // 550: failed at once; 451: retried twice, then given up at the third attempt.
      assert.deepEqual(changes(start.series, end.series, 'enrolld_email_deliveries_total'), { '{outcome="failed"}': 2, '{outcome="retry"}': 2 });
      assert.equal(changes(start.series, end.series, 'enrolld_email_send_duration_seconds_count')[''], 4);
      assert.equal(end.series.get('enrolld_email_oldest_due_seconds'), 0);
    } finally {
      transport.close();
      await sink.close();
    }
  });

  it('counts 429s of the redeem limit as limit="redeem"', async () => {
    const limited = await createTestContext({ ENROLLD_METRICS_TOKEN: METRICS_TOKEN, ENROLLD_REDEEM_RATE_LIMIT: '1' });
    try {
      const org = await createOrganization(limited.app);
      const redeem = () => call(limited.app, 'POST', `${tokensUrl(org, 'apple')}/redeem`, { token: org.adminToken, body: { code: 'NO-SUCH-CODE', device: { serialNumber: 'S' } } });
      assert.equal((await redeem()).statusCode, 404);
      assert.equal((await redeem()).statusCode, 429);
      const { series } = await scrape(limited);
      assert.equal(series.get(seriesKey('enrolld_rate_limit_rejections_total', { limit: 'redeem' })), 1);
      assert.equal(series.get(seriesKey('enrolld_rate_limit_rejections_total', { limit: 'enroll' })), 0);
      assert.equal(series.get(seriesKey('enrolld_redemptions_refused_total', { platform: 'apple', reason: 'not_found' })), 1, 'the refused one counted, the limited one not');
    } finally {
      await limited.close();
    }
  });

  it('reports the process, and the pool on PostgreSQL (SQLite has none)', async () => {
    const { series } = await scrape(ctx);
    assert.ok(series.has('process_cpu_user_seconds_total'));
    assert.ok(series.has('nodejs_eventloop_lag_seconds'));
    assert.equal(series.has('enrolld_db_pool_connections_idle'), ON_POSTGRES);
    if (ON_POSTGRES) assert.equal(series.get('enrolld_db_pool_waiting'), 0);
  });

  it('answers 401 in the envelope without the token or with another, and is never rate-limited', async () => {
    const missing = await call(ctx.app, 'GET', '/metrics');
    assert.deepEqual([missing.statusCode, missing.body.error.code], [401, 4002]);
    for (const token of [`${METRICS_TOKEN}x`, ROOT_KEY, METRICS_TOKEN.slice(0, -1)]) {
      const wrong = await call(ctx.app, 'GET', '/metrics', { token });
      assert.deepEqual([wrong.statusCode, wrong.body.error.code], [401, 4004], token);
    }
    const basic = await call(ctx.app, 'GET', '/metrics', { headers: { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}` } });
    assert.equal(basic.statusCode, 401);
    for (let i = 0; i < 10; i++) await scrape(ctx);
  });

  it('is not in the OpenAPI document', async () => {
    const document = await call(ctx.app, 'GET', '/openapi.json');
    assert.ok(document.body.paths['/v1/organizations'], 'the document lists routes');
    assert.equal(document.body.paths['/metrics'], undefined);
  });
});

describe('GET /metrics unconfigured', () => {
  it('does not exist (404) without ENROLLD_METRICS_TOKEN or ENROLLD_METRICS_PORT', async () => {
    const ctx = await createTestContext();
    try {
      for (const token of [undefined, METRICS_TOKEN]) {
        const response = await call(ctx.app, 'GET', '/metrics', { token });
        assert.deepEqual([response.statusCode, response.body.error.code], [404, 1002]);
      }
    } finally {
      await ctx.close();
    }
  });
});

describe('ENROLLD_METRICS_PORT', () => {
  let dir: string;
  let databaseUrl: string;
  let dropDatabase: () => Promise<void>;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'enrolld-metrics-'));
    const database = await createTestDatabase(dir);
    databaseUrl = database.url;
    dropDatabase = database.drop;
  });
  after(async () => {
    await dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = () => ({
    DATABASE_URL: databaseUrl,
    ENROLLD_DATA_DIR: dir,
    ENROLLD_ROOT_KEY: ROOT_KEY,
    ...(ON_POSTGRES ? { ENROLLD_SECRET_KEY: TEST_SECRET_KEY } : {}),
  });
  const get = (url: string, token?: string) => fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('`enrolld serve`: only the separate listener serves /metrics, with the token when one is set', async () => {
    const metricsPort = await freePort();
    const server = await startServerProcess({ ...env(), ENROLLD_METRICS_PORT: String(metricsPort), ENROLLD_METRICS_TOKEN: METRICS_TOKEN });
    try {
      const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      assert.equal((await get(`${server.baseUrl}/metrics`, METRICS_TOKEN)).status, 404, 'not on the API port');
      assert.equal((await get(metricsUrl)).status, 401);
      assert.equal((await get(`http://127.0.0.1:${metricsPort}/healthz`, METRICS_TOKEN)).status, 404, 'the listener serves /metrics only');
      await get(`${server.baseUrl}/v1/organizations`, ROOT_KEY);
      const scraped = await get(metricsUrl, METRICS_TOKEN);
      assert.equal(scraped.status, 200);
      const series = parseScrape(await scraped.text());
      assert.equal(series.get(seriesKey('enrolld_http_requests_total', { method: 'GET', route: '/v1/organizations', status: '200' })), 1, 'the API port\'s requests');
      assert.ok(series.has('enrolld_email_worker_lag_seconds_count'), 'and the in-process worker\'s metrics');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('`enrolld worker` serves its own metrics there (no token needed when none is set)', async () => {
    const metricsPort = await freePort();
    const worker = startWorkerProcess({ ...env(), ENROLLD_METRICS_PORT: String(metricsPort) });
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    let text = '';
    await until(
      async () => {
        text = await get(metricsUrl).then((response) => (response.ok ? response.text() : ''), () => '');
        return text !== '';
      },
      30_000,
      `the worker's metrics listener\n${worker.output()}`,
    );
    const series = parseScrape(text);
    assert.equal(series.get(seriesKey('enrolld_email_outbox_invitations', { state: 'due' })), 0);
    assert.equal(series.get('enrolld_database_up'), 1);
    assert.ok(series.has('process_resident_memory_bytes'));
    worker.child.kill('SIGTERM');
    assert.deepEqual(await worker.exited, { code: 0, signal: null });
  });
});

