/**
 * ETag / If-Match / If-None-Match on users, tokens (every platform), enterprises, catalog items
 * and webhooks: a GET answers the version's tag and 304 while it holds; a PUT or DELETE with a
 * stale tag is refused with 412/5303 and changes nothing, with the current one (or `*`) goes
 * through and answers the new tag; of concurrent changes made from the same tag exactly one wins;
 * and concurrent partial changes without a tag are all kept (none overwrites another with what
 * it read before).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { createCatalogItem, createToken, PLATFORMS, tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

/** A resource to edit: where it lives, and two different changes to make to it. */
interface Resource {
  name: string;
  create(org: TestOrganization): Promise<string>;
  change: (n: number) => Record<string, unknown>;
  /** What a change made visible, to check nothing changed after a refusal. */
  read(data: any): unknown;
  deletable: boolean;
}

const RESOURCES: Resource[] = [
  {
    name: 'MDM user',
    create: async (org) => `/v1/organizations/${org.id}/mdm/users/${(await createMdmUser(ctx.app, org)).id}`,
    change: (n) => ({ name: `Name ${n}` }),
    read: (data) => data.name,
    deletable: true,
  },
  ...PLATFORMS.map((platform) => ({
    name: `${platform} token`,
    create: async (org: TestOrganization) => `${tokensUrl(org, platform)}/${(await createToken(ctx.app, org, platform, (await createMdmUser(ctx.app, org)).id)).id}`,
    change: (n: number) => ({ displayName: `Device ${n}` }),
    read: (data: any) => data.displayName,
    deletable: true,
  })),
  {
    name: 'Apple enterprise',
    create: async (org) => `/v1/organizations/${org.id}/mdm/apple/enterprise`,
    change: (n) => ({ name: `Enterprise ${n}` }),
    read: (data) => data.name,
    deletable: false,
  },
  {
    name: 'catalog item (Windows policy)',
    create: async (org) => `/v1/organizations/${org.id}/mdm/windows/enterprise/policies/${(await createCatalogItem(ctx.app, org, 'windows/enterprise/policies', { name: 'P' })).id}`,
    change: (n) => ({ name: `Policy ${n}` }),
    read: (data) => data.name,
    deletable: true,
  },
  {
    name: 'webhook',
    create: async (org) => {
      const created = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/webhooks`, { token: org.adminToken, body: { url: 'https://hooks.example.com/enrolld' } });
      assert.equal(created.statusCode, 200, JSON.stringify(created.body));
      return `/v1/organizations/${org.id}/webhooks/${created.body.data.id}`;
    },
    change: (n) => ({ description: `Hook ${n}` }),
    read: (data) => data.description,
    deletable: true,
  },
];

describe('ETag and If-Match', () => {
  for (const resource of RESOURCES) {
    describe(resource.name, () => {
      it('answers its version, 304 while it holds, and refuses a change or delete made from a stale one', async () => {
        const org = await createOrganization(ctx.app);
        const url = await resource.create(org);
        const as = { token: org.adminToken };
        const first = await call(ctx.app, 'GET', url, as);
        const etag = first.headers.etag as string;
        assert.match(etag, /^"[0-9a-z]+"$/);

        const unchanged = await call(ctx.app, 'GET', url, { ...as, headers: { 'if-none-match': etag } });
        assert.equal(unchanged.statusCode, 304);
        assert.equal(unchanged.body, '', 'no body');
        assert.equal(unchanged.headers.etag, etag);

        const changed = await call(ctx.app, 'PUT', url, { ...as, body: resource.change(1), headers: { 'if-match': etag } });
        assert.equal(changed.statusCode, 200, JSON.stringify(changed.body));
        const newTag = changed.headers.etag as string;
        assert.ok(newTag && newTag !== etag, 'a change answers the new version');
        const read = await call(ctx.app, 'GET', url, { ...as, headers: { 'if-none-match': etag } });
        assert.equal(read.statusCode, 200, 'the old tag no longer holds');
        assert.equal(read.headers.etag, newTag);

        const stale = await call(ctx.app, 'PUT', url, { ...as, body: resource.change(2), headers: { 'if-match': etag } });
        assert.equal(stale.statusCode, 412, JSON.stringify(stale.body));
        assert.equal(stale.body.error.code, 5303);
        assert.equal(resource.read((await call(ctx.app, 'GET', url, as)).body.data), resource.read({ ...resource.change(1) }), 'nothing changed');

        const weak = await call(ctx.app, 'PUT', url, { ...as, body: resource.change(3), headers: { 'if-match': `W/${newTag}` } });
        assert.equal(weak.statusCode, 412, 'If-Match compares strongly');
        const listed = await call(ctx.app, 'PUT', url, { ...as, body: resource.change(4), headers: { 'if-match': `"other", ${newTag}` } });
        assert.equal(listed.statusCode, 200, 'any tag of the list may match');
        const any = await call(ctx.app, 'PUT', url, { ...as, body: resource.change(5), headers: { 'if-match': '*' } });
        assert.equal(any.statusCode, 200);

        if (resource.deletable) {
          const staleDelete = await call(ctx.app, 'DELETE', url, { ...as, headers: { 'if-match': newTag } });
          assert.equal(staleDelete.statusCode, 412);
          assert.equal((await call(ctx.app, 'GET', url, as)).statusCode, 200, 'still there');
          const current = (await call(ctx.app, 'GET', url, as)).headers.etag as string;
          const deleted = await call(ctx.app, 'DELETE', url, { ...as, headers: { 'if-match': current } });
          assert.equal(deleted.statusCode, 200, JSON.stringify(deleted.body));
        }
      });

      it('lets exactly one of concurrent changes made from the same version through', async () => {
        const org = await createOrganization(ctx.app);
        const url = await resource.create(org);
        const etag = (await call(ctx.app, 'GET', url, { token: org.adminToken })).headers.etag as string;
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, n) => call(ctx.app, 'PUT', url, { token: org.adminToken, body: resource.change(n), headers: { 'if-match': etag } })),
        );
        assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 412, 412, 412, 412, 412, 412, 412]);
        const winner = answers.findIndex((a) => a.statusCode === 200);
        assert.equal(resource.read((await call(ctx.app, 'GET', url, { token: org.adminToken })).body.data), resource.read(resource.change(winner)));
      });
    });
  }

  it('keeps every one of concurrent partial changes made without a tag', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const url = `/v1/organizations/${org.id}/mdm/users/${user.id}`;
    const changes = [{ name: 'Jo' }, { language: 'fr' }, { tags: ['a', 'b'] }, { managedAppleId: 'jo@appleid.example.com' }, { metadata: { desk: 4 } }];
    const answers = await Promise.all(changes.map((body) => call(ctx.app, 'PUT', url, { token: org.adminToken, body })));
    assert.deepEqual(answers.map((a) => a.statusCode), [200, 200, 200, 200, 200]);
    const data = (await call(ctx.app, 'GET', url, { token: org.adminToken })).body.data;
    assert.deepEqual(
      { name: data.name, language: data.language, tags: data.tags, managedAppleId: data.managedAppleId, metadata: data.metadata },
      { name: 'Jo', language: 'fr', tags: ['a', 'b'], managedAppleId: 'jo@appleid.example.com', metadata: { desk: 4 } },
    );
  });
});
