/**
 * The shared security suite every route runs: no token, empty token, garbage, another scheme, a
 * revoked key, another organization's key, a key for an organization that does not exist, a key
 * missing exactly the needed permission, and a viewer writing. Each case must answer its code
 * and write nothing (the route is called with a valid body, so only auth can stop it).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { PERMISSIONS } from '../../src/auth/permissions.ts';
import { createKey, createOrganization, createRevokedKey, type TestOrganization } from './factories.ts';
import { call } from './http.ts';

export interface RouteUnderTest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The URL for `organization`; may create fixtures inside it first. */
  url: (organization: TestOrganization) => string | Promise<string>;
  /** The permission the route needs, or 'root' for root-only routes. */
  permission: string;
  body?: (organization: TestOrganization) => unknown;
}

const isRead = (permission: string) => /\.(list|get)$/.test(permission);

export function securitySuite(getApp: () => FastifyInstance, route: RouteUnderTest): void {
  describe(`security of ${route.method} ${route.permission}`, () => {
    let app: FastifyInstance;
    let target: TestOrganization;
    let other: TestOrganization;
    let url: string;

    const send = (token: string | null, targetUrl = url, headers: Record<string, string> = {}) =>
      call(app, route.method, targetUrl, { token, body: route.body?.(target), headers });

    const expectError = async (responsePromise: ReturnType<typeof send>, status: number, code: number) => {
      const response = await responsePromise;
      assert.equal(response.statusCode, status, JSON.stringify(response.body));
      assert.equal(response.body.status, false);
      assert.equal(response.body.error.code, code);
    };

    before(async () => {
      app = getApp();
      target = await createOrganization(app);
      other = await createOrganization(app);
      url = await route.url(target);
    });

    it('answers 401/4002 without an Authorization header', async () => {
      await expectError(send(null), 401, 4002);
    });

    it('answers 401/4002 for an empty bearer token', async () => {
      await expectError(send(null, url, { authorization: 'Bearer ' }), 401, 4002);
    });

    it('answers 401/4004 for an unknown token', async () => {
      await expectError(send(`enrd_${randomBytes(32).toString('base64url')}`), 401, 4004);
    });

    it('answers 401/4004 for another auth scheme', async () => {
      await expectError(send(null, url, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), 401, 4004);
    });

    it('answers 401/4004 for a revoked key', async () => {
      await expectError(send(await createRevokedKey(app, target.id)), 401, 4004);
    });

    if (route.permission === 'root') {
      it('answers 403/4003 for an admin service account (root only)', async () => {
        await expectError(send(target.adminToken), 403, 4003);
      });
      return;
    }

    it("answers 403/4003 for another organization's admin key", async () => {
      await expectError(send(other.adminToken), 403, 4003);
    });

    it('answers 403/4003 for an organization that does not exist, by slug and by id', async () => {
      const missingSlug = url.replace(`/organizations/${target.id}`, `/organizations/no-such-org-${randomBytes(3).toString('hex')}`);
      const missingId = url.replace(`/organizations/${target.id}`, `/organizations/${randomBytes(12).toString('hex')}`);
      assert.notEqual(missingSlug, url, 'route URLs must address the organization by id');
      await expectError(send(target.adminToken, missingSlug), 403, 4003);
      await expectError(send(target.adminToken, missingId), 403, 4003);
    });

    it('answers 403/4003 for a key holding every permission but this one', async () => {
      const token = await createKey(app, target.id, { permissions: PERMISSIONS.filter((p) => p !== route.permission) });
      await expectError(send(token), 403, 4003);
    });

    if (!isRead(route.permission)) {
      it('answers 403/4003 for a viewer', async () => {
        await expectError(send(await createKey(app, target.id, { role: 'viewer' })), 403, 4003);
      });
    }

    it('lets a key holding just this permission through', async () => {
      const token = await createKey(app, target.id, { permissions: [route.permission] });
      const response = await send(token);
      assert.ok(![401, 403].includes(response.statusCode), JSON.stringify(response.body));
    });
  });
}
