/**
 * Tenant isolation, route by route: every organization-scoped route of the API (read from the
 * app's own route catalog, so a new route is covered the day it is added) is called
 *
 *   1. with another organization's admin key on this organization's URL → 403/4003;
 *   2. with this organization's admin key but the other organization's ids → 404, never 2xx;
 *
 * and afterwards the other organization's data is exactly as before.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../test/helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../test/helpers/factories.ts';
import { call } from '../test/helpers/http.ts';
import { createCatalogItem, createToken, PLATFORMS } from '../test/helpers/tokens.ts';

const CATALOG_BODIES: Record<string, Record<string, unknown>> = {
  'mdm/apple/enterprise/policies': { name: 'P' },
  'mdm/windows/enterprise/policies': { name: 'P' },
  'mdm/android/enterprise/policies': { name: 'P' },
  'mdm/apple/enterprise/profiles': { name: 'Wi-Fi', type: 'standalone', targetType: 'user', config: {} },
  'mdm/apple/enterprise/applications': { name: 'Slack', bundleId: 'com.tinyspeck.chatlyio', platform: 'ios' },
  'mdm/apple/enterprise/vpp-locations': { name: 'US', config: { countryISO2ACode: 'US', defaultPlatform: 'ios', locationName: 'US' } },
};

interface Fixtures {
  org: TestOrganization;
  userId: string;
  segmentId: number;
  serviceAccountId: string;
  webhookId: string;
  deliveryId: string;
  tokens: Record<string, { id: string; enrollCode: string }>;
  catalog: Record<string, string>;
}

async function fixtures(ctx: TestContext): Promise<Fixtures> {
  const org = await createOrganization(ctx.app);
  const user = await createMdmUser(ctx.app, org);
  const segment = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/segments`, { token: org.adminToken, body: { name: 'S' } });
  assert.equal(segment.statusCode, 200, JSON.stringify(segment.body));
  const key = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/service-accounts`, { token: org.adminToken, body: { name: 'k', role: 'viewer' } });
  const webhook = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/webhooks`, { token: org.adminToken, body: { url: 'https://hooks.example.com/enrolld' } });
  assert.equal(webhook.statusCode, 200, JSON.stringify(webhook.body));
  const ping = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/webhooks/${webhook.body.data.id}/test`, { token: org.adminToken });
  const tokens: Fixtures['tokens'] = {};
  for (const platform of PLATFORMS) tokens[platform] = await createToken(ctx.app, org, platform, user.id);
  const catalog: Record<string, string> = {};
  for (const [path, body] of Object.entries(CATALOG_BODIES)) catalog[path] = (await createCatalogItem(ctx.app, org, path.replace(/^mdm\//, ''), body)).id;
  return { org, userId: user.id, segmentId: segment.body.data.id, serviceAccountId: key.body.data.id, webhookId: webhook.body.data.id, deliveryId: ping.body.data.id, tokens, catalog };
}

/** The route's URL with `f`'s ids filled in (`ownerOrg` in the organization slot). */
function fill(url: string, ownerOrg: string, f: Fixtures): string {
  const platform = /\/mdm\/(apple|windows|android)\//.exec(url)?.[1];
  const catalogPath = Object.keys(CATALOG_BODIES).find((path) => url.includes(`/${path}/:id`));
  return url
    .replace(':organizationId', ownerOrg)
    .replace(':mdmUserId', f.userId)
    .replace(':segmentId', String(f.segmentId))
    .replace(':serviceAccountId', f.serviceAccountId)
    .replace(':webhookId', f.webhookId)
    .replace(':deliveryId', f.deliveryId)
    .replace(':tokenId', platform ? f.tokens[platform]!.id : 'missing')
    .replace(':id', catalogPath ? f.catalog[catalogPath]! : 'missing');
}

/** A body that passes validation, so only ownership can refuse the request. */
function bodyFor(method: string, url: string, f: Fixtures): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined;
  const platform = /\/mdm\/(apple|windows|android)\//.exec(url)?.[1] ?? 'apple';
  if (url.endsWith('/redeem')) return { code: f.tokens[platform]!.enrollCode, device: { serialNumber: 'ISOLATION' } };
  if (url.endsWith('/resend')) return {};
  if (url.endsWith('/scep-challenges/verify')) return { challenge: 'x'.repeat(32) };
  if (url.endsWith('/signing-certificate')) return { certificateChain: 'x', privateKey: 'y' };
  if (url.endsWith('/bulk')) return { sendEmail: false, userEmails: ['isolation@example.com'], ...(platform === 'android' ? { managementMode: 'DEVICE_OWNER' } : {}) };
  if (/\/enrollment-tokens$/.test(url)) return { sendEmail: false, mdmUserId: f.userId, ...(platform === 'android' ? { managementMode: 'DEVICE_OWNER' } : {}) };
  if (/\/enrollment-tokens\/:tokenId$/.test(url)) return { displayName: 'isolation' };
  if (url.endsWith('/mdm/users')) return { email: `iso-${Math.random().toString(36).slice(2)}@example.com` };
  if (url.endsWith('/service-accounts')) return { name: 'iso', role: 'viewer' };
  if (url.endsWith('/webhooks')) return { url: 'https://hooks.example.com/iso' };
  if (url.endsWith('/webhooks/:webhookId')) return { description: 'iso' };
  if (/\/webhooks\/:webhookId\/.+/.test(url)) return {};
  if (url.endsWith('/segments')) return { name: 'iso' };
  const catalogPath = Object.keys(CATALOG_BODIES).find((path) => url.endsWith(`/${path}`) || url.includes(`/${path}/:id`));
  if (catalogPath) return method === 'POST' ? CATALOG_BODIES[catalogPath] : { name: 'iso' };
  return { name: 'iso' };
}

