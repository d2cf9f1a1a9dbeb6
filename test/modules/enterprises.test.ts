import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';
import { PLATFORMS } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext({ ENROLLD_PUBLIC_URL: 'https://mdm.example.com' });
});
after(async () => ctx.close());

const url = (org: { id: string }, platform: string) => `/v1/organizations/${org.id}/mdm/${platform}/enterprise`;

describe('enterprises', () => {
  it('exist on first use with working defaults for each platform', async () => {
    const org = await createOrganization(ctx.app);
    const apple = (await call(ctx.app, 'GET', url(org, 'apple'), { token: org.adminToken })).body.data;
    assert.equal(apple.platform, 'apple');
    assert.deepEqual(apple.configuration, { primaryColor: '#1f6feb', logo: null, contactEmail: null, contactPhone: null });
    assert.equal(apple.settings.serverUrl, 'https://mdm.example.com/mdm/apple/server');
    assert.equal(apple.settings.scepUrl, 'https://mdm.example.com/scep');
    assert.match(apple.settings.apnsTopic, /^com\.apple\.mgmt\.External\.[0-9a-f-]{36}$/);
    const windows = (await call(ctx.app, 'GET', url(org, 'windows'), { token: org.adminToken })).body.data;
    assert.deepEqual(windows.settings, { discoveryUrl: 'https://mdm.example.com/EnrollmentServer/Discovery.svc' });
    const android = (await call(ctx.app, 'GET', url(org, 'android'), { token: org.adminToken })).body.data;
    assert.equal(android.settings.dpcComponentName, 'com.google.android.apps.work.clouddpc/.receivers.CloudDeviceAdminReceiver');
    const again = (await call(ctx.app, 'GET', url(org, 'apple'), { token: org.adminToken })).body.data;
    assert.deepEqual(again, apple, 'created once');
  });

  it('merges branding and settings on PUT and validates them', async () => {
    const org = await createOrganization(ctx.app);
    const updated = await call(ctx.app, 'PUT', url(org, 'android'), {
      token: org.adminToken,
      body: { configuration: { primaryColor: '#AA0000', contactEmail: 'help@example.com' }, settings: { dpcDownloadUrl: 'https://example.com/dpc.apk' } },
    });
    assert.equal(updated.statusCode, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.data.configuration.primaryColor, '#AA0000');
    assert.equal(updated.body.data.configuration.contactEmail, 'help@example.com');
    assert.equal(updated.body.data.settings.dpcDownloadUrl, 'https://example.com/dpc.apk');
    assert.equal(updated.body.data.settings.dpcComponentName, 'com.google.android.apps.work.clouddpc/.receivers.CloudDeviceAdminReceiver');
    const bad: Array<[string, Record<string, unknown>, string]> = [
      ['apple', { configuration: { primaryColor: 'red' } }, '/body/configuration/primaryColor'],
      ['apple', { configuration: { logo: 'javascript:alert(1)' } }, '/body/configuration/logo'],
      ['apple', { settings: { serverUrl: 'not a url' } }, '/body/settings/serverUrl'],
      ['windows', { settings: { discoveryUrl: 'ftp://x' } }, '/body/settings/discoveryUrl'],
      ['android', { settings: { dpcSignatureChecksum: 'short' } }, '/body/settings/dpcSignatureChecksum'],
      ['apple', { settings: { discoveryUrl: 'https://x' } }, '/body/settings/discoveryUrl'],
    ];
    for (const [platform, body, path] of bad) {
      const response = await call(ctx.app, 'PUT', url(org, platform), { token: org.adminToken, body });
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(response.body.error.data.errors[0].path, path);
    }
  });

  for (const platform of PLATFORMS) {
    securitySuite(() => ctx.app, { method: 'GET', url: (o) => url(o, platform), permission: `mdm.${platform}.enterprise.get` });
    securitySuite(() => ctx.app, { method: 'PUT', url: (o) => url(o, platform), permission: `mdm.${platform}.enterprise.update`, body: () => ({ name: 'x' }) });
  }
});
