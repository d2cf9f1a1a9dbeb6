/** Factories that create what a test needs through the public API, with unique names. */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { ROOT_KEY } from './app.ts';
import { call } from './http.ts';

export interface TestOrganization {
  id: string;
  slug: string;
  name: string;
  /** An admin key of this organization. */
  adminToken: string;
}

export const uniqueSuffix = () => randomBytes(4).toString('hex');

export async function createOrganization(app: FastifyInstance, plan?: unknown): Promise<TestOrganization> {
  const slug = `org-${uniqueSuffix()}`;
  const created = await call(app, 'POST', '/v1/organizations', {
    token: ROOT_KEY,
    body: { name: `Org ${slug}`, slug, ...(plan ? { plan } : {}) },
  });
  assert.equal(created.statusCode, 200, JSON.stringify(created.body));
  const adminToken = await createKey(app, created.body.data.id, { role: 'admin' });
  return { id: created.body.data.id, slug, name: created.body.data.name, adminToken };
}

/** A service-account token of `organizationId` with a role or explicit permissions. */
export async function createKey(
  app: FastifyInstance,
  organizationId: string,
  grant: { role: string } | { permissions: string[] },
): Promise<string> {
  const created = await call(app, 'POST', `/v1/organizations/${organizationId}/service-accounts`, {
    token: ROOT_KEY,
    body: { name: `key ${uniqueSuffix()}`, ...grant },
  });
  assert.equal(created.statusCode, 200, JSON.stringify(created.body));
  return created.body.data.token;
}

export async function createRevokedKey(app: FastifyInstance, organizationId: string): Promise<string> {
  const created = await call(app, 'POST', `/v1/organizations/${organizationId}/service-accounts`, {
    token: ROOT_KEY,
    body: { name: 'to revoke', role: 'admin' },
  });
  const revoked = await call(app, 'DELETE', `/v1/organizations/${organizationId}/service-accounts/${created.body.data.id}`, {
    token: ROOT_KEY,
  });
  assert.equal(revoked.statusCode, 200);
  return created.body.data.token;
}

export async function createMdmUser(
  app: FastifyInstance,
  organization: TestOrganization,
  fields: Record<string, unknown> = {},
): Promise<any> {
  const created = await call(app, 'POST', `/v1/organizations/${organization.id}/mdm/users`, {
    token: organization.adminToken,
    body: { email: `user-${uniqueSuffix()}@example.com`, ...fields },
  });
  assert.equal(created.statusCode, 200, JSON.stringify(created.body));
  return created.body.data;
}
