/**
 * Reading a token's secret takes mdm.<platform>.enrollmentToken.readSecret: without it the code,
 * the link and everything built from the code are null in every answer, so a read-only key
 * cannot enroll a device.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLE_PERMISSIONS } from '../../src/auth/permissions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createKey, createMdmUser, createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { createToken, minimalBody, PLATFORMS, tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

/** Every place a token's answer could carry its code. */
function secretsOf(token: Record<string, any>): unknown[] {
  return [token.enrollCode, token.enrollmentLink, token.config?.qrCode, token.config?.enrollmentToken].filter((v) => v !== undefined);
}

describe('the readSecret permission', () => {
  it('admin and developer roles hold it, viewer does not', () => {
    for (const platform of PLATFORMS) {
      const permission = `mdm.${platform}.enrollmentToken.readSecret`;
      assert.ok(ROLE_PERMISSIONS.admin.includes(permission));
      assert.ok(ROLE_PERMISSIONS.developer.includes(permission));
      assert.ok(!ROLE_PERMISSIONS.viewer.includes(permission));
    }
  });

  for (const platform of PLATFORMS) {
    it(`${platform}: a viewer reads tokens with every secret null (get, list); a developer sees them`, async () => {
      const org = await createOrganization(ctx.app);
      const user = await createMdmUser(ctx.app, org);
      const token = await createToken(ctx.app, org, platform, user.id);
      assert.ok(secretsOf(token).every((value) => value !== null), 'the admin sees the code');
      const viewer = await createKey(ctx.app, org.id, { role: 'viewer' });
      const developer = await createKey(ctx.app, org.id, { role: 'developer' });

      const got = await call(ctx.app, 'GET', `${tokensUrl(org, platform)}/${token.id}`, { token: viewer });
      assert.equal(got.statusCode, 200);
      assert.ok(secretsOf(got.body.data).length >= 2);
      assert.deepEqual(secretsOf(got.body.data), secretsOf(got.body.data).map(() => null));
      assert.equal(got.body.data.id, token.id, 'everything else is still there');
      assert.equal(got.body.data.mdmUser.email, user.email);
      const listed = await call(ctx.app, 'GET', tokensUrl(org, platform), { token: viewer });
      assert.deepEqual(secretsOf(listed.body.data.items[0]), secretsOf(token).map(() => null));
      assert.ok(!JSON.stringify(listed.body).includes(token.enrollCode), 'the code appears nowhere in the answer');

      const seen = await call(ctx.app, 'GET', `${tokensUrl(org, platform)}/${token.id}`, { token: developer });
      assert.deepEqual(secretsOf(seen.body.data), secretsOf(token));
    });
  }

  it('a key that may create, update, resend and revoke but not read secrets gets every answer without them', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const writer = await createKey(ctx.app, org.id, {
      permissions: ['mdm.android.enrollmentToken.create', 'mdm.android.enrollmentToken.update', 'mdm.android.enrollmentToken.remove'],
    });
    const created = await call(ctx.app, 'POST', tokensUrl(org, 'android'), { token: writer, body: { ...minimalBody('android'), mdmUserId: user.id } });
    assert.equal(created.statusCode, 200);
    assert.deepEqual(secretsOf(created.body.data), [null, null, null, null]);
    const url = `${tokensUrl(org, 'android')}/${created.body.data.id}`;
    const updated = await call(ctx.app, 'PUT', url, { token: writer, body: { displayName: 'renamed' } });
    assert.equal(updated.body.data.displayName, 'renamed');
    assert.deepEqual(secretsOf(updated.body.data), [null, null, null, null]);
    const resent = await call(ctx.app, 'POST', `${url}/resend`, { token: writer });
    assert.deepEqual(secretsOf(resent.body.data), [null, null, null, null]);
    const revoked = await call(ctx.app, 'DELETE', url, { token: writer });
    assert.equal(revoked.body.data.state, 'DELETED');
    assert.deepEqual(secretsOf(revoked.body.data), [null, null, null, null]);
    // The token itself was made with a real code.
    const asAdmin = await call(ctx.app, 'GET', url, { token: org.adminToken });
    assert.match(asAdmin.body.data.enrollCode, /^[0-9A-Z]{12}$/);
  });

  it('the explicit permission grants the secret to a narrow key', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createToken(ctx.app, org, 'apple', (await createMdmUser(ctx.app, org)).id);
    const reader = await createKey(ctx.app, org.id, { permissions: ['mdm.apple.enrollmentToken.get', 'mdm.apple.enrollmentToken.readSecret'] });
    const got = await call(ctx.app, 'GET', `${tokensUrl(org, 'apple')}/${token.id}`, { token: reader });
    assert.equal(got.body.data.enrollCode, token.enrollCode);
    assert.equal(got.body.data.enrollmentLink, token.enrollmentLink);
  });

  it('redeem answers and the redemption audit hide codes from a key without it', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createToken(ctx.app, org, 'windows', (await createMdmUser(ctx.app, org)).id);
    const mdmServer = await createKey(ctx.app, org.id, { permissions: ['mdm.windows.enrollmentToken.redeem'] });
    const redeemed = await call(ctx.app, 'POST', `${tokensUrl(org, 'windows')}/redeem`, { token: mdmServer, body: { code: token.enrollCode, device: { serialNumber: 'SN-1' } } });
    assert.equal(redeemed.statusCode, 200);
    assert.equal(redeemed.body.data.token.state, 'DONE');
    assert.equal(redeemed.body.data.token.enrollCode, null);
    const viewer = await createKey(ctx.app, org.id, { role: 'viewer' });
    const audit = await call(ctx.app, 'GET', `${tokensUrl(org, 'windows')}/${token.id}/redemptions`, { token: viewer });
    assert.equal(audit.statusCode, 200);
    assert.equal(audit.body.data.items[0].code, null);
    const adminAudit = await call(ctx.app, 'GET', `${tokensUrl(org, 'windows')}/${token.id}/redemptions`, { token: org.adminToken });
    assert.equal(adminAudit.body.data.items[0].code, token.enrollCode);
  });

  it('the OpenAPI document says which fields need it', async () => {
    const document = (await call(ctx.app, 'GET', '/openapi.json')).body;
    const text = JSON.stringify(document);
    assert.ok(text.includes('mdm.<platform>.enrollmentToken.readSecret'));
  });
});
