/** Single token creation on every platform: the seed shapes, every validation boundary, references. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';
import {
  countTokens,
  createCatalogItem,
  createPolicy,
  createToken,
  minimalBody,
  PLATFORMS,
  POLICY_FIELDS,
  tokensUrl,
  type TestPlatform,
} from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext({ ENROLLD_PUBLIC_URL: 'https://mdm.example.com' });
});
after(async () => ctx.close());

const COMMON_FIELDS = [
  'id', 'mdmUser', 'displayName', 'tags', 'state', 'config', 'type', 'subType', 'createdAt', 'updatedAt', 'expireAt',
  'enrollmentLink', 'enrollCode', 'summary', 'sendEmail', 'emailText', 'segmentId', 'platform', 'language', 'emailDelivery',
];
const FIELDS: Record<TestPlatform, string[]> = {
  apple: [...COMMON_FIELDS, 'organization', 'admEnterprise', 'admDevice', 'enroll', 'admPolicy', 'admPolicyAssignments', 'admVppLocation', 'profiles', 'applications', 'configuration'],
  windows: [...COMMON_FIELDS, 'organizationId', 'winEnterpriseId', 'winDeviceId', 'winPolicyId', 'winPolicyAssignments'],
  android: [...COMMON_FIELDS, 'organizationId', 'emmEnterpriseId', 'emmDeviceId', 'managementMode', 'policyId', 'emmPolicyAssignments'],
};
const TYPES: Record<TestPlatform, [string, string]> = { apple: ['user', 'standard'], windows: ['enrollment', 'standard'], android: ['emm', 'enrollment'] };
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('POST enrollment-tokens: the documented shape on every platform', () => {
  for (const platform of PLATFORMS) {
    it(`${platform}: creates a PENDING token with the full response shape`, async () => {
      const org = await createOrganization(ctx.app);
      const user = await createMdmUser(ctx.app, org, { email: 'Jane.Doe@Example.com' });
      const policy = await createPolicy(ctx.app, org, platform, 'Baseline');
      const fields = POLICY_FIELDS[platform];
      const before = Date.now();
      const token = await createToken(ctx.app, org, platform, user.id, {
        sendEmail: 'true',
        displayName: 'Jane – work phone',
        tags: ['sales', 'emea'],
        duration: '7200',
        language: 'fr',
        emailText: 'Bienvenue',
        [fields.main]: policy.id,
        [fields.assignments]: [{ [fields.assignmentId]: policy.id, priority: '5' }],
      });
      assert.deepEqual(Object.keys(token).sort(), [...FIELDS[platform]].sort());
      assert.match(token.id, /^[0-9a-f]{24}$/);
      assert.deepEqual(token.mdmUser, { id: user.id, email: 'Jane.Doe@Example.com' });
      assert.equal(token.state, 'PENDING');
      assert.deepEqual([token.type, token.subType], TYPES[platform]);
      assert.equal(token.displayName, 'Jane – work phone');
      assert.deepEqual(token.tags, ['sales', 'emea']);
      assert.equal(token.language, 'fr');
      assert.equal(token.sendEmail, true);
      assert.equal(token.emailText, 'Bienvenue');
      assert.deepEqual(token.emailDelivery, { status: 'QUEUED', attempts: 0, sentAt: null, lastError: null, deferredReason: null });
      assert.equal(token.platform, platform);
      for (const field of ['createdAt', 'updatedAt', 'expireAt']) assert.match(token[field], ISO);
      assert.equal(Date.parse(token.expireAt) - Date.parse(token.createdAt), 7200 * 1000);
      assert.ok(Date.parse(token.createdAt) >= before - 5);
      assert.match(token.enrollCode, /^[0-9A-HJKMNP-TV-Z]{12}$/);
      assert.equal(token.enrollmentLink, `https://mdm.example.com/enroll/${platform}/${token.enrollCode}`);
      assert.equal(token.summary.expirationTimestamp, token.expireAt);
      assert.deepEqual(token[fields.assignments], [{ [fields.assignmentId]: policy.id, [fields.assignmentObject]: { id: policy.id, name: 'Baseline' }, priority: 5 }]);

      if (platform === 'apple') {
        assert.equal(token.organization, org.id);
        assert.match(token.admEnterprise, /^[0-9a-f]{24}$/);
        assert.equal(token.admDevice, null);
        // A new organization's Apple enterprise holds placeholders: the answer says so.
        assert.deepEqual({ ...token.enroll, warning: undefined }, { serverExpirationDate: token.expireAt, mobileConfigSigned: true, configured: false, warning: undefined });
        assert.match(token.enroll.warning, /serverUrl, topic, scepUrl still hold placeholders/);
        assert.equal(token.admPolicy.id, policy.id);
        assert.equal(token.admPolicy.name, 'Baseline');
      } else if (platform === 'windows') {
        assert.equal(token.organizationId, org.id);
        assert.equal(token.winDeviceId, null);
        assert.equal(token.winPolicyId, policy.id);
      } else {
        assert.equal(token.organizationId, org.id);
        assert.equal(token.emmDeviceId, null);
        assert.equal(token.policyId, policy.id);
        assert.equal(token.managementMode, 'DEVICE_OWNER');
        assert.deepEqual(token.summary, { managementMode: 'DEVICE_OWNER', expirationTimestamp: token.expireAt });
        assert.equal(token.config.enrollmentToken, token.enrollCode);
        assert.deepEqual(token.config.qrCode, {
          'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME': 'com.google.android.apps.work.clouddpc/.receivers.CloudDeviceAdminReceiver',
          'android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM': 'I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg',
          'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION': 'https://play.google.com/managed/downloadManagingApp?identifier=setup',
          'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': { 'com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN': token.enrollCode },
        });
      }
      const fetched = await call(ctx.app, 'GET', `${tokensUrl(org, platform)}/${token.id}`, { token: org.adminToken });
      assert.deepEqual(fetched.body.data, token, 'GET answers what POST answered');
    });

    it(`${platform}: applies the defaults (1 day, en, no email, empty texts)`, async () => {
      const org = await createOrganization(ctx.app);
      const user = await createMdmUser(ctx.app, org);
      const token = await createToken(ctx.app, org, platform, user.id);
      assert.equal(Date.parse(token.expireAt) - Date.parse(token.createdAt), 86_400_000);
      assert.equal(token.language, 'en');
      assert.equal(token.displayName, '');
      assert.equal(token.emailText, '');
      assert.deepEqual(token.tags, []);
      assert.equal(token.emailDelivery.status, 'NONE');
      assert.equal(token.segmentId, null);
    });
  }

  it('apple: carries profiles, applications, VPP location and segment as the seed shows them', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const profile = await createCatalogItem(ctx.app, org, 'apple/enterprise/profiles', { name: 'Wi-Fi', targetType: 'device', config: { ssid: 'corp' } });
    const app = await createCatalogItem(ctx.app, org, 'apple/enterprise/applications', { name: 'Slack', bundleId: 'com.tinyspeck.chatlyio', platform: 'ios' });
    const vpp = await createCatalogItem(ctx.app, org, 'apple/enterprise/vpp-locations', {
      name: 'US Corporate VPP',
      config: { countryISO2ACode: 'US', defaultPlatform: 'ios', locationName: 'US Corporate Location' },
    });
    const segment = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/segments`, { token: org.adminToken, body: { name: 'Sales' } });
    const token = await createToken(ctx.app, org, 'apple', user.id, {
      profiles: [profile.id],
      applications: [{ admApplication: app.id, managed: 'TRUE', managementFlags: '5', vpp: true, iOSApp: 'false', action: 'forceInstall', actionStatus: 'available', configuration: { a: 1 }, scripts: { preInstall: 'echo hi' }, updatePolicy: {} }],
      admVppLocationId: vpp.id.toUpperCase(),
      segmentId: String(segment.body.data.id),
    });
    assert.equal(token.profiles.length, 1);
    assert.deepEqual(
      { id: token.profiles[0].id, name: token.profiles[0].name, type: token.profiles[0].type, UUID: token.profiles[0].UUID, version: token.profiles[0].version },
      { id: profile.id, name: 'Wi-Fi', type: 'standalone', UUID: profile.UUID, version: 1 },
    );
    assert.deepEqual(token.applications, [
      { admApplication: app.id, managed: true, managementFlags: 5, vpp: true, iOSApp: false, action: 'forceInstall', actionStatus: 'forceInstall', configuration: { a: 1 }, scripts: { preInstall: 'echo hi' }, updatePolicy: {} },
    ]);
    assert.deepEqual(token.admVppLocation, { id: vpp.id, name: 'US Corporate VPP', config: { countryISO2ACode: 'US', defaultPlatform: 'ios', locationName: 'US Corporate Location' } });
    assert.equal(token.segmentId, segment.body.data.id);
  });
});

describe('POST enrollment-tokens: validation boundaries (nothing is written on failure)', () => {
  let org: TestOrganization;
  let userId: string;
  before(async () => {
    org = await createOrganization(ctx.app);
    userId = (await createMdmUser(ctx.app, org)).id;
  });

  const post = (platform: TestPlatform, fields: Record<string, unknown>) =>
    call(ctx.app, 'POST', tokensUrl(org, platform), { token: org.adminToken, body: { ...minimalBody(platform), mdmUserId: userId, ...fields } });

  const accepted: Array<[string, Record<string, unknown>]> = [
    ['duration 60', { duration: 60 }],
    ['duration 2592000', { duration: 2_592_000 }],
    ['duration "3600"', { duration: '3600' }],
    ['displayName of 128', { displayName: 'd'.repeat(128) }],
    ['empty displayName', { displayName: '' }],
    ['sendEmail "TRUE"', { sendEmail: 'TRUE' }],
    ['sendEmail "false"', { sendEmail: 'false' }],
    ['emailText of 5000', { emailText: 'e'.repeat(5000) }],
    ['empty emailText', { emailText: '' }],
    ['tag of 128', { tags: ['t'.repeat(128)] }],
    ['language pt', { language: 'pt' }],
  ];
  const refused: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['duration 59', { duration: 59 }, '/body/duration', /greater than or equal to 60/],
    ['duration 2592001', { duration: 2_592_001 }, '/body/duration', /less than or equal to 2592000/],
    ['duration 90.5', { duration: 90.5 }, '/body/duration', /must be an integer/],
    ['duration null', { duration: null }, '/body/duration', /must be an integer/],
    ['displayName of 129', { displayName: 'd'.repeat(129) }, '/body/displayName', /at most 128/],
    ['sendEmail "maybe"', { sendEmail: 'maybe' }, '/body/sendEmail', /must be a boolean/],
    ['sendEmail missing', { sendEmail: undefined }, '/body/sendEmail', /is required/],
    ['emailText of 5001', { emailText: 'e'.repeat(5001) }, '/body/emailText', /at most 5000/],
    ['tag of 129', { tags: ['ok', 't'.repeat(129)] }, '/body/tags/1', /at most 128/],
    ['tags not an array', { tags: 'sales' }, '/body/tags', /must be an array/],
    ['language "" ', { language: '' }, '/body/language', /must be one of: en, es, fr, de, it, pt/],
    ['language nl', { language: 'nl' }, '/body/language', /must be one of/],
    ['mdmUserId empty', { mdmUserId: '' }, '/body/mdmUserId', /24-character hexadecimal id/],
    ['mdmUserId missing', { mdmUserId: undefined }, '/body/mdmUserId', /is required/],
    ['unknown key', { colour: 'blue' }, '/body/colour', /not allowed/],
  ];

  for (const platform of PLATFORMS) {
    for (const [label, fields] of accepted) {
      it(`${platform}: accepts ${label}`, async () => {
        const response = await post(platform, fields);
        assert.equal(response.statusCode, 200, JSON.stringify(response.body));
      });
    }
    for (const [label, fields, path, rule] of refused) {
      it(`${platform}: refuses ${label} with 400/3000 naming ${path}`, async () => {
        const countBefore = await countTokens(ctx.app, org, platform);
        const response = await post(platform, fields);
        assert.equal(response.statusCode, 400, JSON.stringify(response.body));
        assert.equal(response.body.error.code, 3000);
        const problem = response.body.error.data.errors.find((e: { path: string }) => e.path === path);
        assert.ok(problem, JSON.stringify(response.body.error));
        assert.match(problem.message, rule);
        assert.match(response.body.error.message, rule);
        assert.equal(await countTokens(ctx.app, org, platform), countBefore);
      });
    }
  }

  it('priority in assignments: 0 and 10000 pass, -1, 10001, missing and 1.5 fail', async () => {
    const policy = await createPolicy(ctx.app, org, 'windows');
    for (const priority of [0, 10_000, '10']) {
      assert.equal((await post('windows', { winPolicyAssignments: [{ winPolicyId: policy.id, priority }] })).statusCode, 200);
    }
    for (const assignment of [{ winPolicyId: policy.id, priority: -1 }, { winPolicyId: policy.id, priority: 10_001 }, { winPolicyId: policy.id }, { winPolicyId: policy.id, priority: 1.5 }]) {
      const response = await post('windows', { winPolicyAssignments: [assignment] });
      assert.equal(response.statusCode, 400, JSON.stringify(assignment));
      assert.equal(response.body.error.data.errors[0].path, '/body/winPolicyAssignments/0/priority');
    }
  });

  it('android: managementMode is required and one of the four modes', async () => {
    for (const mode of ['DEVICE_OWNER', 'PROFILE_OWNER', 'COPE', 'USERLESS']) {
      assert.equal((await post('android', { managementMode: mode })).statusCode, 200);
    }
    for (const [fields, rule] of [[{ managementMode: undefined }, /is required/], [{ managementMode: 'device_owner' }, /must be one of: DEVICE_OWNER/]] as const) {
      const response = await post('android', fields);
      assert.equal(response.statusCode, 400);
      assert.match(response.body.error.message, rule);
    }
  });

  it("apple: applications' fields are validated (managementFlags, action, booleans, scripts)", async () => {
    const app = await createCatalogItem(ctx.app, org, 'apple/enterprise/applications', { name: 'A', bundleId: 'com.a', platform: 'ios' });
    for (const flags of [0, 1, 4, 5, '4']) {
      assert.equal((await post('apple', { applications: [{ admApplication: app.id, managementFlags: flags }] })).statusCode, 200, String(flags));
    }
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ admApplication: app.id, managementFlags: 2 }, '/body/applications/0/managementFlags'],
      [{ admApplication: app.id, action: 'install' }, '/body/applications/0/action'],
      [{ admApplication: app.id, managed: 'yes' }, '/body/applications/0/managed'],
      [{ admApplication: app.id, scripts: { preInstall: 1 } }, '/body/applications/0/scripts/preInstall'],
      [{ admApplication: app.id, scripts: { other: 'x' } }, '/body/applications/0/scripts/other'],
      [{ managed: true }, '/body/applications/0/admApplication'],
    ];
    for (const [application, path] of bad) {
      const response = await post('apple', { applications: [application] });
      assert.equal(response.statusCode, 400, JSON.stringify(application));
      assert.equal(response.body.error.data.errors[0].path, path);
    }
  });

  it("refuses another platform's fields (Windows has no profiles, Android no segmentId)", async () => {
    assert.equal((await post('windows', { profiles: [] })).body.error.data.errors[0].path, '/body/profiles');
    assert.equal((await post('android', { segmentId: 1 })).body.error.data.errors[0].path, '/body/segmentId');
  });
});

describe('POST enrollment-tokens: the seeds’ example bodies are refused', () => {
  const seedsDir = path.resolve(import.meta.dirname, '../fixtures/seeds');
  /**
   * The example request body of a page, verbatim: the curl example's -d '…' where the page has
   * one, otherwise the first JSON block that is a Joi description (the page's body example).
   */
  function exampleBody(file: string): unknown {
    const text = readFileSync(path.join(seedsDir, file), 'utf8');
    const curl = /-d '(\{[\s\S]*?\})'/.exec(text);
    if (curl) return JSON.parse(curl[1]!);
    const starts = [...text.matchAll(/^\{\s*$/gm)].map((m) => m.index!);
    const ends = [...text.matchAll(/^\}\s*$/gm)].map((m) => m.index! + 1);
    for (const start of starts) {
      for (const end of ends.filter((e) => e > start)) {
        try {
          const parsed = JSON.parse(text.slice(start, end));
          if (parsed.type === 'object' && parsed.children) return parsed;
          break;
        } catch {
          // not a whole JSON value yet: try the next closing brace
        }
      }
    }
    throw new Error(`no example body in ${file}`);
  }
  const seeds: Array<[string, TestPlatform, boolean]> = [
    ['000_bcde554f27678817.txt', 'apple', true],
    ['001_0cb362f295681425.txt', 'apple', false],
    ['002_cf67d153edfc8ad3.txt', 'windows', true],
    ['003_cad14a032e4e473e.txt', 'windows', true],
    ['004_f178c68ee0e36ab1.txt', 'android', true],
  ];
  for (const [file, platform, isBulk] of seeds) {
    it(`${file}: 400/3000 naming "type" and "children", nothing created`, async () => {
      const org = await createOrganization(ctx.app);
      const body = exampleBody(file);
      const response = await call(ctx.app, 'POST', `${tokensUrl(org, platform)}${isBulk ? '/bulk' : ''}`, { token: org.adminToken, body });
      assert.equal(response.statusCode, 400);
      assert.equal(response.body.error.code, 3000);
      const paths = response.body.error.data.errors.map((e: { path: string }) => e.path);
      assert.ok(paths.includes('/body/type') && paths.includes('/body/children') && paths.includes('/body/sendEmail'), JSON.stringify(paths));
      assert.match(response.body.error.message, /"type" is not allowed/);
      assert.equal(await countTokens(ctx.app, org, platform), 0);
      const users = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token: org.adminToken });
      assert.equal(users.body.data.totalDocs, 0, 'bulk created no users either');
    });
  }
});

