import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, uniqueSuffix, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const usersUrl = (org: { id: string }) => `/v1/organizations/${org.id}/mdm/users`;

async function countUsers(org: TestOrganization): Promise<number> {
  const listed = await call(ctx.app, 'GET', usersUrl(org), { token: org.adminToken });
  return listed.body.data.totalDocs;
}

describe('POST /mdm/users', () => {
  it('creates a user with defaults and answers the full shape', async () => {
    const org = await createOrganization(ctx.app);
    const response = await call(ctx.app, 'POST', usersUrl(org), {
      token: org.adminToken,
      body: { email: 'Jane.Doe@Example.com', name: 'Jane Doe', tags: ['sales'], metadata: { costCenter: 42 } },
    });
    assert.equal(response.statusCode, 200);
    const user = response.body.data;
    assert.match(user.id, /^[0-9a-f]{24}$/);
    assert.deepEqual(
      { ...user, id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        id: undefined,
        organization: org.id,
        email: 'Jane.Doe@Example.com',
        name: 'Jane Doe',
        tags: ['sales'],
        language: 'en',
        managedAppleId: null,
        metadata: { costCenter: 42 },
        createdAt: undefined,
        updatedAt: undefined,
      },
    );
    assert.match(user.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('keeps free-form keys exactly as given (snake_case, nested) on every database, in get and list', async () => {
    const org = await createOrganization(ctx.app);
    const metadata = { first_name: 'Jane', cost_centre: { budget_code: 'X-1', list_of_things: [{ inner_key: 1 }] }, CamelCase: true };
    const created = await call(ctx.app, 'POST', usersUrl(org), { token: org.adminToken, body: { email: 'keys@example.com', metadata } });
    assert.deepEqual(created.body.data.metadata, metadata);
    const got = await call(ctx.app, 'GET', `${usersUrl(org)}/${created.body.data.id}`, { token: org.adminToken });
    assert.deepEqual(got.body.data.metadata, metadata);
    const listed = await call(ctx.app, 'GET', usersUrl(org), { token: org.adminToken });
    assert.deepEqual(listed.body.data.items[0].metadata, metadata);
    const policy = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/apple/enterprise/policies`, { token: org.adminToken, body: { name: 'p', config: { allow_camera: false } } });
    const policyRead = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/apple/enterprise/policies/${policy.body.data.id}`, { token: org.adminToken });
    assert.deepEqual(policyRead.body.data.config, { allow_camera: false });
  });

  it('refuses a second user with the same email in any case (400/5048) and keeps one', async () => {
    const org = await createOrganization(ctx.app);
    await createMdmUser(ctx.app, org, { email: 'dup@example.com' });
    const again = await call(ctx.app, 'POST', usersUrl(org), { token: org.adminToken, body: { email: 'DUP@Example.COM' } });
    assert.equal(again.statusCode, 400);
    assert.equal(again.body.error.code, 5048);
    assert.equal(again.body.error.message, 'Mdm user already exists');
    assert.equal(await countUsers(org), 1);
  });

  it('allows the same email in two organizations', async () => {
    const a = await createOrganization(ctx.app);
    const b = await createOrganization(ctx.app);
    await createMdmUser(ctx.app, a, { email: 'shared@example.com' });
    await createMdmUser(ctx.app, b, { email: 'shared@example.com' });
  });

  const invalidBodies: Array<[string, unknown, string]> = [
    ['missing email', { name: 'x' }, '/body/email'],
    ['malformed email', { email: 'not-an-email' }, '/body/email'],
    ['email with a space', { email: 'a b@example.com' }, '/body/email'],
    ['unknown key', { email: 'a@example.com', role: 'x' }, '/body/role'],
    ['name over 128', { email: 'a@example.com', name: 'x'.repeat(129) }, '/body/name'],
    ['tag over 128', { email: 'a@example.com', tags: ['x'.repeat(129)] }, '/body/tags/0'],
    ['unsupported language', { email: 'a@example.com', language: 'nl' }, '/body/language'],
    ['metadata not an object', { email: 'a@example.com', metadata: [1] }, '/body/metadata'],
    ['body not an object', [{ email: 'a@example.com' }], '/body'],
  ];
  for (const [label, body, path] of invalidBodies) {
    it(`answers 400/3000 naming ${path} for ${label}, and writes nothing`, async () => {
      const org = await createOrganization(ctx.app);
      const response = await call(ctx.app, 'POST', usersUrl(org), { token: org.adminToken, body });
      assert.equal(response.statusCode, 400);
      assert.equal(response.body.error.code, 3000);
      assert.ok(response.body.error.data.errors.some((e: { path: string }) => e.path === path), JSON.stringify(response.body));
      const field = path.replace('/body/', '').replace(/\/(\d+)/, '[$1]').replace('/body', 'body');
      assert.match(response.body.error.message, new RegExp(`"${field.replace(/[[\]]/g, '\\$&')}"`));
      assert.equal(await countUsers(org), 0);
    });
  }

  it('accepts a name of exactly 128 characters and every supported language', async () => {
    const org = await createOrganization(ctx.app);
    for (const language of ['en', 'es', 'fr', 'de', 'it', 'pt']) {
      await createMdmUser(ctx.app, org, { name: 'n'.repeat(128), language });
    }
  });

  it('lists every problem of a body at once', async () => {
    const org = await createOrganization(ctx.app);
    const response = await call(ctx.app, 'POST', usersUrl(org), {
      token: org.adminToken,
      body: { email: 'nope', language: 'xx', extra: true },
    });
    const paths = response.body.error.data.errors.map((e: { path: string }) => e.path).sort();
    assert.deepEqual(paths, ['/body/email', '/body/extra', '/body/language']);
  });

  securitySuite(() => ctx.app, {
    method: 'POST',
    url: usersUrl,
    permission: 'mdm.global.mdmUser.create',
    body: () => ({ email: `sec-${uniqueSuffix()}@example.com` }),
  });
});

describe('GET /mdm/users', () => {
  let org: TestOrganization;
  before(async () => {
    org = await createOrganization(ctx.app);
    for (const [email, name] of [
      ['alice@example.com', 'Alice Liddell'],
      ['bob@example.com', 'Bob Builder'],
      ['carol@corp.example', 'Carol 100%_Sure'],
      ['dave@example.com', null],
      ['erin@example.com', 'Erin'],
    ] as const) {
      await createMdmUser(ctx.app, org, { email, name });
    }
  });

  const list = (query: Record<string, string | number>) => call(ctx.app, 'GET', usersUrl(org), { token: org.adminToken, query });

  it('paginates with the Applivery page shape, newest first by default', async () => {
    const first = await list({ limit: 2 });
    assert.equal(first.statusCode, 200);
    const { items, ...meta } = first.body.data;
    assert.deepEqual(meta, { totalDocs: 5, limit: 2, page: 1, totalPages: 3, hasPrevPage: false, hasNextPage: true, prevPage: null, nextPage: 2 });
    assert.deepEqual(items.map((u: { email: string }) => u.email), ['erin@example.com', 'dave@example.com']);
    const last = await list({ limit: 2, page: 3 });
    assert.deepEqual(
      { page: last.body.data.page, prevPage: last.body.data.prevPage, nextPage: last.body.data.nextPage, hasNextPage: last.body.data.hasNextPage },
      { page: 3, prevPage: 2, nextPage: null, hasNextPage: false },
    );
    assert.equal(last.body.data.items.length, 1);
    const beyond = await list({ limit: 2, page: 9 });
    assert.deepEqual(beyond.body.data.items, []);
  });

  it('sorts by field and direction', async () => {
    const ascending = await list({ sort: 'email:asc' });
    assert.deepEqual(
      ascending.body.data.items.map((u: { email: string }) => u.email),
      ['alice@example.com', 'bob@example.com', 'carol@corp.example', 'dave@example.com', 'erin@example.com'],
    );
    const descending = await list({ sort: 'email:desc', limit: 1 });
    assert.equal(descending.body.data.items[0].email, 'erin@example.com');
  });

  it('searches email and name case-insensitively, treating % and _ literally', async () => {
    assert.deepEqual((await list({ search: 'BUILD' })).body.data.items.map((u: { email: string }) => u.email), ['bob@example.com']);
    assert.deepEqual((await list({ search: 'corp.EX' })).body.data.items.map((u: { email: string }) => u.email), ['carol@corp.example']);
    assert.equal((await list({ search: '100%_' })).body.data.totalDocs, 1);
    assert.equal((await list({ search: '%' })).body.data.totalDocs, 1);
    assert.equal((await list({ search: '_' })).body.data.totalDocs, 1);
  });

  it('filters by exact email ignoring case', async () => {
    const found = await list({ email: 'ALICE@example.COM' });
    assert.deepEqual(found.body.data.items.map((u: { name: string }) => u.name), ['Alice Liddell']);
    assert.equal((await list({ email: 'alice@example' })).body.data.totalDocs, 0);
  });

  it("never lists another organization's users", async () => {
    const other = await createOrganization(ctx.app);
    await createMdmUser(ctx.app, other, { email: 'alice@example.com' });
    assert.equal((await list({})).body.data.totalDocs, 5);
  });

  const badQueries: Array<[Record<string, string | number>, string]> = [
    [{ page: 0 }, '/query/page'],
    [{ limit: 0 }, '/query/limit'],
    [{ limit: 501 }, '/query/limit'],
    [{ limit: 'ten' }, '/query/limit'],
    [{ sort: 'password:asc' }, '/query/sort'],
    [{ sort: 'email:sideways' }, '/query/sort'],
    [{ colour: 'red' }, '/query/colour'],
  ];
  for (const [query, path] of badQueries) {
    it(`answers 400/3000 naming ${path} for ${JSON.stringify(query)}`, async () => {
      const response = await list(query);
      assert.equal(response.statusCode, 400);
      assert.equal(response.body.error.code, 3000);
      assert.equal(response.body.error.data.errors[0].path, path);
    });
  }

  it('accepts limit 500 and 1', async () => {
    assert.equal((await list({ limit: 500 })).statusCode, 200);
    assert.equal((await list({ limit: 1 })).body.data.items.length, 1);
  });

  securitySuite(() => ctx.app, { method: 'GET', url: usersUrl, permission: 'mdm.global.mdmUser.list' });
});

describe('GET, PUT, DELETE /mdm/users/:mdmUserId', () => {
  it('gets a user by id, and 404/3001 for an unknown id or one of another organization', async () => {
    const org = await createOrganization(ctx.app);
    const other = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const foreign = await createMdmUser(ctx.app, other);
    const got = await call(ctx.app, 'GET', `${usersUrl(org)}/${user.id}`, { token: org.adminToken });
    assert.deepEqual(got.body.data, user);
    for (const id of [foreign.id, '0123456789abcdef01234567']) {
      const missing = await call(ctx.app, 'GET', `${usersUrl(org)}/${id}`, { token: org.adminToken });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.body.error.code, 3001);
    }
    const malformed = await call(ctx.app, 'GET', `${usersUrl(org)}/not-an-id`, { token: org.adminToken });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.body.error.data.errors[0].path, '/params/mdmUserId');
  });

  it('updates only the fields given, clears with null, and keeps email uniqueness', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org, { name: 'Old', tags: ['a'], managedAppleId: 'old@appleid.example' });
    const taken = await createMdmUser(ctx.app, org, { email: 'taken@example.com' });
    const updated = await call(ctx.app, 'PUT', `${usersUrl(org)}/${user.id}`, {
      token: org.adminToken,
      body: { name: 'New', language: 'de', managedAppleId: null },
    });
    assert.equal(updated.statusCode, 200);
    assert.equal(updated.body.data.name, 'New');
    assert.equal(updated.body.data.language, 'de');
    assert.equal(updated.body.data.managedAppleId, null);
    assert.deepEqual(updated.body.data.tags, ['a']);
    assert.equal(updated.body.data.email, user.email);
    assert.ok(updated.body.data.updatedAt >= user.updatedAt);

    const clash = await call(ctx.app, 'PUT', `${usersUrl(org)}/${user.id}`, { token: org.adminToken, body: { email: 'TAKEN@example.com' } });
    assert.equal(clash.statusCode, 400);
    assert.equal(clash.body.error.code, 5048);
    const still = await call(ctx.app, 'GET', `${usersUrl(org)}/${user.id}`, { token: org.adminToken });
    assert.equal(still.body.data.email, user.email);
    assert.equal(taken.email, 'taken@example.com');

    const own = await call(ctx.app, 'PUT', `${usersUrl(org)}/${user.id}`, { token: org.adminToken, body: { email: user.email.toUpperCase() } });
    assert.equal(own.statusCode, 200, 're-casing one\'s own email is not a duplicate');

    const bad = await call(ctx.app, 'PUT', `${usersUrl(org)}/${user.id}`, { token: org.adminToken, body: { email: 'x', id: 'y' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.body.error.data.errors.length, 2);
  });

  it('deletes a user, answering it, after which it is gone', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const deleted = await call(ctx.app, 'DELETE', `${usersUrl(org)}/${user.id}`, { token: org.adminToken });
    assert.equal(deleted.statusCode, 200);
    assert.equal(deleted.body.data.id, user.id);
    const again = await call(ctx.app, 'DELETE', `${usersUrl(org)}/${user.id}`, { token: org.adminToken });
    assert.equal(again.statusCode, 404);
    assert.equal(again.body.error.code, 3001);
  });

  const withUser = async (org: TestOrganization) => `${usersUrl(org)}/${(await createMdmUser(ctx.app, org)).id}`;
  securitySuite(() => ctx.app, { method: 'GET', url: withUser, permission: 'mdm.global.mdmUser.get' });
  securitySuite(() => ctx.app, { method: 'PUT', url: withUser, permission: 'mdm.global.mdmUser.update', body: () => ({ name: 'x' }) });
  securitySuite(() => ctx.app, { method: 'DELETE', url: withUser, permission: 'mdm.global.mdmUser.remove' });
});
