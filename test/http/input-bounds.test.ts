/**
 * Inputs built to cost the server: nesting depth, free-form object size, page numbers and bulk
 * list sizes are all refused as 400/3000 naming the field, before any work and without a write.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_FREE_FORM_BYTES } from '../../src/http/schemas.ts';
import { MAX_JSON_DEPTH } from '../../src/http/validation.ts';
import { MAX_PAGE } from '../../src/lib/pagination.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { minimalBody, tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const usersUrl = (org: { id: string }) => `/v1/organizations/${org.id}/mdm/users`;

/** An object `levels` deep: {a: {a: … {} }} (the object itself is level 1). */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/** The same, as JSON text built directly (JSON.stringify itself overflows on very deep values). */
const nestedJson = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;

const countUsers = async (org: TestOrganization) => (await call(ctx.app, 'GET', usersUrl(org), { token: org.adminToken })).body.data.totalDocs;

describe('nesting depth', () => {
  it(`accepts a body ${MAX_JSON_DEPTH} levels deep and refuses one level more, naming the field`, async () => {
    const org = await createOrganization(ctx.app);
    // The body is level 1 and metadata level 2, so metadata may itself be MAX_JSON_DEPTH - 1 deep.
    const fits = await call(ctx.app, 'POST', usersUrl(org), { token: org.adminToken, body: { email: 'deep@example.com', metadata: nested(MAX_JSON_DEPTH - 1) } });
    assert.equal(fits.statusCode, 200, JSON.stringify(fits.body));
    const deeper = await call(ctx.app, 'POST', usersUrl(org), { token: org.adminToken, body: { email: 'deeper@example.com', metadata: nested(MAX_JSON_DEPTH) } });
    assert.equal(deeper.statusCode, 400);
    assert.equal(deeper.body.error.code, 3000);
    assert.deepEqual(deeper.body.error.data.errors, [
      { path: '/body/metadata', message: `"metadata" is nested too deeply: at most ${MAX_JSON_DEPTH} levels of objects and arrays` },
    ]);
    assert.equal(await countUsers(org), 1);
  });

  it('refuses metadata 4,110 levels deep (it used to be stored and break every list page) and writes nothing', async () => {
    const org = await createOrganization(ctx.app);
    const payload = `{"email":"abyss@example.com","metadata":${nestedJson(4_110)}}`;
    const response = await call(ctx.app, 'POST', usersUrl(org), { token: org.adminToken, raw: { payload, contentType: 'application/json' } });
    assert.equal(response.statusCode, 400);
    assert.equal(response.body.error.data.errors[0].path, '/body/metadata');
    assert.equal(await countUsers(org), 0);
  });

  it('arrays count as levels too, anywhere in any body', async () => {
    const org = await createOrganization(ctx.app);
    const payload = `{"name":"p","config":{"list":${'['.repeat(40)}${']'.repeat(40)}}}`;
    const response = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/apple/enterprise/policies`, {
      token: org.adminToken,
      raw: { payload, contentType: 'application/json' },
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.body.error.data.errors.map((e: { path: string }) => e.path), ['/body/config']);
  });

  it('a user stored over-deep before the limit existed is still listed, found and deleted', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org, { email: 'old@example.com' });
    await createMdmUser(ctx.app, org, { email: 'neighbour@example.com' });
    // The JSON text as stored (re-serializing such a value overflows the stack on some runtimes).
    await ctx.database.db.updateTable('mdmUsers').set({ metadata: nestedJson(4_110) }).where('id', '=', user.id).execute();

    const listed = await call(ctx.app, 'GET', usersUrl(org), { token: org.adminToken });
    assert.equal(listed.statusCode, 200);
    assert.equal(listed.body.data.totalDocs, 2);
    const got = await call(ctx.app, 'GET', `${usersUrl(org)}/${user.id}`, { token: org.adminToken });
    assert.equal(got.statusCode, 200);
    // Served cut at the limit: 32 levels of objects counting metadata itself, then null.
    let level = got.body.data.metadata;
    let objects = 0;
    while (level !== null && typeof level === 'object') {
      objects++;
      level = level.a;
    }
    assert.equal(objects, MAX_JSON_DEPTH);
    assert.equal(level, null);
    assert.equal((await call(ctx.app, 'DELETE', `${usersUrl(org)}/${user.id}`, { token: org.adminToken })).statusCode, 200);
  });
});

describe('free-form object size', () => {
  it(`refuses metadata over ${MAX_FREE_FORM_BYTES} bytes as JSON, naming the field; exactly at the bound is fine`, async () => {
    const org = await createOrganization(ctx.app);
    const padding = (bytes: number) => ({ note: 'x'.repeat(bytes - '{"note":""}'.length) });
    const atBound = await call(ctx.app, 'POST', usersUrl(org), { token: org.adminToken, body: { email: 'fits@example.com', metadata: padding(MAX_FREE_FORM_BYTES) } });
    assert.equal(atBound.statusCode, 200, JSON.stringify(atBound.body).slice(0, 300));
    const over = await call(ctx.app, 'POST', usersUrl(org), { token: org.adminToken, body: { email: 'big@example.com', metadata: padding(MAX_FREE_FORM_BYTES + 1) } });
    assert.equal(over.statusCode, 400);
    assert.deepEqual(over.body.error.data.errors, [{ path: '/body/metadata', message: `"metadata" must be at most ${MAX_FREE_FORM_BYTES} bytes as JSON` }]);
    const update = await call(ctx.app, 'PUT', `${usersUrl(org)}/${atBound.body.data.id}`, { token: org.adminToken, body: { metadata: padding(MAX_FREE_FORM_BYTES + 1) } });
    assert.equal(update.statusCode, 400);
    assert.equal(await countUsers(org), 1);
  });

  it('bounds catalog configurations the same way', async () => {
    const org = await createOrganization(ctx.app);
    const response = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/android/enterprise/policies`, {
      token: org.adminToken,
      body: { name: 'big', config: { blob: 'x'.repeat(MAX_FREE_FORM_BYTES) } },
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.body.error.data.errors[0].path, '/body/config');
  });
});

