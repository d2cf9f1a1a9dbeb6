/** The HTTP conventions that hold for every route: the envelope, error codes, content types, caching and request ids. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { BODY_LIMIT_BYTES } from '../../src/app.ts';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';

let ctx: TestContext;
let org: TestOrganization;
const logLines: string[] = [];

before(async () => {
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));
  ctx = await createTestContext({ LOG_LEVEL: 'error' }, logStream);
  // Test-only routes that fail the way real bugs do: a thrown error and a broken SQL statement.
  ctx.app.get('/test/throws', async () => {
    throw new Error('kaboom: SELECT secret FROM vault');
  });
  ctx.app.get('/v1/test/throws', { config: { auth: { public: true } } }, async () => {
    throw new Error('kaboom under /v1');
  });
  ctx.app.get('/test/bad-sql', async () => {
    await sql`select * from no_such_table`.execute(ctx.database.db);
    return 'unreachable';
  });
  org = await createOrganization(ctx.app);
});
after(async () => ctx.close());

const usersUrl = () => `/v1/organizations/${org.id}/mdm/users`;

describe('envelope and error mapping', () => {
  it('answers unknown routes with 404/1002 in the envelope', async () => {
    for (const [method, url] of [['GET', '/v1/nothing'], ['POST', '/nowhere'], ['DELETE', `/v1/organizations/${org.id}/unknown`]]) {
      const response = await call(ctx.app, method!, url!, { token: ROOT_KEY });
      assert.equal(response.statusCode, 404);
      assert.deepEqual(response.body.status, false);
      assert.equal(response.body.error.code, 1002);
    }
  });

  it('answers URLs the router refuses (an over-long path parameter, a broken %-escape) with 400/3000 in the envelope', async () => {
    // Found by the reliability fuzzer: Fastify answered these 414/400 in its own format.
    for (const url of [`${usersUrl()}/${'a'.repeat(500)}`, `${usersUrl()}/%E0%A4%A`]) {
      const response = await call(ctx.app, 'GET', url, { token: org.adminToken });
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.body.status, false);
      assert.equal(response.body.error.code, 3000);
    }
  });

  it('refuses NUL characters anywhere in a request with 400/3000 naming the field, writing nothing', async () => {
    // Found by the reliability fuzzer: PostgreSQL cannot store U+0000 and answered 500.
    const cases: Array<[string, string, Record<string, unknown> | undefined, Record<string, string> | undefined, string]> = [
      ['POST', usersUrl(), { email: 'nul@example.com', name: 'a\u0000b' }, undefined, '/body/name'],
      ['POST', `/v1/organizations/${org.id}/mdm/windows/enterprise/enrollment-tokens/redeem`, { code: '\u0000', device: { serialNumber: 'S' } }, undefined, '/body/code'],
      ['GET', usersUrl(), undefined, { search: 'x\u0000' }, '/query/search'],
    ];
    for (const [method, url, body, query, path] of cases) {
      const response = await call(ctx.app, method, url, { token: org.adminToken, body, query });
      assert.equal(response.statusCode, 400, `${method} ${url}`);
      assert.equal(response.body.error.code, 3000);
      assert.equal(response.body.error.data.errors[0].path, path);
    }
    const listed = await call(ctx.app, 'GET', usersUrl(), { token: org.adminToken, query: { email: 'nul@example.com' } });
    assert.equal(listed.body.data.totalDocs, 0);
  });

  it('answers malformed JSON with 400/3000', async () => {
    const response = await call(ctx.app, 'POST', usersUrl(), { token: org.adminToken, raw: { payload: '{"email": ', contentType: 'application/json' } });
    assert.equal(response.statusCode, 400);
    assert.equal(response.body.error.code, 3000);
    assert.match(response.body.error.message, /not valid JSON/);
  });

  it('answers an empty JSON body and a non-JSON content type with 400/3000', async () => {
    const empty = await call(ctx.app, 'POST', usersUrl(), { token: org.adminToken, raw: { payload: '', contentType: 'application/json' } });
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.body.error.code, 3000);
    const xml = await call(ctx.app, 'POST', usersUrl(), { token: org.adminToken, raw: { payload: '<a/>', contentType: 'application/xml' } });
    assert.equal(xml.statusCode, 400);
    assert.equal(xml.body.error.code, 3000);
    const none = await call(ctx.app, 'POST', usersUrl(), { token: org.adminToken });
    assert.equal(none.statusCode, 400);
    assert.equal(none.body.error.data.errors[0].path, '/body');
  });

  it('refuses prototype pollution keys', async () => {
    const response = await call(ctx.app, 'POST', usersUrl(), {
      token: org.adminToken,
      raw: { payload: '{"email":"a@example.com","__proto__":{"admin":true}}', contentType: 'application/json' },
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.body.error.code, 3000);
  });

  it('answers an oversized body with 413/1003', async () => {
    const payload = JSON.stringify({ email: 'a@example.com', name: 'x'.repeat(BODY_LIMIT_BYTES) });
    const response = await call(ctx.app, 'POST', usersUrl(), { token: org.adminToken, raw: { payload, contentType: 'application/json' } });
    assert.equal(response.statusCode, 413);
    assert.equal(response.body.error.code, 1003);
    assert.equal(response.body.error.message, 'Payload too large');
  });

  it('answers unexpected failures with a bare 500/1000 and logs the cause with the request id', async () => {
    for (const url of ['/test/throws', '/test/bad-sql']) {
      const response = await call(ctx.app, 'GET', url, { headers: { 'x-request-id': `req-${url.length}` } });
      assert.equal(response.statusCode, 500);
      assert.deepEqual(response.body, { status: false, error: { code: 1000, message: 'Internal error' } });
      assert.equal(response.headers['x-request-id'], `req-${url.length}`);
      const logged = logLines.map((l) => JSON.parse(l)).find((l) => l.reqId === `req-${url.length}` && l.level >= 50);
      assert.ok(logged, `error logged for ${url}`);
      assert.ok(logged.err.stack, 'the log keeps the stack');
    }
  });

  it('gives every response a request id, keeping a sane one from the caller', async () => {
    const minted = await call(ctx.app, 'GET', '/healthz');
    assert.match(String(minted.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    const hostile = await call(ctx.app, 'GET', '/healthz', { headers: { 'x-request-id': 'a b<script>' } });
    assert.match(String(hostile.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('checks authentication before validation, so anonymous callers learn nothing of the schema', async () => {
    const response = await call(ctx.app, 'POST', usersUrl(), { body: { nonsense: true } });
    assert.equal(response.statusCode, 401);
    assert.equal(response.body.error.code, 4002);
  });

  it('marks every /v1 answer Cache-Control: no-store — keys, codes, lists and errors alike', async () => {
    const key = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/service-accounts`, { token: org.adminToken, body: { name: 'ci', role: 'viewer' } });
    assert.equal(key.statusCode, 200);
    assert.ok(key.body.data.token, 'the answer carries the new key');
    const user = await call(ctx.app, 'POST', usersUrl(), { token: org.adminToken, body: { email: 'no-store@example.com' } });
    const token = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/windows/enterprise/enrollment-tokens`, {
      token: org.adminToken,
      body: { mdmUserId: user.body.data.id, sendEmail: false },
    });
    assert.ok(token.body.data.enrollCode, 'the answer carries an enrollCode');
    const answers = {
      'new key': key,
      'token with enrollCode': token,
      list: await call(ctx.app, 'GET', usersUrl(), { token: org.adminToken }),
      'organization (root key)': await call(ctx.app, 'GET', `/v1/organizations/${org.id}`, { token: ROOT_KEY }),
      'validation error': await call(ctx.app, 'POST', usersUrl(), { token: org.adminToken, body: { email: 'not an address' } }),
      'no key': await call(ctx.app, 'GET', usersUrl()),
      'unknown route': await call(ctx.app, 'GET', '/v1/nothing', { token: ROOT_KEY }),
      'unparseable URL': await call(ctx.app, 'GET', `${usersUrl()}/%E0%A4%A`, { token: org.adminToken }),
      'internal error': await call(ctx.app, 'GET', '/v1/test/throws'),
    };
    for (const [what, response] of Object.entries(answers)) assert.equal(response.headers['cache-control'], 'no-store', `${what} (${response.statusCode})`);
    assert.equal(answers['validation error'].statusCode, 400);
    assert.equal(answers['internal error'].statusCode, 500);
  });

  it('treats a trailing slash like none', async () => {
    const response = await call(ctx.app, 'GET', `${usersUrl()}/`, { token: org.adminToken });
    assert.equal(response.statusCode, 200);
  });
});
