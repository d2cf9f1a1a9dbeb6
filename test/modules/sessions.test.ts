/**
 * Browser sessions (/v1/session): an API key exchanged for an HttpOnly, SameSite=Strict cookie
 * that acts as the key — exactly its permissions, read live (a viewer's session reads without
 * codes and cannot write; revoking the key ends the session) — with a CSRF token every change
 * must repeat; sign-out ends it at once; it ends when idle and after 12 hours (an injectable
 * clock); the database keeps neither the cookie's secret nor the CSRF token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createSessionService } from '../../src/modules/sessions/sessions.service.ts';
import { createServices } from '../../src/services.ts';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createKey, createMdmUser, createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { createToken } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

/** Sign in; answers the cookie header to send back, the CSRF token and the raw Set-Cookie. */
async function signIn(app: FastifyInstance, key: string, headers: Record<string, string> = {}) {
  const response = await call(app, 'POST', '/v1/session', { body: { key }, headers });
  assert.equal(response.statusCode, 200, JSON.stringify(response.body));
  const setCookie = String(response.headers['set-cookie']);
  const cookie = setCookie.split(';')[0]!;
  return { cookie, csrf: response.body.data.csrfToken as string, setCookie, body: response.body.data };
}

const usersUrl = (org: { id: string }) => `/v1/organizations/${org.id}/mdm/users`;

