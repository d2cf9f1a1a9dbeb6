/** Policies, Apple profiles, applications and VPP locations: CRUD per kind, scoping, validation. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

interface KindCase {
  path: string;
  permission: string;
  create: Record<string, unknown>;
  update: Record<string, unknown>;
  invalid: Array<[Record<string, unknown>, string]>;
}

const KINDS: KindCase[] = [
  ...(['apple', 'windows', 'android'] as const).map((platform) => ({
    path: `mdm/${platform}/enterprise/policies`,
    permission: `mdm.${platform}.policy`,
    create: { name: 'Baseline', config: { passcode: { minLength: 6 } } },
    update: { config: { passcode: { minLength: 8 } } },
    invalid: [[{ config: {} }, '/body/name'], [{ name: '' }, '/body/name'], [{ name: 'x', config: [] }, '/body/config'], [{ name: 'x', extra: 1 }, '/body/extra']] as Array<[Record<string, unknown>, string]>,
  })),
  {
    path: 'mdm/apple/enterprise/profiles',
    permission: 'mdm.apple.profile',
    create: { name: 'Wi-Fi', type: 'standalone', targetType: 'user', config: { ssid: 'corp' } },
    update: { name: 'Wi-Fi 2' },
    invalid: [[{ name: 'x', type: 'embedded' }, '/body/type'], [{ name: 'x', targetType: 'group' }, '/body/targetType']],
  },
  {
    path: 'mdm/apple/enterprise/applications',
    permission: 'mdm.apple.application',
    create: { name: 'Slack', bundleId: 'com.tinyspeck.chatlyio', platform: 'ios' },
    update: { platform: 'macos' },
    invalid: [[{ name: 'x', platform: 'ios' }, '/body/bundleId'], [{ name: 'x', bundleId: 'a', platform: 'android' }, '/body/platform']],
  },
  {
    path: 'mdm/apple/enterprise/vpp-locations',
    permission: 'mdm.apple.vppLocation',
    create: { name: 'US', config: { countryISO2ACode: 'US', defaultPlatform: 'ios', locationName: 'US Corporate' } },
    update: { name: 'United States' },
    invalid: [
      [{ name: 'x' }, '/body/config'],
      [{ name: 'x', config: { countryISO2ACode: 'usa', defaultPlatform: 'ios', locationName: 'x' } }, '/body/config/countryISO2ACode'],
    ],
  },
];

for (const kind of KINDS) {
  describe(kind.path, () => {
    const url = (org: { id: string }) => `/v1/organizations/${org.id}/${kind.path}`;

    it('creates, lists, gets, updates and deletes', async () => {
      const org = await createOrganization(ctx.app);
      const created = await call(ctx.app, 'POST', url(org), { token: org.adminToken, body: kind.create });
      assert.equal(created.statusCode, 200, JSON.stringify(created.body));
      const item = created.body.data;
      assert.match(item.id, /^[0-9a-f]{24}$/);
      assert.equal(item.organization, org.id);
      for (const [key, value] of Object.entries(kind.create)) assert.deepEqual(item[key], value, key);

      const listed = await call(ctx.app, 'GET', url(org), { token: org.adminToken, query: { search: String(kind.create.name).slice(1, 3).toUpperCase() } });
      assert.deepEqual(listed.body.data.items.map((i: { id: string }) => i.id), [item.id]);
      assert.deepEqual((await call(ctx.app, 'GET', `${url(org)}/${item.id}`, { token: org.adminToken })).body.data, item);

      const updated = await call(ctx.app, 'PUT', `${url(org)}/${item.id}`, { token: org.adminToken, body: kind.update });
      assert.equal(updated.statusCode, 200);
      for (const [key, value] of Object.entries(kind.update)) assert.deepEqual(updated.body.data[key], value, key);
      for (const key of Object.keys(kind.create).filter((k) => !(k in kind.update))) {
        assert.deepEqual(updated.body.data[key], item[key], `${key} kept`);
      }

      const deleted = await call(ctx.app, 'DELETE', `${url(org)}/${item.id}`, { token: org.adminToken });
      assert.equal(deleted.body.data.id, item.id);
      assert.equal((await call(ctx.app, 'GET', `${url(org)}/${item.id}`, { token: org.adminToken })).body.error.code, 3001);
    });

    it('refuses invalid bodies with 400/3000 naming the field', async () => {
      const org = await createOrganization(ctx.app);
      for (const [body, path] of kind.invalid) {
        const response = await call(ctx.app, 'POST', url(org), { token: org.adminToken, body });
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.ok(response.body.error.data.errors.some((e: { path: string }) => e.path === path), JSON.stringify(response.body.error));
      }
      assert.equal((await call(ctx.app, 'GET', url(org), { token: org.adminToken })).body.data.totalDocs, 0);
    });

    const withItem = async (org: TestOrganization) => {
      const created = await call(ctx.app, 'POST', url(org), { token: org.adminToken, body: kind.create });
      return `${url(org)}/${created.body.data.id}`;
    };
    securitySuite(() => ctx.app, { method: 'POST', url, permission: `${kind.permission}.create`, body: () => kind.create });
    securitySuite(() => ctx.app, { method: 'GET', url, permission: `${kind.permission}.list` });
    securitySuite(() => ctx.app, { method: 'GET', url: withItem, permission: `${kind.permission}.get` });
    securitySuite(() => ctx.app, { method: 'PUT', url: withItem, permission: `${kind.permission}.update`, body: () => kind.update });
    securitySuite(() => ctx.app, { method: 'DELETE', url: withItem, permission: `${kind.permission}.remove` });
  });
}

describe('catalog scoping', () => {
  it("keeps kinds apart: a Windows policy id is not found at the Apple path, nor another organization's item", async () => {
    const org = await createOrganization(ctx.app);
    const other = await createOrganization(ctx.app);
    const windowsPolicy = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/windows/enterprise/policies`, { token: org.adminToken, body: { name: 'w' } });
    const foreign = await call(ctx.app, 'POST', `/v1/organizations/${other.id}/mdm/apple/enterprise/policies`, { token: other.adminToken, body: { name: 'f' } });
    for (const id of [windowsPolicy.body.data.id, foreign.body.data.id]) {
      const response = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/apple/enterprise/policies/${id}`, { token: org.adminToken });
      assert.equal(response.statusCode, 404);
      assert.equal(response.body.error.code, 3001);
    }
  });

  it('keeps a profile UUID and bumps its version on every change', async () => {
    const org = await createOrganization(ctx.app);
    const url = `/v1/organizations/${org.id}/mdm/apple/enterprise/profiles`;
    const created = (await call(ctx.app, 'POST', url, { token: org.adminToken, body: { name: 'p' } })).body.data;
    assert.match(created.UUID, /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    assert.deepEqual([created.version, created.type, created.targetType], [1, 'standalone', 'device']);
    const updated = (await call(ctx.app, 'PUT', `${url}/${created.id}`, { token: org.adminToken, body: { config: { a: 1 } } })).body.data;
    assert.deepEqual([updated.UUID, updated.version], [created.UUID, 2]);
  });
});
