/**
 * Property-based fuzzing (fast-check) of every route's body, query and params: whatever arrives,
 * the answer is never a 5xx, always the envelope (or, on the public pages, an HTML notice) with an
 * error code the route's OpenAPI operation lists, and a refused request writes nothing. Valid bodies are mutated one field at a time as well, so the
 * inputs reach past the first check. Bounded by FUZZ_RUNS per route (default 25).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createTestContext, type TestContext } from '../test/helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../test/helpers/factories.ts';
import { call } from '../test/helpers/http.ts';
import { createToken, PLATFORMS } from '../test/helpers/tokens.ts';
import { type FakeGoogle, startFakeGoogle } from '../test/helpers/fake-google.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

/**
 * The error codes each operation of the OpenAPI document lists, by `METHOD /route/:param`: the
 * description of every operation ends with "Errors:" and a line per code ("- 404 / 3001: …").
 */
function documentedErrorCodes(document: { paths: Record<string, Record<string, { description?: string }>> }): Map<string, Set<number>> {
  const codes = new Map<string, Set<number>>();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const listed = [...(operation.description ?? '').matchAll(/^- \d{3} \/ (\d{4}):/gm)].map((match) => Number(match[1]));
      codes.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, new Set(listed));
    }
  }
  return codes;
}
/**
 * Tables a refused request must leave alone. Not token_redemptions and webhook_deliveries: a
 * refused redemption is audited, and told to webhooks (enrollment_token.redemption_refused), by design.
 */
const TABLES = [
  'organizations', 'service_accounts', 'mdm_users', 'catalog_items', 'segments', 'enterprises', 'enrollment_tokens', 'enrollment_token_tags', 'email_outbox',
  'devices', 'signing_identities', 'scep_challenges', 'webhook_endpoints', 'mdm_integrations', 'scep_certificates', 'android_provisioning', 'pubsub_messages',
];

/** JSON-ish values of every shape, including the awkward ones (huge numbers, unicode, nesting). */
const anyJson = fc.jsonValue({ maxDepth: 3 });
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '', ' ', 'null', 'true', '-1', '1e309', '1e30', '2.5', '0x10', '2147483648', '99999999999999999999', '../../etc/passwd', '<script>',
    "'; drop table users; --", '\u0000', '😀'.repeat(50), 'a'.repeat(5000),
  ),
);

