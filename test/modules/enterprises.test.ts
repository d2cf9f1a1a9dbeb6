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
    assert.match(apple.settings.topic, /^com\.apple\.mgmt\.External\.[0-9a-f-]{36}$/);
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
      ['apple', { settings: { topic: 'com.example.push' } }, '/body/settings/topic'],
      ['apple', { settings: { scepKeySize: 3000 } }, '/body/settings/scepKeySize'],
      ['apple', { settings: { scepKeyUsage: 2 } }, '/body/settings/scepKeyUsage'],
      ['apple', { settings: { checkInUrl: 'nope' } }, '/body/settings/checkInUrl'],
    ];
    for (const [platform, body, path] of bad) {
      const response = await call(ctx.app, 'PUT', url(org, platform), { token: org.adminToken, body });
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(response.body.error.data.errors[0].path, path);
    }
  });

  it('says plainly while Apple settings are placeholders, and reads enterprises stored before these settings existed', async () => {
    const org = await createOrganization(ctx.app);
    const fresh = (await call(ctx.app, 'GET', url(org, 'apple'), { token: org.adminToken })).body.data.settings;
    assert.equal(fresh.configured, false);
    assert.deepEqual(fresh.placeholders, ['serverUrl', 'checkInUrl', 'topic', 'scepUrl']);
    // Setting two of the three required fields is not enough.
    const partial = await call(ctx.app, 'PUT', url(org, 'apple'), { token: org.adminToken, body: { settings: { serverUrl: 'https://mdm.example.com/mdm', apnsTopic: 'com.apple.mgmt.External.abc' } } });
    assert.equal(partial.body.data.settings.topic, 'com.apple.mgmt.External.abc', 'apnsTopic, the earlier name, still accepted');
    assert.equal(partial.body.data.settings.configured, false);
    assert.match(partial.body.data.settings.warning, /scepUrl still hold/);
    const done = await call(ctx.app, 'PUT', url(org, 'apple'), { token: org.adminToken, body: { settings: { scepUrl: 'https://ca.example.com/scep/p' } } });
    assert.equal(done.body.data.settings.configured, true);
    assert.equal(done.body.data.settings.warning, null);
    assert.deepEqual(done.body.data.settings.placeholders, ['checkInUrl']);

    // An enterprise stored by an earlier version: apnsTopic, no placeholders list.
    const older = await createOrganization(ctx.app);
    const { id } = (await call(ctx.app, 'GET', url(older, 'apple'), { token: older.adminToken })).body.data;
    const stored = { serverUrl: 'https://mdm.example.com/mdm/apple/server', checkInUrl: 'https://mdm.example.com/mdm/apple/checkin', apnsTopic: 'com.apple.mgmt.External.old', scepUrl: 'https://mdm.example.com/scep' };
    await ctx.database.db.updateTable('enterprises').set({ settings: JSON.stringify(stored) }).where('id', '=', id).execute();
    ctx.database.changeNotices.changed();
    const read = (await call(ctx.app, 'GET', url(older, 'apple'), { token: older.adminToken })).body.data.settings;
    assert.equal(read.topic, 'com.apple.mgmt.External.old');
    assert.equal(read.configured, false);
    assert.deepEqual(read.placeholders, ['serverUrl', 'topic', 'checkInUrl', 'scepUrl']);
    assert.equal(read.signMessage, true);
    assert.equal(read.scepKeySize, 2048);
  });

  for (const platform of PLATFORMS) {
    securitySuite(() => ctx.app, { method: 'GET', url: (o) => url(o, platform), permission: `mdm.${platform}.enterprise.get` });
    securitySuite(() => ctx.app, { method: 'PUT', url: (o) => url(o, platform), permission: `mdm.${platform}.enterprise.update`, body: () => ({ name: 'x' }) });
  }
});
