/**
 * The branding preview: the enrollment page and the invitation of a sample token, rendered by the
 * real renderers with unsaved branding over the saved one, in the language asked for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createKey, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';

describe('branding preview', () => {
  let ctx: TestContext;
  let org: TestOrganization;
  before(async () => {
    ctx = await createTestContext();
    org = await createOrganization(ctx.app);
  });
  after(() => ctx?.close());

  const preview = (platform: string, query: Record<string, string>, token = org.adminToken) =>
    call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/${platform}/enterprise/preview`, { token, query });

  it('shows the enrollment page with the unsaved colour, logo and contact, in the language asked, framable only by this origin', async () => {
    const page = await preview('apple', { kind: 'page', language: 'fr', primaryColor: '#c0ffee', logo: 'https://cdn.example.com/logo.png', contactEmail: 'help@example.com' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const html = String(page.body);
    assert.match(html, /<html lang="fr"/);
    assert.match(html, /#c0ffee/);
    assert.match(html, /src="https:&#x2F;&#x2F;cdn.example.com&#x2F;logo.png"/, 'the logo, HTML-escaped');
    assert.match(html, /help@example\.com/);
    assert.match(html, /Jane Appleseed/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /frame-ancestors 'self'/);
    assert.doesNotMatch(csp, /script-src/);
    assert.match(csp, /default-src 'none'/);

    // Nothing was saved: the enterprise keeps its branding.
    const enterprise = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/apple/enterprise`, { token: org.adminToken });
    assert.notEqual(enterprise.body.data.configuration.primaryColor, '#c0ffee');
    assert.equal(enterprise.body.data.configuration.logo, null);
  });

  it('shows the invitation with its note, and for Android the QR code inside the page', async () => {
    const email = await preview('android', { kind: 'email', language: 'de', emailText: 'Willkommen bei Acme!' });
    assert.equal(email.statusCode, 200);
    const html = String(email.body);
    assert.match(html, /Willkommen bei Acme!/);
    assert.match(html, /<img[^>]+src="data:image\/png;base64,/);
    assert.doesNotMatch(html, /cid:/);
  });

  it('an empty value clears a saved field; the saved branding shows otherwise', async () => {
    const saved = await call(ctx.app, 'PUT', `/v1/organizations/${org.id}/mdm/windows/enterprise`, {
      token: org.adminToken,
      body: { configuration: { primaryColor: '#123456', contactPhone: '+34 600 000 000' } },
    });
    assert.equal(saved.statusCode, 200);
    const withSaved = String((await preview('windows', { kind: 'page' })).body);
    assert.match(withSaved, /#123456/);
    assert.match(withSaved, /\+34 600 000 000/);
    const cleared = String((await preview('windows', { kind: 'page', contactPhone: '' })).body);
    assert.doesNotMatch(cleared, /\+34 600 000 000/);
  });

  it('refuses a bad colour or kind by name, and lets a viewer look', async () => {
    const bad = await preview('apple', { kind: 'page', primaryColor: 'red' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.body.error.code, 3000);
    assert.ok(bad.body.error.data.errors.some((problem: { path: string }) => problem.path === '/query/primaryColor'), JSON.stringify(bad.body));
    const kind = await preview('apple', { kind: 'poster' });
    assert.equal(kind.statusCode, 400);
    const viewer = await createKey(ctx.app, org.id, { role: 'viewer' });
    assert.equal((await preview('apple', { kind: 'email' }, viewer)).statusCode, 200);
  });
});