describe('sessions', () => {
  it('act as their key with a cookie the page cannot read, and every change needs the CSRF token', async () => {
    const org = await createOrganization(ctx.app);
    const { cookie, csrf, setCookie, body } = await signIn(ctx.app, org.adminToken);
    assert.match(setCookie, /^enrolld_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/, 'no Secure over plain http');
    assert.equal(body.signedInAs.kind, 'serviceAccount');
    assert.equal(body.signedInAs.organizationId, org.id);
    assert.equal(body.idleMinutes, 30);

    const listed = await call(ctx.app, 'GET', usersUrl(org), { headers: { cookie } });
    assert.equal(listed.statusCode, 200, JSON.stringify(listed.body));
    const who = await call(ctx.app, 'GET', '/v1/session', { headers: { cookie } });
    assert.deepEqual(who.body.data, body.signedInAs);

    const noCsrf = await call(ctx.app, 'POST', usersUrl(org), { headers: { cookie }, body: { email: 'csrf@example.com' } });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.body.error.code, 4003);
    const wrongCsrf = await call(ctx.app, 'POST', usersUrl(org), { headers: { cookie, 'x-csrf-token': `${csrf}x` }, body: { email: 'csrf@example.com' } });
    assert.equal(wrongCsrf.statusCode, 403);
    assert.equal((await call(ctx.app, 'GET', usersUrl(org), { headers: { cookie } })).body.data.totalDocs, 0, 'nothing written');
    const made = await call(ctx.app, 'POST', usersUrl(org), { headers: { cookie, 'x-csrf-token': csrf }, body: { email: 'csrf@example.com' } });
    assert.equal(made.statusCode, 200, JSON.stringify(made.body));

    const rows = await ctx.database.db.selectFrom('sessions').selectAll().execute();
    const stored = JSON.stringify(rows);
    assert.ok(!stored.includes(cookie.split('=')[1]!) && !stored.includes(csrf), 'the database keeps only hashes');
  });

  it('is Secure behind https', async () => {
    const proxied = await createTestContext({ ENROLLD_TRUST_PROXY: 'true' });
    try {
      const { setCookie } = await signIn(proxied.app, ROOT_KEY, { 'x-forwarded-proto': 'https' });
      assert.match(setCookie, /; Secure/);
      const root = await call(proxied.app, 'GET', '/v1/organizations', { headers: { cookie: setCookie.split(';')[0]! } });
      assert.equal(root.statusCode, 200, 'a root session may do what the root key may');
    } finally {
      await proxied.close();
    }
  });

  it('may do exactly what its key may: a viewer reads without codes and cannot write', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const token = await createToken(ctx.app, org, 'apple', user.id);
    const viewer = await createKey(ctx.app, org.id, { role: 'viewer' });
    const { cookie, csrf } = await signIn(ctx.app, viewer);
    const read = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens/${token.id}`, { headers: { cookie } });
    assert.equal(read.statusCode, 200);
    assert.equal(read.body.data.enrollCode, null);
    const write = await call(ctx.app, 'POST', usersUrl(org), { headers: { cookie, 'x-csrf-token': csrf }, body: { email: 'viewer@example.com' } });
    assert.equal(write.statusCode, 403);
    const other = await createOrganization(ctx.app);
    assert.equal((await call(ctx.app, 'GET', usersUrl(other), { headers: { cookie } })).statusCode, 403, 'not another organization either');
  });

  it('ends with its key, and at once on sign-out', async () => {
    const org = await createOrganization(ctx.app);
    const created = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/service-accounts`, { token: ROOT_KEY, body: { name: 'console', role: 'admin' } });
    const first = await signIn(ctx.app, created.body.data.token);
    const second = await signIn(ctx.app, created.body.data.token);

    const out = await call(ctx.app, 'DELETE', '/v1/session', { headers: { cookie: first.cookie, 'x-csrf-token': first.csrf } });
    assert.equal(out.statusCode, 200);
    assert.match(String(out.headers['set-cookie']), /^enrolld_session=; .*Expires=Thu, 01 Jan 1970/, 'the cookie is cleared');
    const after = await call(ctx.app, 'GET', usersUrl(org), { headers: { cookie: first.cookie } });
    assert.equal(after.statusCode, 401);
    assert.equal(after.body.error.code, 4002);
    assert.equal((await call(ctx.app, 'GET', usersUrl(org), { headers: { cookie: second.cookie } })).statusCode, 200, 'another session of the key goes on');

    await call(ctx.app, 'DELETE', `/v1/organizations/${org.id}/service-accounts/${created.body.data.id}`, { token: ROOT_KEY });
    const revoked = await call(ctx.app, 'GET', usersUrl(org), { headers: { cookie: second.cookie } });
    assert.equal(revoked.statusCode, 401);
    assert.equal(revoked.body.error.code, 4004, 'revoking the key ends its sessions');
  });

  it('refuses a key that is not live, and sets no cookie', async () => {
    const refused = await call(ctx.app, 'POST', '/v1/session', { body: { key: 'ek_not_a_key' } });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.body.error.code, 4004);
    assert.equal(refused.headers['set-cookie'], undefined);
    const empty = await call(ctx.app, 'POST', '/v1/session', { body: {} });
    assert.equal(empty.statusCode, 400);
    assert.ok(empty.body.error.data.errors.some((e: { path: string }) => e.path === '/body/key'));
    assert.equal((await call(ctx.app, 'GET', '/v1/session')).statusCode, 401);
  });

  it('ends after its idle time, and after 12 hours however it is used', async () => {
    let now = new Date('2027-04-01T08:00:00Z');
    const services = createServices(ctx.database, ctx.config);
    services.sessions = createSessionService({ db: ctx.database.db, idleMinutes: 30, now: () => now });
    const app = await buildApp({ config: ctx.config, database: ctx.database, services });
    try {
      const org = await createOrganization(app);
      const idle = await signIn(app, org.adminToken);
      now = new Date('2027-04-01T08:29:00Z');
      assert.equal((await call(app, 'GET', usersUrl(org), { headers: { cookie: idle.cookie } })).statusCode, 200, 'used within its idle time');
      now = new Date('2027-04-01T08:58:00Z');
      assert.equal((await call(app, 'GET', usersUrl(org), { headers: { cookie: idle.cookie } })).statusCode, 200, 'use moved its idle limit');
      now = new Date('2027-04-01T09:29:00Z');
      assert.equal((await call(app, 'GET', usersUrl(org), { headers: { cookie: idle.cookie } })).statusCode, 401, '31 minutes unused');

      const busy = await signIn(app, org.adminToken);
      for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
        now = new Date(Date.parse('2027-04-01T09:29:00Z') + minutes * 60_000);
        assert.equal((await call(app, 'GET', usersUrl(org), { headers: { cookie: busy.cookie } })).statusCode, 200);
      }
      now = new Date(Date.parse('2027-04-01T09:29:00Z') + 12 * 60 * 60_000 + 1000);
      assert.equal((await call(app, 'GET', usersUrl(org), { headers: { cookie: busy.cookie } })).statusCode, 401, 'twelve hours at most');
    } finally {
      await app.close();
    }
  });
});
