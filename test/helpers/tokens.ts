/** Helpers for enrollment-token tests: URLs, minimal bodies, and catalog fixtures per platform. */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { TestOrganization } from './factories.ts';
import { call } from './http.ts';

export const PLATFORMS = ['apple', 'windows', 'android'] as const;
export type TestPlatform = (typeof PLATFORMS)[number];

export const tokensUrl = (org: { id: string }, platform: TestPlatform) => `/v1/organizations/${org.id}/mdm/${platform}/enterprise/enrollment-tokens`;

/** The smallest valid create body of each platform (besides mdmUserId / userEmails). */
export function minimalBody(platform: TestPlatform): Record<string, unknown> {
  return platform === 'android' ? { sendEmail: false, managementMode: 'DEVICE_OWNER' } : { sendEmail: false };
}

export const POLICY_PATH = { apple: 'apple/enterprise/policies', windows: 'windows/enterprise/policies', android: 'android/enterprise/policies' };
/** The body field naming a platform's main policy, and its assignment list and id field. */
export const POLICY_FIELDS = {
  apple: { main: 'policyId', assignments: 'admPolicyAssignments', assignmentId: 'admPolicyId', assignmentObject: 'admPolicy', filter: 'adm-policy' },
  windows: { main: 'winPolicyId', assignments: 'winPolicyAssignments', assignmentId: 'winPolicyId', assignmentObject: 'winPolicy', filter: 'win-policy' },
  android: { main: 'policyId', assignments: 'emmPolicyAssignments', assignmentId: 'emmPolicyId', assignmentObject: 'emmPolicy', filter: 'emm-policy' },
} as const;

export async function createCatalogItem(app: FastifyInstance, org: TestOrganization, path: string, body: Record<string, unknown>) {
  const created = await call(app, 'POST', `/v1/organizations/${org.id}/mdm/${path}`, { token: org.adminToken, body });
  assert.equal(created.statusCode, 200, JSON.stringify(created.body));
  return created.body.data;
}

export async function createPolicy(app: FastifyInstance, org: TestOrganization, platform: TestPlatform, name = 'Policy') {
  return createCatalogItem(app, org, POLICY_PATH[platform], { name });
}

export async function createToken(app: FastifyInstance, org: TestOrganization, platform: TestPlatform, mdmUserId: string, fields: Record<string, unknown> = {}) {
  const created = await call(app, 'POST', tokensUrl(org, platform), { token: org.adminToken, body: { ...minimalBody(platform), mdmUserId, ...fields } });
  assert.equal(created.statusCode, 200, JSON.stringify(created.body));
  return created.body.data;
}

export async function countTokens(app: FastifyInstance, org: TestOrganization, platform: TestPlatform): Promise<number> {
  const listed = await call(app, 'GET', tokensUrl(org, platform), { token: org.adminToken, query: { 'show-deleted': 'true' } });
  assert.equal(listed.statusCode, 200);
  return listed.body.data.totalDocs;
}
