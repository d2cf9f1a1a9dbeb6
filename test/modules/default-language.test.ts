/**
 * The language a token speaks when none is given: its user's (a Spanish-speaking user invited
 * without a language gets Spanish, not English), and a user created without one speaks the
 * organization's default language (a setting, English unless changed) — by POST …/mdm/users and
 * as a bulk's new user alike.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { createToken, tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

async function setDefaultLanguage(org: TestOrganization, language: string) {
  return call(ctx.app, 'PUT', `/v1/organizations/${org.id}`, { token: ROOT_KEY, body: { defaultLanguage: language } });
}

async function tokensByEmail(org: TestOrganization) {
  const listed = await call(ctx.app, 'GET', `${tokensUrl(org, 'apple')}?limit=100`, { token: org.adminToken });
  return new Map<string, string>(listed.body.data.items.map((token: { mdmUser: { email: string }; language: string }) => [token.mdmUser.email, token.language]));
}

describe('default languages', () => {
  it("gives a token made without a language its user's", async () => {
    const org = await createOrganization(ctx.app);
    const spanish = await createMdmUser(ctx.app, org, { language: 'es' });
    assert.equal((await createToken(ctx.app, org, 'apple', spanish.id)).language, 'es');
    assert.equal((await createToken(ctx.app, org, 'windows', spanish.id, { language: 'fr' })).language, 'fr', 'a given language wins');
  });

  it("makes users without a language in the organization's default, which their tokens then speak", async () => {
    const org = await createOrganization(ctx.app);
    assert.equal((await call(ctx.app, 'GET', `/v1/organizations/${org.id}`, { token: ROOT_KEY })).body.data.defaultLanguage, 'en');
    const changed = await setDefaultLanguage(org, 'de');
    assert.equal(changed.statusCode, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.data.defaultLanguage, 'de');
    const user = await createMdmUser(ctx.app, org);
    assert.equal(user.language, 'de');
    assert.equal((await createToken(ctx.app, org, 'android', user.id, { managementMode: 'DEVICE_OWNER' })).language, 'de');
  });

  it("gives a bulk's tokens their users' languages, and its new users the organization's", async () => {
    const org = await createOrganization(ctx.app);
    await setDefaultLanguage(org, 'pt');
    await createMdmUser(ctx.app, org, { email: 'lucia@example.com', language: 'es' });
    await createMdmUser(ctx.app, org, { email: 'marco@example.com', language: 'it' });
    const bulk = await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/bulk`, {
      token: org.adminToken,
      body: { sendEmail: false, userEmails: ['lucia@example.com', 'marco@example.com', 'novo@example.com'] },
    });
    assert.equal(bulk.body.data.success, 3, JSON.stringify(bulk.body));
    assert.deepEqual(Object.fromEntries(await tokensByEmail(org)), { 'lucia@example.com': 'es', 'marco@example.com': 'it', 'novo@example.com': 'pt' });
    const users = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users?email=novo@example.com`, { token: org.adminToken });
    assert.equal(users.body.data.items[0].language, 'pt', "the bulk's new user speaks the organization's default");

    const other = await createOrganization(ctx.app);
    await setDefaultLanguage(other, 'pt');
    await call(ctx.app, 'POST', `${tokensUrl(other, 'apple')}/bulk`, { token: other.adminToken, body: { sendEmail: false, language: 'fr', userEmails: ['a@example.com', 'b@example.com'] } });
    assert.deepEqual([...(await tokensByEmail(other)).values()], ['fr', 'fr'], 'a given language wins');
  });

  it('refuses an unknown default language naming the field', async () => {
    const org = await createOrganization(ctx.app);
    const refused = await setDefaultLanguage(org, 'xx');
    assert.equal(refused.statusCode, 400);
    assert.ok(refused.body.error.data.errors.some((e: { path: string }) => e.path === '/body/defaultLanguage'));
    assert.equal((await call(ctx.app, 'GET', `/v1/organizations/${org.id}`, { token: ROOT_KEY })).body.data.defaultLanguage, 'en');
  });
});