describe('tenant isolation on every organization route', () => {
  let ctx: TestContext;
  let a: Fixtures;
  let b: Fixtures;
  const snapshot = async (f: Fixtures) => {
    const parts: unknown[] = [];
    for (const platform of PLATFORMS) {
      parts.push((await call(ctx.app, 'GET', `/v1/organizations/${f.org.id}/mdm/${platform}/enterprise/enrollment-tokens`, { token: f.org.adminToken, query: { 'show-deleted': 'true', limit: 100 } })).body.data);
    }
    parts.push((await call(ctx.app, 'GET', `/v1/organizations/${f.org.id}/mdm/users`, { token: f.org.adminToken, query: { limit: 100 } })).body.data);
    parts.push((await call(ctx.app, 'GET', `/v1/organizations/${f.org.id}/segments`, { token: f.org.adminToken })).body.data);
    parts.push((await call(ctx.app, 'GET', `/v1/organizations/${f.org.id}/service-accounts`, { token: f.org.adminToken })).body.data);
    parts.push((await call(ctx.app, 'GET', `/v1/organizations/${f.org.id}/webhooks`, { token: f.org.adminToken })).body.data);
    parts.push((await call(ctx.app, 'GET', `/v1/organizations/${f.org.id}/webhooks/${f.webhookId}/deliveries`, { token: f.org.adminToken })).body.data);
    for (const path of Object.keys(CATALOG_BODIES)) parts.push((await call(ctx.app, 'GET', `/v1/organizations/${f.org.id}/${path}`, { token: f.org.adminToken })).body.data);
    return JSON.stringify(parts);
  };

  before(async () => {
    ctx = await createTestContext({ ENROLLD_ENROLL_RATE_LIMIT: '100000' });
    a = await fixtures(ctx);
    b = await fixtures(ctx);
  });
  after(async () => ctx.close());

  it('refuses another organization’s key on every route, and another organization’s ids', async () => {
    const routes = ctx.app.routeCatalog.filter((route) => route.url.includes(':organizationId') && route.auth && 'permission' in route.auth);
    assert.ok(routes.length >= 80, `the catalog lists the API (${routes.length} routes)`);
    const before = await snapshot(b);
    const leaks: string[] = [];
    for (const route of routes) {
      // 1. B's key on A's URL.
      const foreignKey = await call(ctx.app, route.method, fill(route.url, a.org.id, a), { token: b.org.adminToken, body: bodyFor(route.method, route.url, a) });
      if (foreignKey.statusCode !== 403 || foreignKey.body?.error?.code !== 4003) leaks.push(`${route.method} ${route.url} with another org's key: ${foreignKey.statusCode}`);

      // 2. A's key and A's organization, but B's ids (only routes that take an id).
      if (/:(tokenId|mdmUserId|segmentId|serviceAccountId|webhookId|id)\b/.test(route.url)) {
        const foreignIds = await call(ctx.app, route.method, fill(route.url, a.org.id, b), { token: a.org.adminToken, body: bodyFor(route.method, route.url, a) });
        if (foreignIds.statusCode !== 404) leaks.push(`${route.method} ${route.url} with another org's ids: ${foreignIds.statusCode} ${JSON.stringify(foreignIds.body).slice(0, 120)}`);
        if (route.method === 'GET') {
          // The same read with its own ids works: the 404 above is about ownership, not a bad fixture.
          const own = await call(ctx.app, 'GET', fill(route.url, a.org.id, a), { token: a.org.adminToken });
          if (own.statusCode !== 200) leaks.push(`${route.method} ${route.url} fixture check: ${own.statusCode}`);
        }
      }
    }
    // Redemption takes a code, not an id: B's code through A's organization is unknown there.
    for (const platform of PLATFORMS) {
      const redeemed = await call(ctx.app, 'POST', `/v1/organizations/${a.org.id}/mdm/${platform}/enterprise/enrollment-tokens/redeem`, {
        token: a.org.adminToken,
        body: { code: b.tokens[platform]!.enrollCode, device: { serialNumber: 'X' } },
      });
      if (redeemed.statusCode !== 404) leaks.push(`redeem of another org's ${platform} code: ${redeemed.statusCode}`);
    }
    assert.deepEqual(leaks, []);
    assert.equal(await snapshot(b), before, 'the other organization’s data is untouched');
  });
});
