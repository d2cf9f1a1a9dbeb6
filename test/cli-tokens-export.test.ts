/**
 * `enrolld tokens export` run as a user runs it, in its own process, against a listening enrolld:
 * every token of the platform as CSV (read back with a CSV parser we did not write), oldest first,
 * across pages; the state filter; codes left out for a key without readSecret; and one line on
 * stderr with a non-zero exit when the key or the server is wrong.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createTestContext, type TestContext } from './helpers/app.ts';
import { createKey, createMdmUser, createOrganization } from './helpers/factories.ts';
import { call } from './helpers/http.ts';
import { freePort, runCliAsync as runCli } from './helpers/process.ts';
import { tokensUrl } from './helpers/tokens.ts';

let ctx: TestContext;
let baseUrl: string;
before(async () => {
  ctx = await createTestContext();
  baseUrl = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => ctx.close());

describe('enrolld tokens export', () => {
  it('writes every token of the platform as CSV, oldest first, across pages', async () => {
    const org = await createOrganization(ctx.app);
    const emails = Array.from({ length: 230 }, (_, i) => `export-${String(i).padStart(3, '0')}@example.com`);
    const bulk = await call(ctx.app, 'POST', `${tokensUrl(org, 'android')}/bulk`, {
      token: org.adminToken,
      body: { sendEmail: false, managementMode: 'DEVICE_OWNER', tags: ['export', 'q4'], displayName: 'Phone, "work"', userEmails: emails },
    });
    assert.equal(bulk.body.data.success, 230);
    await createMdmUser(ctx.app, org, { email: 'apple-only@example.com' });

    const result = await runCli(['tokens', 'export', '--platform', 'android', '--url', baseUrl, '--org', org.slug], { ENROLLD_TOKEN: org.adminToken });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /exported 230 tokens/);
    const rows = parse(result.stdout, { columns: true }) as Array<Record<string, string>>;
    assert.equal(rows.length, 230);
    assert.deepEqual(Object.keys(rows[0]!), ['id', 'platform', 'state', 'email', 'name', 'displayName', 'tags', 'language', 'enrollCode', 'enrollmentLink', 'emailStatus', 'deviceId', 'createdAt', 'expireAt']);
    assert.deepEqual(new Set(rows.map((row) => row.email)), new Set(emails));
    assert.equal(new Set(rows.map((row) => row.id)).size, 230, 'no token twice across pages');
    const listed = await call(ctx.app, 'GET', `${tokensUrl(org, 'android')}/${rows[0]!.id}`, { token: org.adminToken });
    const first = listed.body.data;
    assert.deepEqual(
      { ...rows[0] },
      {
        id: first.id, platform: 'android', state: 'PENDING', email: first.mdmUser.email, name: '', displayName: 'Phone, "work"', tags: 'export;q4', language: 'en',
        enrollCode: first.enrollCode, enrollmentLink: first.enrollmentLink, emailStatus: 'NONE', deviceId: '', createdAt: first.createdAt, expireAt: first.expireAt,
      },
      'quoting survives a comma and quotes',
    );
    const created = rows.map((row) => row.createdAt);
    assert.deepEqual(created, [...created].sort(), 'oldest first');
  });

  it('filters by state, and leaves codes out for a key that may not read them', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const tokens = [];
    for (let i = 0; i < 3; i++) tokens.push((await call(ctx.app, 'POST', tokensUrl(org, 'windows'), { token: org.adminToken, body: { mdmUserId: user.id, sendEmail: false } })).body.data);
    const redeemed = await call(ctx.app, 'POST', `${tokensUrl(org, 'windows')}/redeem`, { token: org.adminToken, body: { code: tokens[1].enrollCode, device: { serialNumber: 'SN-EXPORT' } } });
    assert.equal(redeemed.statusCode, 200, JSON.stringify(redeemed.body));

    const done = await runCli(['tokens', 'export', '--platform', 'windows', '--state', 'DONE', '--url', baseUrl, '--token', org.adminToken, '--org', org.id]);
    assert.equal(done.code, 0, done.stderr);
    const rows = parse(done.stdout, { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((row) => [row.id, row.state]), [[tokens[1].id, 'DONE']]);
    assert.ok(rows[0]!.deviceId, 'with the device it was redeemed for');

    const viewer = await createKey(ctx.app, org.id, { role: 'viewer' });
    const concealed = await runCli(['tokens', 'export', '--platform', 'windows', '--url', baseUrl, '--token', viewer, '--org', org.id]);
    assert.equal(concealed.code, 0, concealed.stderr);
    const viewed = parse(concealed.stdout, { columns: true }) as Array<Record<string, string>>;
    assert.equal(viewed.length, 3);
    assert.ok(viewed.every((row) => row.enrollCode === '' && row.enrollmentLink === ''), 'no codes without readSecret');
  });

  it('stops with one line and a non-zero exit on a wrong key, organization, platform or server', async () => {
    const org = await createOrganization(ctx.app);
    const badKey = await runCli(['tokens', 'export', '--platform', 'apple', '--url', baseUrl, '--token', 'not-a-key', '--org', org.id]);
    assert.equal(badKey.code, 1);
    assert.match(badKey.stderr, /^enrolld: 401 4004: Invalid Token\n$/);
    assert.equal(badKey.stdout, '', 'nothing half-written');

    const otherOrg = await createOrganization(ctx.app);
    const forbidden = await runCli(['tokens', 'export', '--platform', 'apple', '--url', baseUrl, '--token', otherOrg.adminToken, '--org', org.id]);
    assert.equal(forbidden.code, 1);
    assert.match(forbidden.stderr, /^enrolld: 403 4003: /);

    const badPlatform = await runCli(['tokens', 'export', '--platform', 'blackberry', '--url', baseUrl, '--token', org.adminToken, '--org', org.id]);
    assert.equal(badPlatform.code, 2);
    assert.match(badPlatform.stderr, /--platform.*blackberry.*apple, windows, android/s);

    const closed = `http://127.0.0.1:${await freePort()}`;
    const noServer = await runCli(['tokens', 'export', '--platform', 'apple', '--url', closed, '--token', org.adminToken, '--org', org.id]);
    assert.equal(noServer.code, 1);
    assert.match(noServer.stderr, /^enrolld: cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });
});
