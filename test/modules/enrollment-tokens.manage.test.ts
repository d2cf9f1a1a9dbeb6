/** Listing, reading, updating and revoking tokens; expiry; tenant isolation; users with tokens. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';
import { createPolicy, createToken, PLATFORMS, POLICY_FIELDS, tokensUrl, type TestPlatform } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

/** Move a token's expiry into the past, as time passing would. */
async function expire(tokenId: string): Promise<void> {
  await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', tokenId).execute();
}

for (const platform of PLATFORMS) {
  describe(`${platform} tokens: list filters`, () => {
    let org: TestOrganization;
    let alice: { id: string };
    let policyId: string;
    const ids: Record<string, string> = {};

    before(async () => {
      org = await createOrganization(ctx.app);
      alice = await createMdmUser(ctx.app, org, { email: 'alice@example.com' });
      const bob = await createMdmUser(ctx.app, org, { email: 'bob@example.com' });
      policyId = (await createPolicy(ctx.app, org, platform)).id;
      ids.a1 = (await createToken(ctx.app, org, platform, alice.id, { displayName: 'Alice laptop', tags: ['sales', 'emea'], [POLICY_FIELDS[platform].main]: policyId })).id;
      ids.a2 = (await createToken(ctx.app, org, platform, alice.id, { displayName: 'Alice phone', tags: ['sales'] })).id;
      ids.b1 = (await createToken(ctx.app, org, platform, bob.id, { displayName: 'Bob tablet', tags: ['ops'] })).id;
      ids.expired = (await createToken(ctx.app, org, platform, bob.id, { displayName: 'old' })).id;
      ids.deleted = (await createToken(ctx.app, org, platform, bob.id, { displayName: 'gone' })).id;
      await expire(ids.expired!);
      await call(ctx.app, 'DELETE', `${tokensUrl(org, platform)}/${ids.deleted}`, { token: org.adminToken });
      // Another platform's token of the same user never shows here.
      const otherPlatform = PLATFORMS.find((p) => p !== platform)!;
      await createToken(ctx.app, org, otherPlatform, alice.id);
    });

    const list = async (query: Record<string, string | number> = {}) => {
      const response = await call(ctx.app, 'GET', tokensUrl(org, platform), { token: org.adminToken, query });
      assert.equal(response.statusCode, 200, JSON.stringify(response.body));
      return response.body.data;
    };
    const idsOf = (page: { items: Array<{ id: string }> }) => page.items.map((t) => t.id).sort();

    it('lists newest first, hiding DELETED unless show-deleted', async () => {
      const page = await list();
      assert.deepEqual(page.items.map((t: { id: string }) => t.id), [ids.expired, ids.b1, ids.a2, ids.a1]);
      assert.equal(page.totalDocs, 4);
      assert.equal((await list({ 'show-deleted': 'true' })).totalDocs, 5);
      assert.equal((await list({ 'show-deleted': 'FALSE' })).totalDocs, 4);
    });

    it('filters by mdm-user, policy, state, tags and search', async () => {
      assert.deepEqual(idsOf(await list({ 'mdm-user': alice.id })), [ids.a1, ids.a2].sort());
      assert.deepEqual(idsOf(await list({ [POLICY_FIELDS[platform].filter]: policyId })), [ids.a1]);
      assert.deepEqual(idsOf(await list({ state: 'PENDING' })), [ids.a1, ids.a2, ids.b1].sort());
      assert.deepEqual(idsOf(await list({ state: 'EXPIRED' })), [ids.expired]);
      assert.deepEqual(idsOf(await list({ state: 'DELETED' })), [ids.deleted]);
      assert.deepEqual(idsOf(await list({ state: 'DONE' })), []);
      assert.deepEqual(idsOf(await list({ tags: 'emea' })), [ids.a1]);
      assert.deepEqual(idsOf(await list({ tags: 'emea,ops' })), [ids.a1, ids.b1].sort());
      assert.deepEqual(idsOf(await list({ search: 'BOB@' })), [ids.b1, ids.expired].sort());
      assert.deepEqual(idsOf(await list({ search: 'phone' })), [ids.a2]);
      assert.deepEqual(idsOf(await list({ 'mdm-user': alice.id, tags: 'sales', search: 'laptop' })), [ids.a1]);
    });

    it('accepts repeated tags parameters', async () => {
      const response = await ctx.app.inject({ method: 'GET', url: `${tokensUrl(org, platform)}?tags=emea&tags=ops`, headers: { authorization: `Bearer ${org.adminToken}` } });
      assert.deepEqual(response.json().data.items.map((t: { id: string }) => t.id).sort(), [ids.a1, ids.b1].sort());
    });

    it('sorts and paginates', async () => {
      const sorted = await list({ sort: 'displayName:asc', limit: 2 });
      assert.deepEqual(sorted.items.map((t: { displayName: string }) => t.displayName), ['Alice laptop', 'Alice phone']);
      assert.equal(sorted.totalPages, 2);
      assert.equal(sorted.nextPage, 2);
    });

    it('refuses bad filters with 400/3000', async () => {
      const badQueries: Array<Record<string, string>> = [{ state: 'ACTIVE' }, { 'mdm-user': 'x' }, { 'show-deleted': 'maybe' }, { policy: policyId }, { sort: 'enrollCode' }];
      for (const query of badQueries) {
        const response = await call(ctx.app, 'GET', tokensUrl(org, platform), { token: org.adminToken, query });
        assert.equal(response.statusCode, 400, JSON.stringify(query));
        assert.equal(response.body.error.code, 3000);
      }
    });
  });

  describe(`${platform} tokens: get, update, delete`, () => {
    let org: TestOrganization;
    let userId: string;
    before(async () => {
      org = await createOrganization(ctx.app);
      userId = (await createMdmUser(ctx.app, org)).id;
    });
    const url = (id: string) => `${tokensUrl(org, platform)}/${id}`;

    it('reports EXPIRED as soon as expireAt passes', async () => {
      const token = await createToken(ctx.app, org, platform, userId);
      await expire(token.id);
      const got = await call(ctx.app, 'GET', url(token.id), { token: org.adminToken });
      assert.equal(got.body.data.state, 'EXPIRED');
    });

    it('updates displayName, tags, policies and segment of a PENDING token', async () => {
      const token = await createToken(ctx.app, org, platform, userId, { displayName: 'before', tags: ['a'] });
      const policy = await createPolicy(ctx.app, org, platform, 'Strict');
      const fields = POLICY_FIELDS[platform];
      const body: Record<string, unknown> = {
        displayName: 'after',
        tags: ['b', 'c'],
        [fields.main]: policy.id,
        [fields.assignments]: [{ [fields.assignmentId]: policy.id, priority: 3 }],
      };
      const updated = await call(ctx.app, 'PUT', url(token.id), { token: org.adminToken, body });
      assert.equal(updated.statusCode, 200, JSON.stringify(updated.body));
      const data = updated.body.data;
      assert.equal(data.displayName, 'after');
      assert.deepEqual(data.tags, ['b', 'c']);
      assert.deepEqual(data[fields.assignments], [{ [fields.assignmentId]: policy.id, [fields.assignmentObject]: { id: policy.id, name: 'Strict' }, priority: 3 }]);
      assert.equal(data.enrollCode, token.enrollCode, 'the code does not change');
      assert.equal(data.expireAt, token.expireAt);
      const byTag = await call(ctx.app, 'GET', tokensUrl(org, platform), { token: org.adminToken, query: { tags: 'c' } });
      assert.deepEqual(byTag.body.data.items.map((t: { id: string }) => t.id), [token.id], 'the tag index follows the update');

      const cleared = await call(ctx.app, 'PUT', url(token.id), { token: org.adminToken, body: { [fields.main]: null } });
      assert.equal(cleared.statusCode, 200);
      assert.equal(platform === 'apple' ? cleared.body.data.admPolicy : cleared.body.data[fields.main], null);
      assert.equal(cleared.body.data.displayName, 'after', 'fields left out are kept');
    });

    it('refuses updates that are not allowed, with nothing changed', async () => {
      const token = await createToken(ctx.app, org, platform, userId);
      const badBodies: Array<[Record<string, unknown>, number]> = [
        [{ sendEmail: true }, 3000],
        [{ duration: 120 }, 3000],
        [{ mdmUserId: userId }, 3000],
        [{ displayName: 'x'.repeat(129) }, 3000],
        [{ [POLICY_FIELDS[platform].main]: '0123456789abcdef01234567' }, 3001],
      ];
      for (const [body, code] of badBodies) {
        const response = await call(ctx.app, 'PUT', url(token.id), { token: org.adminToken, body });
        assert.equal(response.body.error?.code, code, JSON.stringify(body));
      }
      const unchanged = await call(ctx.app, 'GET', url(token.id), { token: org.adminToken });
      assert.deepEqual(unchanged.body.data, token);
    });

    it('answers 400/5120 when updating a token that is not PENDING', async () => {
      const expired = await createToken(ctx.app, org, platform, userId);
      await expire(expired.id);
      const deleted = await createToken(ctx.app, org, platform, userId);
      await call(ctx.app, 'DELETE', url(deleted.id), { token: org.adminToken });
      for (const id of [expired.id, deleted.id]) {
        const response = await call(ctx.app, 'PUT', url(id), { token: org.adminToken, body: { displayName: 'x' } });
        assert.equal(response.statusCode, 400);
        assert.equal(response.body.error.code, 5120);
        assert.match(response.body.error.message, /^Error updating entity/);
      }
    });

    it('revokes a token: DELETED, answered, and idempotent', async () => {
      const token = await createToken(ctx.app, org, platform, userId);
      const deleted = await call(ctx.app, 'DELETE', url(token.id), { token: org.adminToken });
      assert.equal(deleted.statusCode, 200);
      assert.equal(deleted.body.data.state, 'DELETED');
      assert.equal(deleted.body.data.enrollCode, token.enrollCode);
      const again = await call(ctx.app, 'DELETE', url(token.id), { token: org.adminToken });
      assert.equal(again.body.data.state, 'DELETED');
      assert.equal(again.body.data.updatedAt, deleted.body.data.updatedAt);
      assert.equal((await call(ctx.app, 'GET', url(token.id), { token: org.adminToken })).body.data.state, 'DELETED');
    });

    it("answers 404/3001 for another organization's token, another platform's token, or an unknown id", async () => {
      const other = await createOrganization(ctx.app);
      const foreign = await createToken(ctx.app, other, platform, (await createMdmUser(ctx.app, other)).id);
      const otherPlatform = PLATFORMS.find((p) => p !== platform)!;
      const sibling = await createToken(ctx.app, org, otherPlatform, userId);
      for (const id of [foreign.id, sibling.id, '0123456789abcdef01234567']) {
        for (const [method, body] of [['GET', undefined], ['PUT', { displayName: 'x' }], ['DELETE', undefined]] as const) {
          const response = await call(ctx.app, method, url(id), { token: org.adminToken, body });
          assert.equal(response.statusCode, 404, `${method} ${id}`);
          assert.equal(response.body.error.code, 3001);
        }
      }
      const untouched = await call(ctx.app, 'GET', `${tokensUrl(other, platform)}/${foreign.id}`, { token: other.adminToken });
      assert.deepEqual(untouched.body.data, foreign);
    });

    const withToken = async (target: TestOrganization) => {
      const user = await createMdmUser(ctx.app, target);
      return `${tokensUrl(target, platform)}/${(await createToken(ctx.app, target, platform, user.id)).id}`;
    };
    securitySuite(() => ctx.app, { method: 'GET', url: (o) => tokensUrl(o, platform), permission: `mdm.${platform}.enrollmentToken.list` });
    securitySuite(() => ctx.app, { method: 'GET', url: withToken, permission: `mdm.${platform}.enrollmentToken.get` });
    securitySuite(() => ctx.app, { method: 'PUT', url: withToken, permission: `mdm.${platform}.enrollmentToken.update`, body: () => ({ displayName: 'x' }) });
    securitySuite(() => ctx.app, { method: 'DELETE', url: withToken, permission: `mdm.${platform}.enrollmentToken.remove` });
  });
}

