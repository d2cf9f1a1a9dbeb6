/**
 * Each seed page's request, written as a real (flat) body: every option the page lists, with a
 * realistic value, must succeed with the documented response shape. The option names are read
 * from the pages themselves, so a field a page documents and enrolld refuses fails here.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { createCatalogItem, createPolicy, tokensUrl, type TestPlatform } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const seedsDir = path.resolve(import.meta.dirname, '../fixtures/seeds');

/** The option names of a page: the keys of `children` in its Joi description. */
function documentedOptions(file: string): string[] {
  const text = readFileSync(path.join(seedsDir, file), 'utf8');
  const curl = /-d '(\{[\s\S]*?\})'/.exec(text);
  if (curl) return Object.keys(JSON.parse(curl[1]!).children);
  const block = /"type": "object",\s*"children": \{([\s\S]*?)\n {4}\},\n {4}"userEmails"/.exec(text);
  assert.ok(block, `an option list in ${file}`);
  return [...block[1]!.matchAll(/^ {8}"(\w+)": \{/gm)].map((m) => m[1]!);
}

async function fixtures(org: TestOrganization, platform: TestPlatform) {
  const policy = await createPolicy(ctx.app, org, platform);
  const segment = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/segments`, { token: org.adminToken, body: { name: 'Sales' } });
  const values: Record<string, unknown> = {
    sendEmail: true,
    displayName: 'John Doe - iPhone 15 Pro',
    tags: ['sales', 'executive'],
    duration: 604_800,
    language: 'es',
    emailText: 'Please enroll your device by following the instructions in this email.',
    policyId: policy.id,
    winPolicyId: policy.id,
    admPolicyAssignments: [{ admPolicyId: policy.id, priority: 10 }],
    winPolicyAssignments: [{ winPolicyId: policy.id, priority: 10 }],
    emmPolicyAssignments: [{ emmPolicyId: policy.id, priority: 10 }],
    segmentId: segment.body.data.id,
    managementMode: 'DEVICE_OWNER',
  };
  if (platform === 'apple') {
    values.profiles = [(await createCatalogItem(ctx.app, org, 'apple/enterprise/profiles', { name: 'Wi-Fi' })).id];
    const app = await createCatalogItem(ctx.app, org, 'apple/enterprise/applications', { name: 'Slack', bundleId: 'com.slack', platform: 'ios' });
    values.applications = [{ admApplication: app.id, managed: true, managementFlags: 5, vpp: true, iOSApp: true, configuration: {}, action: 'forceInstall', scripts: {}, updatePolicy: {} }];
    values.admVppLocationId = (
      await createCatalogItem(ctx.app, org, 'apple/enterprise/vpp-locations', {
        name: 'US Corporate VPP',
        config: { countryISO2ACode: 'US', defaultPlatform: 'ios', locationName: 'US Corporate Location' },
      })
    ).id;
  }
  return values;
}

const pages: Array<[string, TestPlatform, boolean]> = [
  ['000_bcde554f27678817.txt', 'apple', true],
  ['001_0cb362f295681425.txt', 'apple', false],
  ['002_cf67d153edfc8ad3.txt', 'windows', true],
  ['003_cad14a032e4e473e.txt', 'windows', true],
  ['004_f178c68ee0e36ab1.txt', 'android', true],
];

describe('the seed pages, as flat bodies', () => {
  for (const [file, platform, isBulk] of pages) {
    it(`${file} (${platform}${isBulk ? ' bulk' : ''}) succeeds with every documented option`, async () => {
      const options = documentedOptions(file);
      assert.ok(options.includes('sendEmail') && options.length >= 9, options.join(','));
      const org = await createOrganization(ctx.app);
      const values = await fixtures(org, platform);
      const body: Record<string, unknown> = Object.fromEntries(options.map((name) => [name, values[name]]));
      assert.deepEqual(Object.keys(body).filter((k) => body[k] === undefined), [], 'a value for every documented option');
      if (isBulk) {
        body.userEmails = ['john@example.com', 'jane@example.com', 'joe@example.com'];
        const response = await call(ctx.app, 'POST', `${tokensUrl(org, platform)}/bulk`, { token: org.adminToken, body });
        assert.equal(response.statusCode, 200, JSON.stringify(response.body));
        assert.equal(response.body.status, true);
        assert.deepEqual({ ...response.body.data, tokens: response.body.data.tokens.length }, { total: 3, success: 3, fail: 0, failures: [], tokens: 3 });
      } else {
        body.mdmUserId = (await createMdmUser(ctx.app, org)).id;
        const response = await call(ctx.app, 'POST', tokensUrl(org, platform), { token: org.adminToken, body });
        assert.equal(response.statusCode, 200, JSON.stringify(response.body));
        const token = response.body.data;
        // Seed 001's 200 response lists these fields.
        for (const field of ['id', 'organization', 'admEnterprise', 'admDevice', 'mdmUser', 'displayName', 'tags', 'state', 'config', 'enroll', 'type', 'subType',
          'updatedAt', 'createdAt', 'expireAt', 'enrollmentLink', 'enrollCode', 'admPolicy', 'admPolicyAssignments', 'admVppLocation', 'summary', 'profiles',
          'applications', 'sendEmail', 'emailText', 'configuration', 'segmentId']) {
          assert.ok(field in token, field);
        }
        assert.equal(token.admPolicyAssignments[0].priority, 10);
        assert.equal(token.profiles.length, 1);
        assert.equal(token.admVppLocation.name, 'US Corporate VPP');
        assert.equal(token.segmentId, values.segmentId);
      }
      const listed = await call(ctx.app, 'GET', tokensUrl(org, platform), { token: org.adminToken });
      for (const token of listed.body.data.items) {
        assert.equal(token.language, 'es');
        assert.equal(Date.parse(token.expireAt) - Date.parse(token.createdAt), 604_800_000);
      }
    });
  }
});

describe('the fixture copies of the seed pages', () => {
  const shared = path.resolve(import.meta.dirname, '../../../shared/seeds');
  it('are identical to shared/seeds (checked where that folder sits beside the repository)', { skip: !existsSync(shared) && 'no shared/seeds beside the repository' }, () => {
    for (const [file] of pages) {
      assert.equal(readFileSync(path.join(seedsDir, file), 'utf8'), readFileSync(path.join(shared, file), 'utf8'), file);
    }
  });
});