/** Bodies that are valid, so mutations of one field reach deep into each route. */
function validBodies(org: TestOrganization, userId: string, google: FakeGoogle): Record<string, Record<string, unknown>> {
  return {
    '/mdm/users': { email: 'fuzz@example.com', name: 'Fuzz' },
    '/segments': { name: 'Fuzz' },
    '/service-accounts': { name: 'fuzz', role: 'viewer' },
    '/webhooks': { url: 'https://hooks.example.com/fuzz', description: 'fuzz', eventTypes: ['enrollment_token.created'], enabled: true },
    '/enrollment-tokens': { mdmUserId: userId, sendEmail: false, displayName: 'x', tags: ['a'], duration: 3600, language: 'en' },
    '/enrollment-tokens/bulk': { sendEmail: false, userEmails: ['a@example.com'] },
    '/enrollment-tokens/redeem': { code: 'ABCDEFGHJKMN', device: { serialNumber: 'S' } },
    '/policies': { name: 'P', config: {} },
    '/enterprise': { name: 'E', configuration: { primaryColor: '#112233' }, settings: { serverUrl: 'https://mdm.example.com/mdm', topic: 'com.apple.mgmt.External.x', scepKeySize: 2048 } },
    '/integrations/step-ca': { webhookId: 'f3a1c2d4-0000-4000-8000-000000000001', secret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC1zZWNyZXQ=' },
    '/integrations/nanomdm': { hmacKey: 'a-long-enough-hmac-key' },
    '/integrations/amapi': { enterpriseName: 'enterprises/LC0fuzz', serviceAccountKey: google.serviceAccountKey, pubsub: { audience: 'https://fuzz.example.com/push', serviceAccountEmail: 'push@fuzz.iam.gserviceaccount.com' } },
    [`/organizations/${org.id}`]: {},
  };
}

function baseBodyFor(url: string, bodies: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const match = Object.keys(bodies)
    .filter((suffix) => url.endsWith(suffix))
    .sort((x, y) => y.length - x.length)[0];
  return match ? bodies[match]! : {};
}

describe('fuzzing every route', () => {
  let ctx: TestContext;
  let org: TestOrganization;
  let userId: string;
  let tokenIds: Record<string, string>;
  let google: FakeGoogle;
  const rowCounts = async () => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(ctx.database.db)).rows[0]!.n);
    return counts;
  };

  before(async () => {
    google = await startFakeGoogle({ enterprises: ['enterprises/LC0fuzz'] });
    ctx = await createTestContext({
      ENROLLD_ENROLL_RATE_LIMIT: '1000000',
      ENROLLD_REDEEM_RATE_LIMIT: '10000000',
      ENROLLD_GOOGLE_API_ROOT_URL: google.url,
      ENROLLD_GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
      ENROLLD_GOOGLE_OIDC_CERTS_URL: google.certsUrl,
    });
    org = await createOrganization(ctx.app);
    userId = (await createMdmUser(ctx.app, org)).id;
    tokenIds = {};
    for (const platform of PLATFORMS) tokenIds[platform] = (await createToken(ctx.app, org, platform, userId, platform === 'android' ? { managementMode: 'DEVICE_OWNER' } : {})).id;
  });
  after(async () => {
    await ctx.close();
    await google.close();
  });

  it('never answers 5xx, always the envelope with a code its operation documents, and writes nothing when it refuses', async () => {
    const documented = documentedErrorCodes((await call(ctx.app, 'GET', '/openapi.json')).body);
    const undocumented = new Set<string>();
    const routes = ctx.app.routeCatalog.filter((route) => route.url.startsWith('/v1/organizations/:organizationId') || route.url.startsWith('/enroll/'));
    const bodies = validBodies(org, userId, google);
    let requests = 0;
    for (const route of routes) {
      const withBody = route.method === 'POST' || route.method === 'PUT';
      const input = fc.record({
        body: withBody
          ? fc.oneof(
              anyJson,
              fc.tuple(fc.constantFrom(...Object.keys(baseBodyFor(route.url, bodies)), 'unexpected'), anyJson).map(([key, value]) => ({ ...baseBodyFor(route.url, bodies), [key]: value })),
              fc.tuple(fc.constantFrom(...Object.keys(baseBodyFor(route.url, bodies)), 'x'), nastyString).map(([key, value]) => ({ ...baseBodyFor(route.url, bodies), [key]: value })),
            )
          : fc.constant(undefined),
        raw: withBody ? fc.option(fc.oneof(nastyString, fc.constant('{"a":'), fc.constant('[1,2')), { freq: 5 }) : fc.constant(null),
        query: fc.dictionary(fc.constantFrom('page', 'limit', 'sort', 'search', 'state', 'tags', 'mdm-user', 'show-deleted', 'email', 'x'), nastyString, { maxKeys: 3 }),
        param: nastyString,
        mutateParam: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(input, async ({ body, raw, query, param, mutateParam }) => {
          const platform = /\/mdm\/(apple|windows|android)\//.exec(route.url)?.[1] ?? 'apple';
          const url = route.url
            .replace(':organizationId', org.id)
            .replace(':platform', mutateParam ? encodeURIComponent(param) : platform)
            .replace(':tokenId', mutateParam ? encodeURIComponent(param) : tokenIds[platform]!)
            .replace(/:(mdmUserId|segmentId|serviceAccountId|webhookId|deliveryId|id|code)\b/g, mutateParam ? encodeURIComponent(param) || 'x' : 'ZZZZZZZZZZZZ');
          const beforeCounts = await rowCounts();
          const response = await call(ctx.app, route.method, url, {
            token: org.adminToken,
            ...(raw !== null && raw !== undefined ? { raw: { payload: raw, contentType: 'application/json' } } : { body }),
            query: query as Record<string, string>,
          });
          requests++;
          assert.ok(response.statusCode < 500, `${route.method} ${url} → ${response.statusCode} ${JSON.stringify(response.body).slice(0, 300)}`);
          const isPage = route.url.startsWith('/enroll/') && typeof response.body === 'string';
          if (!isPage) {
            assert.equal(typeof response.body, 'object', `${route.method} ${url}: not JSON`);
            const where = `${route.method} ${url.slice(0, 150)} → ${response.statusCode} ${JSON.stringify(response.body).slice(0, 200)}`;
            assert.equal(typeof response.body.status, 'boolean', `the envelope: ${where}`);
            if (response.statusCode >= 400) {
              assert.equal(typeof response.body.error?.code, 'number', where);
              const listed = documented.get(`${route.method} ${route.url}`);
              // (1002: a mutated parameter made a URL of another shape, which no route serves.)
              if (listed && response.body.error.code !== 1002 && !listed.has(response.body.error.code)) undocumented.add(`${route.method} ${route.url} → ${response.statusCode}/${response.body.error.code}`);
            }
          }
          if (response.statusCode >= 400) assert.deepEqual(await rowCounts(), beforeCounts, `${route.method} ${url} refused but wrote`);
        }),
        { numRuns: RUNS, includeErrorInReport: true },
      );
    }
    // Every refusal a route answered is among the codes its OpenAPI operation lists.
    assert.deepEqual([...undocumented].sort(), [], 'answers the document does not list');
    assert.ok(requests >= routes.length * RUNS);
  });

  it('reads any signed hook body (step-ca, NanoMDM) without a 5xx, and refuses unsigned ones writing nothing', async () => {
    const { createHmac, randomUUID } = await import('node:crypto');
    const stepCaSecret = Buffer.from('fuzz-step-ca-secret-fuzz-step-ca-secret-fuzz-step-ca').toString('base64');
    const webhookId = randomUUID();
    const integrations = `/v1/organizations/${org.id}/mdm/apple/enterprise/integrations`;
    assert.equal((await call(ctx.app, 'PUT', `${integrations}/step-ca`, { token: org.adminToken, body: { webhookId, secret: stepCaSecret, notify: { webhookId: randomUUID(), secret: stepCaSecret } } })).statusCode, 200);
    const hmacKey = 'fuzz-nanomdm-hmac-key';
    const hookPath = new URL((await call(ctx.app, 'PUT', `${integrations}/nanomdm`, { token: org.adminToken, body: { hmacKey } })).body.data.hookUrl).pathname;
    const plist = (body: string) => Buffer.from(`<?xml version="1.0"?><plist version="1.0"><dict>${body}</dict></plist>`).toString('base64');
    const stepCaBody = { scepChallenge: 'c', scepTransactionID: 't', x509CertificateRequest: { subject: { commonName: `enrolld device ${tokenIds.apple}` }, raw: 'AA==' } };
    const nanoBody = {
      topic: 'mdm.Authenticate',
      created_at: '2026-12-01T00:00:00Z',
      checkin_event: { udid: 'U', url_params: { enrollment: tokenIds.apple }, raw_payload: plist('<key>UDID</key><string>U</string>') },
    };
    const mutated = (base: Record<string, unknown>) =>
      fc.oneof(
        anyJson,
        fc.tuple(fc.constantFrom(...Object.keys(base), 'x'), anyJson).map(([key, value]) => ({ ...base, [key]: value })),
        fc.tuple(fc.constantFrom('topic', 'udid', 'url_params', 'raw_payload', 'token_update_tally'), anyJson).map(([key, value]) =>
          key === 'topic' ? { ...base, topic: value } : { ...base, checkin_event: { ...(base.checkin_event as object), [key]: value } },
        ),
        nastyString.map((text) => ({ ...base, checkin_event: { ...(base.checkin_event as object), raw_payload: Buffer.from(text).toString('base64') } })),
      );
    const input = fc.record({
      target: fc.constantFrom('scep-challenge', 'scep-notify', 'nanomdm'),
      body: fc.oneof(mutated(stepCaBody), mutated(nanoBody), nastyString),
      signed: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(input, async ({ target, body, signed }) => {
        const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
        const beforeCounts = await rowCounts();
        const nano = target === 'nanomdm';
        const signature = nano ? createHmac('sha256', hmacKey).update(bytes).digest('base64') : createHmac('sha256', Buffer.from(stepCaSecret, 'base64')).update(bytes).digest('hex');
        const headers: Record<string, string> = nano ? { 'x-hmac-signature': signed ? signature : 'AAAA' } : { 'x-smallstep-webhook-id': webhookId, 'x-smallstep-signature': signed ? signature : '00' };
        const response = await ctx.app.inject({ method: 'POST', url: nano ? hookPath : `/hooks/step-ca/${target}`, headers, payload: bytes });
        const where = `${target} ${bytes.toString().slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 200)}`;
        assert.ok(response.statusCode < 500, where);
        assert.equal(typeof response.json(), 'object', where);
        if (!signed) assert.equal(response.statusCode, 401, where);
        if (response.statusCode >= 400) assert.deepEqual(await rowCounts(), beforeCounts, `${where}: refused but wrote`);
      }),
      { numRuns: RUNS * 8, includeErrorInReport: true },
    );
  });

  it('reads any Pub/Sub push body, authenticated or not, without a 5xx; refuses unauthenticated ones writing nothing', async () => {
    const audience = 'https://fuzz.example.com/push-fuzz';
    const serviceAccountEmail = 'push@fuzz.iam.gserviceaccount.com';
    const put = await call(ctx.app, 'PUT', `/v1/organizations/${org.id}/mdm/android/enterprise/integrations/amapi`, {
      token: org.adminToken,
      body: { enterpriseName: 'enterprises/LC0fuzz', serviceAccountKey: google.serviceAccountKey, pubsub: { audience, serviceAccountEmail } },
    });
    assert.equal(put.statusCode, 200, JSON.stringify(put.body));
    const path = new URL(put.body.data.hookUrl).pathname;
    const valid = google.signPushToken({ aud: audience, email: serviceAccountEmail });
    const deviceOf = (fields: Record<string, unknown>) => Buffer.from(JSON.stringify({ name: 'enterprises/LC0fuzz/devices/d1', enrollmentTokenData: JSON.stringify({ enrolldToken: tokenIds.android }), ...fields })).toString('base64');
    const base = { message: { attributes: { notificationType: 'ENROLLMENT' }, data: deviceOf({}), messageId: 'm' }, subscription: 'projects/p/subscriptions/s' };
    const message = fc.oneof(
      anyJson,
      fc.tuple(fc.constantFrom('attributes', 'data', 'messageId', 'publishTime', 'x'), anyJson).map(([key, value]) => ({ ...base, message: { ...base.message, [key]: value } })),
      fc.tuple(fc.constantFrom('name', 'enrollmentTokenData', 'enrollmentTokenName', 'hardwareInfo', 'networkInfo', 'lastStatusReportTime', 'state'), anyJson).map(([key, value]) => ({
        ...base,
        message: { ...base.message, messageId: `m-${JSON.stringify(value).slice(0, 20)}`, data: deviceOf({ [key]: value }) },
      })),
      fc.tuple(fc.constantFrom('ENROLLMENT', 'STATUS_REPORT', 'COMMAND', ''), nastyString).map(([type, text]) => ({ ...base, message: { ...base.message, attributes: { notificationType: type }, data: Buffer.from(text).toString('base64') } })),
    );
    const input = fc.record({ body: fc.oneof(message, nastyString), authorization: fc.oneof(fc.constant(`Bearer ${valid}`), fc.constant(''), nastyString.map((text) => `Bearer ${text}`)) });
    await fc.assert(
      fc.asyncProperty(input, async ({ body, authorization }) => {
        const beforeCounts = await rowCounts();
        const payload = typeof body === 'string' ? body : JSON.stringify(body);
        const response = await ctx.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, payload });
        const where = `${payload.slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 200)}`;
        assert.ok(response.statusCode < 500, where);
        if (response.statusCode !== 204) assert.equal(typeof response.json(), 'object', where);
        if (authorization !== `Bearer ${valid}`) assert.ok(response.statusCode === 401 || response.statusCode === 400, where);
        if (response.statusCode >= 400) assert.deepEqual(await rowCounts(), beforeCounts, `${where}: refused but wrote`);
      }),
      { numRuns: RUNS * 8, includeErrorInReport: true },
    );
  });

  it('reads any Authorization header in bounded time: 401 with 4002 or 4004, never a 5xx', async () => {
    const whitespace = fc.array(fc.constantFrom(' ', '\t'), { minLength: 0, maxLength: 20_000 }).map((chars) => chars.join(''));
    const word = fc.string({ unit: fc.constantFrom(...'abcXYZ019_-.~+/=enrd'.split('')), maxLength: 200 });
    const header = fc.oneof(
      fc.string({ maxLength: 300 }).map((text) => text.replace(/[^\x20-\x7e\t]/g, 'x')),
      fc.tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Bearerx', ''), whitespace, word, whitespace, word).map((parts) => parts.join('')),
      fc.tuple(fc.constantFrom('Bearer ', 'Bearer'), whitespace, fc.constantFrom('x y', 'x', '', 'enrd_x y')).map((parts) => parts.join('')),
      fc.nat({ max: 20_000 }).map((n) => `Bearer ${'a'.repeat(n)}`),
    );
    const url = `/v1/organizations/${org.id}/mdm/users`;
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(header, async (value) => {
        const started = performance.now();
        const response = await call(ctx.app, 'GET', url, { headers: { authorization: value } });
        slowest = Math.max(slowest, performance.now() - started);
        assert.equal(response.statusCode, 401, `${JSON.stringify(value.slice(0, 80))} → ${response.statusCode}`);
        assert.ok([4002, 4004].includes(response.body.error.code), JSON.stringify(response.body));
      }),
      { numRuns: RUNS * 8, includeErrorInReport: true },
    );
    // A linear parse answers in a few ms; the backtracking pattern took 150–250 ms on such headers.
    assert.ok(slowest < 1_000, `slowest header took ${slowest.toFixed(0)} ms`);
  });

  it('refuses bodies nested deeper than 32 levels anywhere with 400/3000 and writes nothing; shallower ones never 5xx', async () => {
    const bodies = validBodies(org, userId, google);
    const targets: Array<[string, string, Record<string, unknown>]> = [
      ['POST', `/v1/organizations/${org.id}/mdm/users`, bodies['/mdm/users']!],
      ['POST', `/v1/organizations/${org.id}/mdm/apple/enterprise/policies`, bodies['/policies']!],
      ['POST', `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens`, bodies['/enrollment-tokens']!],
      ['POST', `/v1/organizations/${org.id}/segments`, bodies['/segments']!],
      ['PUT', `/v1/organizations/${org.id}/mdm/android/enterprise`, bodies['/enterprise']!],
    ];
    /** A value `depth` containers deep, alternating objects and arrays as `shape` says. */
    const deep = (depth: number, shape: boolean[]) => {
      let text = '0';
      for (let i = 0; i < depth; i++) text = shape[i % shape.length] ? `{"k":${text}}` : `[${text}]`;
      return text;
    };
    const input = fc.record({
      target: fc.nat({ max: targets.length - 1 }),
      field: fc.constantFrom('metadata', 'config', 'name', 'tags', 'unexpected'),
      depth: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 40, max: 5_000 })),
      shape: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(input, async ({ target, field, depth, shape }) => {
        const [method, url, base] = targets[target]!;
        const payload = JSON.stringify({ ...base, [field]: null }).replace(`"${field}":null`, `"${field}":${deep(depth, shape)}`);
        const beforeCounts = await rowCounts();
        const response = await call(ctx.app, method, url, { token: org.adminToken, raw: { payload, contentType: 'application/json' } });
        const where = `${method} ${url} ${field} at depth ${depth} → ${response.statusCode} ${JSON.stringify(response.body).slice(0, 200)}`;
        assert.ok(response.statusCode < 500, where);
        // The body is level 1, so the field's value may be 31 containers deep.
        if (depth > 31) {
          assert.equal(response.statusCode, 400, where);
          assert.equal(response.body.error.code, 3000, where);
          assert.equal(response.body.error.data.errors[0].path, `/body/${field}`, where);
        }
        if (response.statusCode >= 400) assert.deepEqual(await rowCounts(), beforeCounts, `${where}: refused but wrote`);
      }),
      { numRuns: RUNS * 4, includeErrorInReport: true },
    );
  });
});
