/** Bulk creation: counting, users found or created, limits, and all-or-nothing writes. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';
import { countTokens, createCatalogItem, createPolicy, minimalBody, PLATFORMS, POLICY_FIELDS, tokensUrl, type TestPlatform } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const bulk = (org: TestOrganization, platform: TestPlatform, userEmails: unknown, fields: Record<string, unknown> = {}) =>
  call(ctx.app, 'POST', `${tokensUrl(org, platform)}/bulk`, { token: org.adminToken, body: { ...minimalBody(platform), userEmails, ...fields } });

async function countUsers(org: TestOrganization): Promise<number> {
  return (await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token: org.adminToken })).body.data.totalDocs;
}

for (const platform of PLATFORMS) {
  describe(`${platform} bulk`, () => {
    it('creates one token per address, creating missing users and reusing existing ones case-insensitively', async () => {
      const org = await createOrganization(ctx.app);
      const existing = await createMdmUser(ctx.app, org, { email: 'Known@Example.com', name: 'Known' });
      const policy = await createPolicy(ctx.app, org, platform);
      const response = await bulk(org, platform, ['new1@example.com', 'KNOWN@example.com', ' New2@Example.com '], {
        [POLICY_FIELDS[platform].main]: policy.id,
        tags: ['wave-1'],
        language: 'de',
        displayName: 'Rollout',
      });
      assert.equal(response.statusCode, 200, JSON.stringify(response.body));
      const { tokens: createdTokens, ...counts } = response.body.data;
      assert.deepEqual(counts, { total: 3, success: 3, fail: 0, failures: [] });
      assert.equal(await countUsers(org), 3);

      const listed = await call(ctx.app, 'GET', tokensUrl(org, platform), { token: org.adminToken, query: { sort: 'createdAt:asc' } });
      const tokens = listed.body.data.items;
      assert.deepEqual(createdTokens.map((t: any) => t.email), ['new1@example.com', 'KNOWN@example.com', 'New2@Example.com'], 'each address trimmed, in request order');
      for (const { email, id } of createdTokens) {
        assert.equal(tokens.find((t: any) => t.id === id).mdmUser.email.toLowerCase(), email.toLowerCase(), 'with the id of its own token');
      }
      assert.deepEqual(tokens.map((t: any) => t.mdmUser.email).sort(), ['Known@Example.com', 'New2@Example.com', 'new1@example.com']);
      assert.equal(tokens.find((t: any) => t.mdmUser.email === 'Known@Example.com').mdmUser.id, existing.id);
      for (const token of tokens) {
        assert.equal(token.state, 'PENDING');
        assert.deepEqual(token.tags, ['wave-1']);
        assert.equal(token.language, 'de');
        assert.equal(token.displayName, 'Rollout');
        assert.equal(token.enrollmentLink.endsWith(`/enroll/${platform}/${token.enrollCode}`), true);
      }
      assert.equal(new Set(tokens.map((t: any) => t.enrollCode)).size, 3);
      const created = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token: org.adminToken, query: { email: 'new2@example.com' } });
      assert.equal(created.body.data.items[0].language, 'de', "new users take the invitation's language");
      const byTag = await call(ctx.app, 'GET', tokensUrl(org, platform), { token: org.adminToken, query: { tags: 'wave-1' } });
      assert.equal(byTag.body.data.totalDocs, 3);
    });

    it('counts invalid and repeated addresses as fails with their reasons', async () => {
      const org = await createOrganization(ctx.app);
      const emails = ['ok@example.com', 'not-an-email', '', 'OK@example.com', 'two@example.com', 'a@b', 'ok@example.com'];
      const response = await bulk(org, platform, emails);
      assert.equal(response.statusCode, 200);
      const data = response.body.data;
      assert.deepEqual({ total: data.total, success: data.success, fail: data.fail }, { total: 7, success: 2, fail: 5 });
      assert.equal(data.success + data.fail, data.total);
      assert.deepEqual(
        data.failures.map((f: any) => [f.email, f.code, f.message]),
        [
          ['not-an-email', 3000, 'Invalid email address'],
          ['', 3000, 'Invalid email address'],
          ['OK@example.com', 3000, 'Email repeated in this request'],
          ['a@b', 3000, 'Invalid email address'],
          ['ok@example.com', 3000, 'Email repeated in this request'],
        ],
      );
      assert.equal(await countTokens(ctx.app, org, platform), 2);
    });
  });
}

describe('bulk edge cases', () => {
  it('accepts an empty list: nothing to do', async () => {
    const org = await createOrganization(ctx.app);
    const response = await bulk(org, 'android', []);
    assert.deepEqual(response.body.data, { total: 0, success: 0, fail: 0, failures: [], tokens: [] });
  });

  it('answers all-invalid lists with every address failed and nothing written', async () => {
    const org = await createOrganization(ctx.app);
    const response = await bulk(org, 'apple', ['x', 'y@', '@z.com']);
    assert.deepEqual({ ...response.body.data, failures: response.body.data.failures.length }, { total: 3, success: 0, fail: 3, failures: 3, tokens: [] });
    assert.equal(await countUsers(org), 0);
  });

  it('refuses userEmails that is missing, not an array, or has non-strings', async () => {
    const org = await createOrganization(ctx.app);
    for (const [value, path] of [[undefined, '/body/userEmails'], ['a@example.com', '/body/userEmails'], [['a@example.com', 7], '/body/userEmails/1']] as const) {
      const response = await bulk(org, 'windows', value);
      assert.equal(response.statusCode, 400);
      assert.equal(response.body.error.data.errors[0].path, path);
    }
  });

  it('handles exactly 10,000 addresses and refuses 10,001 with 400/5017, writing nothing', async () => {
    const org = await createOrganization(ctx.app);
    const emails = Array.from({ length: 10_001 }, (_, i) => `user${i}@bulk.example.com`);
    const over = await bulk(org, 'apple', emails);
    assert.equal(over.statusCode, 400);
    assert.deepEqual([over.body.error.code, over.body.error.message], [5017, 'Limit Exceeded: 10001 userEmails > bulkMaxEmails 10000']);
    assert.equal(await countUsers(org), 0);

    const exact = await bulk(org, 'apple', emails.slice(0, 10_000));
    assert.equal(exact.statusCode, 200);
    assert.deepEqual({ ...exact.body.data, tokens: exact.body.data.tokens.length }, { total: 10_000, success: 10_000, fail: 0, failures: [], tokens: 10_000 });
    assert.equal(await countTokens(ctx.app, org, 'apple'), 10_000);
    assert.equal(await countUsers(org), 10_000);
    const codes = await ctx.database.db.selectFrom('enrollmentTokens').select('enrollCode').where('organizationId', '=', org.id).execute();
    assert.equal(new Set(codes.map((c) => c.enrollCode)).size, 10_000);
  });

  it("honours the organization's own bulk limit", async () => {
    const org = await createOrganization(ctx.app, { limits: { bulkMaxEmails: 2 } });
    assert.equal((await bulk(org, 'apple', ['a@example.com', 'b@example.com'])).statusCode, 200);
    assert.equal((await bulk(org, 'apple', ['a@example.com', 'b@example.com', 'c@example.com'])).body.error.code, 5017);
  });

  it('commits all or nothing: a bad reference or the pending quota stops the whole request', async () => {
    const org = await createOrganization(ctx.app, { limits: { maxPendingTokens: 3 } });
    const attached = await createCatalogItem(ctx.app, org, 'apple/enterprise/profiles', { name: 'p', type: 'attached' });
    const badReference = await bulk(org, 'apple', ['a@example.com', 'b@example.com'], { policyId: '0123456789abcdef01234567' });
    assert.equal(badReference.body.error.code, 3001);
    const badProfile = await bulk(org, 'apple', ['a@example.com'], { profiles: [attached.id] });
    assert.equal(badProfile.body.error.code, 5086);
    const overQuota = await bulk(org, 'apple', ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com']);
    assert.equal(overQuota.body.error.code, 5017);
    assert.equal(await countUsers(org), 0, 'no users were created on the way');
    assert.equal(await countTokens(ctx.app, org, 'apple'), 0);
    const fits = await bulk(org, 'apple', ['a@example.com', 'b@example.com', 'c@example.com', 'bad']);
    assert.deepEqual([fits.body.data.success, fits.body.data.fail], [3, 1], 'failed addresses do not count against the quota');
  });

  for (const platform of PLATFORMS) {
    securitySuite(() => ctx.app, {
      method: 'POST',
      url: (org) => `${tokensUrl(org, platform)}/bulk`,
      permission: `mdm.${platform}.enrollmentToken.create`,
      body: () => ({ ...minimalBody(platform), userEmails: ['sec@example.com'] }),
    });
  }
});
