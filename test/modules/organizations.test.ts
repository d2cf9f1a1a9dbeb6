import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, uniqueSuffix } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const root = (method: string, url: string, body?: unknown) => call(ctx.app, method, url, { token: ROOT_KEY, body });
const createOrganizationAnswer = async () => (await root('POST', '/v1/organizations', { name: 'Any', slug: `any-${uniqueSuffix()}` })).body.data;

describe('organizations', () => {
  it('creates an organization with the default plan', async () => {
    const slug = `acme-${uniqueSuffix()}`;
    const response = await root('POST', '/v1/organizations', { name: 'Acme', slug });
    assert.equal(response.statusCode, 200);
    const org = response.body.data;
    assert.match(org.id, /^[0-9a-f]{24}$/);
    assert.equal(org.slug, slug);
    assert.deepEqual(org.plan, { features: ['apple', 'windows', 'android'], limits: { bulkMaxEmails: 10000, maxPendingTokens: null } });
  });

  it('takes a partial plan and merges it over the defaults', async () => {
    const response = await root('POST', '/v1/organizations', {
      name: 'Small',
      slug: `small-${uniqueSuffix()}`,
      plan: { features: ['apple'], limits: { maxPendingTokens: 5 } },
    });
    assert.deepEqual(response.body.data.plan, { features: ['apple'], limits: { bulkMaxEmails: 10000, maxPendingTokens: 5 } });
    const updated = await root('PUT', `/v1/organizations/${response.body.data.id}`, { plan: { limits: { bulkMaxEmails: 50 } } });
    assert.deepEqual(updated.body.data.plan, { features: ['apple'], limits: { bulkMaxEmails: 50, maxPendingTokens: 5 } });
  });

  it('resolves :organizationId by id, by slug, and by an upper-case id', async () => {
    const org = await createOrganization(ctx.app);
    for (const ref of [org.id, org.slug, org.id.toUpperCase()]) {
      const got = await root('GET', `/v1/organizations/${ref}`);
      assert.equal(got.statusCode, 200, ref);
      assert.equal(got.body.data.id, org.id);
    }
  });

  it('answers 404/3001 for an unknown organization and 400/3000 for a malformed reference', async () => {
    const missing = await root('GET', `/v1/organizations/no-such-org`);
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.body.error.code, 3001);
    const malformed = await root('GET', `/v1/organizations/a_b`);
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.body.error.code, 3000);
    assert.equal(malformed.body.error.data.errors[0].path, '/params/organizationId');
  });

  const badSlugs: Array<[string, string]> = [
    ['ab', 'too short'],
    ['x'.repeat(65), 'too long'],
    ['Acme', 'upper case'],
    ['acme_corp', 'underscore'],
    ['0123456789abcdef01234567', '24 hex characters (would read as an id)'],
  ];
  for (const [slug, why] of badSlugs) {
    it(`refuses the slug ${JSON.stringify(slug.slice(0, 30))} (${why})`, async () => {
      const response = await root('POST', '/v1/organizations', { name: 'x', slug });
      assert.equal(response.statusCode, 400);
      assert.equal(response.body.error.data.errors[0].path, '/body/slug');
    });
  }

  it('accepts slugs of exactly 3 and 64 characters', async () => {
    for (const slug of [`a${uniqueSuffix().slice(0, 2)}`, `b${uniqueSuffix()}`.padEnd(64, 'z')]) {
      const response = await root('POST', '/v1/organizations', { name: 'x', slug });
      assert.equal(response.statusCode, 200, JSON.stringify(response.body));
    }
  });

  it('refuses a slug already in use, on create and on rename', async () => {
    const a = await createOrganization(ctx.app);
    const b = await createOrganization(ctx.app);
    const create = await root('POST', '/v1/organizations', { name: 'x', slug: a.slug });
    assert.equal(create.statusCode, 400);
    assert.match(create.body.error.message, /"slug" .* already in use/);
    const rename = await root('PUT', `/v1/organizations/${b.id}`, { slug: a.slug });
    assert.equal(rename.statusCode, 400);
    assert.equal((await root('GET', `/v1/organizations/${b.id}`)).body.data.slug, b.slug);
  });

  it('validates the plan', async () => {
    const response = await root('POST', '/v1/organizations', {
      name: 'x',
      slug: `p-${uniqueSuffix()}`,
      plan: { features: ['apple', 'blackberry'], limits: { bulkMaxEmails: 0, extra: 1 } },
    });
    assert.equal(response.statusCode, 400);
    const paths = response.body.error.data.errors.map((e: { path: string }) => e.path).sort();
    assert.deepEqual(paths, ['/body/plan/features/1', '/body/plan/limits/bulkMaxEmails', '/body/plan/limits/extra']);
  });

  it('keeps an optional allow-list of recipient domains: set, normalized, kept, lifted with null', async () => {
    const created = await root('POST', '/v1/organizations', { name: 'Mail', slug: `mail-${uniqueSuffix()}`, emailDomains: ['Example.COM', '*.example.org', 'example.com'] });
    assert.equal(created.statusCode, 200, JSON.stringify(created.body));
    assert.deepEqual(created.body.data.emailDomains, ['example.com', '*.example.org'], 'lower case, each once');
    const renamed = await root('PUT', `/v1/organizations/${created.body.data.id}`, { name: 'Mail 2' });
    assert.deepEqual(renamed.body.data.emailDomains, ['example.com', '*.example.org'], 'absent: kept');
    const got = await root('GET', `/v1/organizations/${created.body.data.id}`);
    assert.deepEqual(got.body.data.emailDomains, ['example.com', '*.example.org']);
    const lifted = await root('PUT', `/v1/organizations/${created.body.data.id}`, { emailDomains: null });
    assert.equal(lifted.body.data.emailDomains, null);
    assert.equal((await root('GET', `/v1/organizations/${created.body.data.id}`)).body.data.emailDomains, null);
    assert.equal((await createOrganizationAnswer()).emailDomains, null, 'none by default: any domain');
  });

  it('refuses malformed email domains naming the entry (400/3000), writing nothing', async () => {
    const org = await createOrganization(ctx.app);
    const cases: Array<[unknown, string]> = [
      [['example'], '/body/emailDomains/0'],
      [['example.com', 'user@example.com'], '/body/emailDomains/1'],
      [['*example.com'], '/body/emailDomains/0'],
      [['ex ample.com'], '/body/emailDomains/0'],
      [[`${'a'.repeat(250)}.com`], '/body/emailDomains'],
      [['a-.example.com'], '/body/emailDomains/0'],
      [[], '/body/emailDomains'],
    ];
    for (const [emailDomains, path] of cases) {
      const response = await root('PUT', `/v1/organizations/${org.id}`, { emailDomains });
      assert.equal(response.statusCode, 400, JSON.stringify(emailDomains));
      assert.equal(response.body.error.code, 3000);
      assert.ok(response.body.error.data.errors.some((e: { path: string }) => e.path === path), JSON.stringify(response.body.error));
    }
    assert.equal((await root('GET', `/v1/organizations/${org.id}`)).body.data.emailDomains, null);
  });

  it('lists organizations with search', async () => {
    const org = await createOrganization(ctx.app);
    const found = await call(ctx.app, 'GET', '/v1/organizations', { token: ROOT_KEY, query: { search: org.slug.toUpperCase() } });
    assert.equal(found.statusCode, 200);
    assert.deepEqual(found.body.data.items.map((o: { id: string }) => o.id), [org.id]);
  });

  it('deletes an organization with everything it owns; its keys stop working', async () => {
    const org = await createOrganization(ctx.app);
    await createMdmUser(ctx.app, org);
    const deleted = await root('DELETE', `/v1/organizations/${org.slug}`);
    assert.equal(deleted.statusCode, 200);
    assert.equal(deleted.body.data.id, org.id);
    assert.equal((await root('GET', `/v1/organizations/${org.id}`)).statusCode, 404);
    const users = await ctx.database.db.selectFrom('mdmUsers').select('id').where('organizationId', '=', org.id).execute();
    assert.equal(users.length, 0);
    const withOldKey = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token: org.adminToken });
    assert.equal(withOldKey.body.error.code, 4004);
  });

  securitySuite(() => ctx.app, { method: 'POST', url: () => '/v1/organizations', permission: 'root', body: () => ({ name: 'x', slug: `s-${uniqueSuffix()}` }) });
  securitySuite(() => ctx.app, { method: 'GET', url: () => '/v1/organizations', permission: 'root' });
  securitySuite(() => ctx.app, { method: 'GET', url: (o) => `/v1/organizations/${o.id}`, permission: 'root' });
  securitySuite(() => ctx.app, { method: 'PUT', url: (o) => `/v1/organizations/${o.id}`, permission: 'root', body: () => ({ name: 'y' }) });
  securitySuite(() => ctx.app, { method: 'DELETE', url: (o) => `/v1/organizations/${o.id}`, permission: 'root' });
});