describe('page numbers', () => {
  it('refuses page numbers past the bound with 400/3000 naming page (a 20-digit page used to answer 500)', async () => {
    const org = await createOrganization(ctx.app);
    for (const page of ['99999999999999999999', String(MAX_PAGE + 1), '1e30']) {
      for (const url of [usersUrl(org), tokensUrl(org, 'apple'), `/v1/organizations/${org.id}/segments`]) {
        const response = await call(ctx.app, 'GET', url, { token: org.adminToken, query: { page, limit: '500' } });
        assert.equal(response.statusCode, 400, `${url}?page=${page}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.error.data.errors[0].path, '/query/page');
      }
    }
  });

  it('answers the highest page with an empty page on both databases', async () => {
    const org = await createOrganization(ctx.app);
    const response = await call(ctx.app, 'GET', usersUrl(org), { token: org.adminToken, query: { page: String(MAX_PAGE), limit: '500' } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.body.data.items, []);
    assert.equal(response.body.data.page, MAX_PAGE);
  });
});

describe('bulk list size', () => {
  it('refuses more than 100,000 addresses from the schema, naming userEmails, and creates nothing', async () => {
    const org = await createOrganization(ctx.app);
    // 1.2 million short strings, as in the review (about 5 MB).
    const body = JSON.stringify({ ...minimalBody('android'), userEmails: [] });
    const payload = body.replace('"userEmails":[]', `"userEmails":[${Array.from({ length: 1_200_000 }, () => '"a"').join(',')}]`);
    const response = await call(ctx.app, 'POST', `${tokensUrl(org, 'android')}/bulk`, { token: org.adminToken, raw: { payload, contentType: 'application/json' } });
    assert.equal(response.statusCode, 400);
    assert.equal(response.body.error.code, 3000);
    assert.deepEqual(response.body.error.data.errors, [{ path: '/body/userEmails', message: '"userEmails" must contain at most 100000 items' }]);
    assert.equal(await countUsers(org), 0);
  });

  it('refuses an address longer than 320 characters with the request', async () => {
    const org = await createOrganization(ctx.app);
    const response = await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/bulk`, {
      token: org.adminToken,
      body: { sendEmail: false, userEmails: ['ok@example.com', `${'a'.repeat(320)}@example.com`] },
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.body.error.data.errors[0].path, '/body/userEmails/1');
    assert.equal(await countUsers(org), 0);
  });
});