describe('POST enrollment-tokens: references, plan and quota', () => {
  it('answers 404/3001 naming the field for every unknown reference, writing nothing', async () => {
    const org = await createOrganization(ctx.app);
    const other = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const foreignUser = await createMdmUser(ctx.app, other);
    const foreignPolicy = await createPolicy(ctx.app, other, 'apple');
    const windowsPolicy = await createPolicy(ctx.app, org, 'windows');
    const missing = '0123456789abcdef01234567';
    const cases: Array<[TestPlatform, Record<string, unknown>, string]> = [
      ['apple', { mdmUserId: missing }, '/body/mdmUserId'],
      ['apple', { mdmUserId: foreignUser.id }, '/body/mdmUserId'],
      ['apple', { policyId: foreignPolicy.id }, '/body/policyId'],
      ['apple', { policyId: windowsPolicy.id }, '/body/policyId'],
      ['apple', { admPolicyAssignments: [{ admPolicyId: missing, priority: 1 }] }, '/body/admPolicyAssignments/0/admPolicyId'],
      ['apple', { profiles: [missing] }, '/body/profiles/0'],
      ['apple', { applications: [{ admApplication: missing }] }, '/body/applications/0/admApplication'],
      ['apple', { admVppLocationId: missing }, '/body/admVppLocationId'],
      ['apple', { segmentId: 999_999 }, '/body/segmentId'],
      ['windows', { winPolicyId: missing }, '/body/winPolicyId'],
      ['windows', { segmentId: 999_999 }, '/body/segmentId'],
      ['android', { emmPolicyAssignments: [{ emmPolicyId: missing, priority: 1 }] }, '/body/emmPolicyAssignments/0/emmPolicyId'],
    ];
    for (const [platform, fields, path] of cases) {
      const response = await call(ctx.app, 'POST', tokensUrl(org, platform), { token: org.adminToken, body: { ...minimalBody(platform), mdmUserId: user.id, ...fields } });
      assert.equal(response.statusCode, 404, `${platform} ${JSON.stringify(fields)}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.code, 3001);
      assert.equal(response.body.error.data.path, path);
    }
    for (const platform of PLATFORMS) assert.equal(await countTokens(ctx.app, org, platform), 0);
  });

  it('answers 400/5086 for an attached Apple profile', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const attached = await createCatalogItem(ctx.app, org, 'apple/enterprise/profiles', { name: 'Part of a policy', type: 'attached' });
    const response = await call(ctx.app, 'POST', tokensUrl(org, 'apple'), { token: org.adminToken, body: { sendEmail: false, mdmUserId: user.id, profiles: [attached.id] } });
    assert.equal(response.statusCode, 400);
    assert.deepEqual([response.body.error.code, response.body.error.message], [5086, 'Attached adm profiles can not be added']);
    assert.equal(await countTokens(ctx.app, org, 'apple'), 0);
  });

  it('answers 400/5050 when the plan lacks the platform', async () => {
    const org = await createOrganization(ctx.app, { features: ['apple'] });
    const user = await createMdmUser(ctx.app, org);
    for (const platform of ['windows', 'android'] as const) {
      for (const suffix of ['', '/bulk']) {
        const body = { ...minimalBody(platform), ...(suffix ? { userEmails: ['a@example.com'] } : { mdmUserId: user.id }) };
        const response = await call(ctx.app, 'POST', `${tokensUrl(org, platform)}${suffix}`, { token: org.adminToken, body });
        assert.equal(response.statusCode, 400);
        assert.deepEqual([response.body.error.code, response.body.error.message], [5050, 'Feature not allowed for you billing plan']);
      }
    }
    await createToken(ctx.app, org, 'apple', user.id);
  });

  it('answers 400/5017 past maxPendingTokens, counting only live PENDING tokens', async () => {
    const org = await createOrganization(ctx.app, { limits: { maxPendingTokens: 2 } });
    const user = await createMdmUser(ctx.app, org);
    const first = await createToken(ctx.app, org, 'apple', user.id);
    await createToken(ctx.app, org, 'android', user.id);
    const third = await call(ctx.app, 'POST', tokensUrl(org, 'windows'), { token: org.adminToken, body: { sendEmail: false, mdmUserId: user.id } });
    assert.equal(third.statusCode, 400);
    assert.equal(third.body.error.code, 5017);
    await call(ctx.app, 'DELETE', `${tokensUrl(org, 'apple')}/${first.id}`, { token: org.adminToken });
    await createToken(ctx.app, org, 'windows', user.id);
  });

  it('answers 400/5145 when the Windows enterprise has no discovery URL', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const put = await call(ctx.app, 'PUT', `/v1/organizations/${org.id}/mdm/windows/enterprise`, { token: org.adminToken, body: { settings: { discoveryUrl: null } } });
    assert.equal(put.statusCode, 200);
    const response = await call(ctx.app, 'POST', tokensUrl(org, 'windows'), { token: org.adminToken, body: { sendEmail: false, mdmUserId: user.id } });
    assert.equal(response.statusCode, 400);
    assert.deepEqual([response.body.error.code, response.body.error.message], [5145, 'Error creating winEnrollmentToken']);
  });

  it('gives every token a distinct code', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) codes.add((await createToken(ctx.app, org, 'apple', user.id)).enrollCode);
    assert.equal(codes.size, 20);
  });

  it('lets the root key create tokens in any organization', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const response = await call(ctx.app, 'POST', tokensUrl(org, 'apple'), { token: ROOT_KEY, body: { sendEmail: false, mdmUserId: user.id } });
    assert.equal(response.statusCode, 200);
  });

  for (const platform of PLATFORMS) {
    securitySuite(() => ctx.app, {
      method: 'POST',
      url: (org) => tokensUrl(org, platform),
      permission: `mdm.${platform}.enrollmentToken.create`,
      body: () => ({ ...minimalBody(platform), mdmUserId: '0123456789abcdef01234567' }),
    });
  }
});

describe('POST enrollment-tokens: list sizes are bounded', () => {
  it('accepts 100 tags and 200 profiles ids, refuses 101 tags and 201 profiles with 400 (never a 500)', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const post = (fields: Record<string, unknown>) =>
      call(ctx.app, 'POST', tokensUrl(org, 'apple'), { token: org.adminToken, body: { sendEmail: false, mdmUserId: user.id, ...fields } });
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(24, '0'));
    assert.equal((await post({ tags: tags(100) })).statusCode, 200);
    assert.equal((await post({ profiles: ids(200) })).body.error.code, 3001, 'all 200 looked up, none exist');
    for (const [fields, path] of [[{ tags: tags(101) }, '/body/tags'], [{ profiles: ids(201) }, '/body/profiles'], [{ admPolicyAssignments: ids(201).map((id) => ({ admPolicyId: id, priority: 1 })) }, '/body/admPolicyAssignments']] as const) {
      const response = await post(fields);
      assert.equal(response.statusCode, 400);
      assert.equal(response.body.error.data.errors[0].path, path);
      assert.match(response.body.error.message, /at most/);
    }
  });
});