describe('MDM users with tokens', () => {
  it('refuses to delete a user with PENDING tokens (400/5055), allows it once none are pending', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const tokens = await Promise.all(PLATFORMS.map((p: TestPlatform) => createToken(ctx.app, org, p, user.id)));
    const refused = await call(ctx.app, 'DELETE', `/v1/organizations/${org.id}/mdm/users/${user.id}`, { token: org.adminToken });
    assert.equal(refused.statusCode, 400);
    assert.deepEqual([refused.body.error.code, refused.body.error.message], [5055, 'MdmUser Can not be deleted because has pending enrollment tokens']);

    await call(ctx.app, 'DELETE', `${tokensUrl(org, 'apple')}/${tokens[0].id}`, { token: org.adminToken });
    await expire(tokens[1].id);
    assert.equal((await call(ctx.app, 'DELETE', `/v1/organizations/${org.id}/mdm/users/${user.id}`, { token: org.adminToken })).statusCode, 400);
    await expire(tokens[2].id);
    const deleted = await call(ctx.app, 'DELETE', `/v1/organizations/${org.id}/mdm/users/${user.id}`, { token: org.adminToken });
    assert.equal(deleted.statusCode, 200);
    const left = await ctx.database.db.selectFrom('enrollmentTokens').select('id').where('mdmUserId', '=', user.id).execute();
    assert.deepEqual(left, [], "the user's finished tokens went with them");
  });
});
