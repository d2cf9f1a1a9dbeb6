/** Redemption: exactly once, the same device gets the same answer, every attempt audited. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';
import { createToken, PLATFORMS, tokensUrl, type TestPlatform } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const redeem = (org: TestOrganization, platform: TestPlatform, code: string, device: Record<string, string>) =>
  call(ctx.app, 'POST', `${tokensUrl(org, platform)}/redeem`, { token: org.adminToken, body: { code, device } });

const DEVICE_FIELD: Record<TestPlatform, string> = { apple: 'admDevice', windows: 'winDeviceId', android: 'emmDeviceId' };

for (const platform of PLATFORMS) {
  describe(`${platform} redemption`, () => {
    it('redeems once: PENDING → DONE with a linked device; the same device again gets the same answer', async () => {
      const org = await createOrganization(ctx.app);
      const token = await createToken(ctx.app, org, platform, (await createMdmUser(ctx.app, org)).id);
      const device = { serialNumber: 'C02XK0AAJGH5', udid: '00008110-000A1C2E3E41801E', model: 'Model X', osVersion: '17.4' };
      const first = await redeem(org, platform, token.enrollCode.toLowerCase(), device);
      assert.equal(first.statusCode, 200, JSON.stringify(first.body));
      assert.equal(first.body.data.token.state, 'DONE');
      assert.equal(first.body.data.token[DEVICE_FIELD[platform]], first.body.data.device.id);
      assert.deepEqual(
        { serialNumber: first.body.data.device.serialNumber, model: first.body.data.device.model, tokenId: first.body.data.device.tokenId, platform: first.body.data.device.platform },
        { serialNumber: device.serialNumber, model: 'Model X', tokenId: token.id, platform },
      );

      const again = await redeem(org, platform, token.enrollCode, { udid: device.udid.toLowerCase() });
      assert.equal(again.statusCode, 200, 'matched by UDID');
      assert.deepEqual(again.body.data.device, first.body.data.device);

      const other = await redeem(org, platform, token.enrollCode, { serialNumber: 'SOMEONE-ELSE' });
      assert.equal(other.statusCode, 400);
      assert.deepEqual([other.body.error.code, other.body.error.message], [5201, 'Enrollment token already used']);

      const devices = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/${platform}/enterprise/devices`, { token: org.adminToken });
      assert.deepEqual(devices.body.data.items.map((d: any) => d.id), [first.body.data.device.id]);

      const audit = await call(ctx.app, 'GET', `${tokensUrl(org, platform)}/${token.id}/redemptions`, { token: org.adminToken, query: { sort: 'createdAt:asc' } });
      assert.deepEqual(audit.body.data.items.map((a: any) => a.outcome), ['REDEEMED', 'REPEATED', 'ALREADY_USED']);
      assert.equal(audit.body.data.items[2].device.serialNumber, 'SOMEONE-ELSE');
      assert.ok(audit.body.data.items.every((a: any) => a.code === token.enrollCode && a.clientAddress));
    });

    it('answers expired (5202), revoked (5203) and unknown (404) codes, auditing each', async () => {
      const org = await createOrganization(ctx.app);
      const user = await createMdmUser(ctx.app, org);
      const expired = await createToken(ctx.app, org, platform, user.id);
      await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expired.id).execute();
      const revoked = await createToken(ctx.app, org, platform, user.id);
      await call(ctx.app, 'DELETE', `${tokensUrl(org, platform)}/${revoked.id}`, { token: org.adminToken });
      const device = { imei: '356938035643809' };
      const onExpired = await redeem(org, platform, expired.enrollCode, device);
      assert.deepEqual([onExpired.statusCode, onExpired.body.error.code, onExpired.body.error.message], [400, 5202, 'Enrollment token expired']);
      const onRevoked = await redeem(org, platform, revoked.enrollCode, device);
      assert.deepEqual([onRevoked.statusCode, onRevoked.body.error.code, onRevoked.body.error.message], [400, 5203, 'Enrollment token revoked']);
      for (const code of ['0000-0000-0000', 'not a code']) {
        const unknown = await redeem(org, platform, code, device);
        assert.deepEqual([unknown.statusCode, unknown.body.error.code], [404, 3001]);
      }
      assert.equal((await call(ctx.app, 'GET', `${tokensUrl(org, platform)}/${expired.id}`, { token: org.adminToken })).body.data.state, 'EXPIRED');
      const audit = await call(ctx.app, 'GET', `${tokensUrl(org, platform)}/${revoked.id}/redemptions`, { token: org.adminToken });
      assert.deepEqual(audit.body.data.items.map((a: any) => a.outcome), ['REVOKED']);
      const notFound = await ctx.database.db.selectFrom('tokenRedemptions').select('outcome').where('organizationId', '=', org.id).where('tokenId', 'is', null).execute();
      assert.deepEqual(notFound.map((r) => r.outcome), ['NOT_FOUND', 'NOT_FOUND']);
    });

    it("does not redeem another organization's or another platform's code", async () => {
      const org = await createOrganization(ctx.app);
      const other = await createOrganization(ctx.app);
      const foreign = await createToken(ctx.app, other, platform, (await createMdmUser(ctx.app, other)).id);
      const sibling = await createToken(ctx.app, org, PLATFORMS.find((p) => p !== platform)!, (await createMdmUser(ctx.app, org)).id);
      for (const code of [foreign.enrollCode, sibling.enrollCode]) {
        assert.equal((await redeem(org, platform, code, { serialNumber: 'X' })).body.error.code, 3001);
      }
      assert.equal((await call(ctx.app, 'GET', `${tokensUrl(other, platform)}/${foreign.id}`, { token: other.adminToken })).body.data.state, 'PENDING');
    });

    securitySuite(() => ctx.app, {
      method: 'POST',
      url: (org) => `${tokensUrl(org, platform)}/redeem`,
      permission: `mdm.${platform}.enrollmentToken.redeem`,
      body: () => ({ code: 'ABCDEFGHJKMN', device: { serialNumber: 'S' } }),
    });
    securitySuite(() => ctx.app, { method: 'GET', url: (org) => `/v1/organizations/${org.id}/mdm/${platform}/enterprise/devices`, permission: `mdm.${platform}.device.list` });
    securitySuite(() => ctx.app, {
      method: 'GET',
      url: async (org) => `${tokensUrl(org, platform)}/${(await createToken(ctx.app, org, platform, (await createMdmUser(ctx.app, org)).id)).id}/redemptions`,
      permission: `mdm.${platform}.enrollmentToken.get`,
    });
  });
}

describe('lookups by code, id and user stay inside their organization and platform', () => {
  it('answers 404 for another organization’s or platform’s code, token id or user, and changes nothing', async () => {
    const mine = await createOrganization(ctx.app);
    const theirs = await createOrganization(ctx.app);
    const theirUser = await createMdmUser(ctx.app, theirs);
    const theirToken = await createToken(ctx.app, theirs, 'apple', theirUser.id);
    const device = { serialNumber: 'SCOPE-1' };
    for (const [org, platform] of [[mine, 'apple'], [theirs, 'windows']] as const) {
      const answer = await redeem(org, platform, theirToken.enrollCode, device);
      assert.equal(answer.statusCode, 404, `${platform}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 3001);
    }
    assert.equal((await call(ctx.app, 'GET', `${tokensUrl(mine, 'apple')}/${theirToken.id}`, { token: mine.adminToken })).statusCode, 404);
    assert.equal((await call(ctx.app, 'GET', `${tokensUrl(theirs, 'android')}/${theirToken.id}`, { token: theirs.adminToken })).statusCode, 404);
    const borrowed = await call(ctx.app, 'POST', tokensUrl(mine, 'apple'), { token: mine.adminToken, body: { mdmUserId: theirUser.id, sendEmail: false } });
    assert.equal(borrowed.statusCode, 404);
    assert.equal(borrowed.body.error.data.path, '/body/mdmUserId');
    assert.equal((await call(ctx.app, 'GET', `/enroll/windows/${theirToken.enrollCode}`)).statusCode, 404, 'the page is per platform too');
    const stored = await ctx.database.db.selectFrom('enrollmentTokens').select(['state', 'deviceId']).where('id', '=', theirToken.id).executeTakeFirstOrThrow();
    assert.deepEqual(stored, { state: 'PENDING', deviceId: null });
    assert.equal((await redeem(theirs, 'apple', theirToken.enrollCode, device)).statusCode, 200, 'its own organization still redeems it');
  });
});

describe('redemption races and input', () => {
  it('lets exactly one of 50 concurrent devices win', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createToken(ctx.app, org, 'android', (await createMdmUser(ctx.app, org)).id);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => redeem(org, 'android', token.enrollCode, { serialNumber: `DEVICE-${i}` })));
    const winners = answers.filter((a) => a.statusCode === 200);
    assert.equal(winners.length, 1);
    assert.ok(answers.filter((a) => a.statusCode !== 200).every((a) => a.body.error.code === 5201));
    const devices = await ctx.database.db.selectFrom('devices').select('id').where('tokenId', '=', token.id).execute();
    assert.equal(devices.length, 1, 'one device record');
    const outcomes = await ctx.database.db.selectFrom('tokenRedemptions').select('outcome').where('tokenId', '=', token.id).execute();
    assert.equal(outcomes.length, 50, 'every attempt audited');
  });

  it('counts as the same device only when no identifier present on both sides differs and one matches', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createToken(ctx.app, org, 'apple', (await createMdmUser(ctx.app, org)).id);
    const device = { serialNumber: 'C02SAME0001', udid: '00008110-000A1C2E3E41801E', imei: '356938035643809' };
    assert.equal((await redeem(org, 'apple', token.enrollCode, device)).statusCode, 200);

    const cases: Array<[Record<string, string>, number, string]> = [
      [{ serialNumber: device.serialNumber, imei: '490154203237518' }, 400, 'same serial, other IMEI'],
      [{ serialNumber: device.serialNumber, udid: '00008110-FFFFFFFFFFFFFFFF' }, 400, 'same serial, other UDID'],
      [{ udid: device.udid, serialNumber: 'C02OTHER0002' }, 400, 'same UDID, other serial'],
      [{ serialNumber: device.serialNumber, udid: device.udid.toLowerCase(), imei: device.imei }, 200, 'all three match (UDID in any case)'],
      [{ imei: device.imei, model: 'iPhone15,2' }, 200, 'the one shared identifier matches'],
    ];
    for (const [identity, status, why] of cases) {
      const answer = await redeem(org, 'apple', token.enrollCode, identity);
      assert.equal(answer.statusCode, status, why);
      if (status === 400) assert.equal(answer.body.error.code, 5201, why);
    }
    const audit = await call(ctx.app, 'GET', `${tokensUrl(org, 'apple')}/${token.id}/redemptions`, { token: org.adminToken });
    assert.deepEqual(audit.body.data.items.map((a: any) => a.outcome).sort(), ['ALREADY_USED', 'ALREADY_USED', 'ALREADY_USED', 'REDEEMED', 'REPEATED', 'REPEATED']);
  });

  it('requires an identifier and refuses unknown fields', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createToken(ctx.app, org, 'apple', (await createMdmUser(ctx.app, org)).id);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ code: token.enrollCode, device: { model: 'iPhone' } }, '/body/device'],
      [{ code: token.enrollCode }, '/body/device'],
      [{ code: token.enrollCode, device: { serialNumber: 'S', colour: 'red' } }, '/body/device/colour'],
      [{ device: { serialNumber: 'S' } }, '/body/code'],
    ];
    for (const [body, path] of cases) {
      const response = await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/redeem`, { token: org.adminToken, body });
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(response.body.error.data.errors[0].path, path);
    }
    assert.equal((await call(ctx.app, 'GET', `${tokensUrl(org, 'apple')}/${token.id}`, { token: org.adminToken })).body.data.state, 'PENDING');
  });
});
