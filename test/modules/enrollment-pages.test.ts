/**
 * The public enrollment pages: what a person sees on each platform, in the token's language with
 * the organization's branding; the Android QR code decoded back by a real decoder; the Windows
 * deep link; the notices for expired, used, revoked and unknown links; escaping of everything
 * typed by an admin or a user; and the per-address rate limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { LANGUAGES } from '../../src/lib/languages.ts';
import { PAGE_STRINGS } from '../../src/modules/enrollment-pages/i18n/index.ts';
import { PLATFORM_ADAPTERS } from '../../src/platforms/index.ts';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { createToken, PLATFORMS, tokensUrl, type TestPlatform } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext({ ENROLLD_ENROLL_RATE_LIMIT: '100000' });
});
after(async () => ctx.close());

const open = (path: string, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url: path, headers });
const pageOf = (token: { platform: string; enrollCode: string }) => `/enroll/${token.platform}/${token.enrollCode}`;

/** The text a person reads: tags dropped, entities decoded, whitespace collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x2F;/g, '/')
    .replace(/&#x60;/g, '`')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

function attribute(html: string, id: string, name: string): string | undefined {
  const tag = new RegExp(`<[^>]*id="${id}"[^>]*>`).exec(html)?.[0];
  const raw = tag ? new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1] : undefined;
  return raw === undefined ? undefined : visibleText(raw);
}

async function tokenFor(org: TestOrganization, platform: TestPlatform, fields: Record<string, unknown> = {}, user: Record<string, unknown> = {}) {
  const mdmUser = await createMdmUser(ctx.app, org, user);
  return createToken(ctx.app, org, platform, mdmUser.id, fields);
}

describe('enrollment page', () => {
  for (const platform of PLATFORMS) {
    it(`${platform}: names the user and organization, shows the code, expiry and steps; no scripts; safe headers`, async () => {
      const org = await createOrganization(ctx.app);
      const token = await tokenFor(org, platform, { displayName: 'Work laptop' }, { name: 'Ada Lovelace' });
      const response = await open(pageOf(token));
      assert.equal(response.statusCode, 200);
      assert.match(response.headers['content-type'] as string, /^text\/html; charset=utf-8/);
      assert.match(response.headers['content-security-policy'] as string, /default-src 'none'/);
      assert.doesNotMatch(response.headers['content-security-policy'] as string, /script-src/, 'no script source is allowed');
      assert.equal(response.headers['referrer-policy'], 'no-referrer');
      assert.equal(response.headers['cache-control'], 'no-store');
      const html = response.body;
      assert.ok(!/<script/i.test(html), 'works without JavaScript: there is none');
      assert.match(html, /<html lang="en">/);
      assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
      const text = visibleText(html);
      assert.ok(text.includes('Hello Ada Lovelace,'));
      assert.ok(text.includes(org.name));
      assert.ok(text.includes('Device: Work laptop'));
      assert.ok(text.includes(token.enrollCode));
      assert.match(text, /This invitation expires on \w+ \d{1,2}, \d{4}/);
      const steps = PLATFORM_ADAPTERS[platform].texts.en.page.steps;
      for (const step of steps) assert.ok(text.includes(step), `step shown: ${step}`);
    });
  }

  it('apple: the main action downloads the profile', async () => {
    const org = await createOrganization(ctx.app);
    const token = await tokenFor(org, 'apple');
    const html = (await open(pageOf(token))).body;
    assert.equal(attribute(html, 'primary-action', 'href'), `${ctx.config.publicUrl}/enroll/apple/${token.enrollCode}/profile`);
    assert.ok(visibleText(html).includes('Download the enrollment profile'));
  });

  it('windows: the main action is the ms-device-enrollment deep link, with manual steps showing server and code', async () => {
    const org = await createOrganization(ctx.app);
    const token = await tokenFor(org, 'windows', {}, { email: 'ada+pc@example.com' });
    const settings = (await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/windows/enterprise`, { token: org.adminToken })).body.data.settings;
    const html = (await open(pageOf(token))).body;
    const href = attribute(html, 'primary-action', 'href')!;
    assert.equal(
      href,
      `ms-device-enrollment:?mode=mdm&username=ada%2Bpc%40example.com&servername=${encodeURIComponent(settings.discoveryUrl)}&accesstoken=${token.enrollCode}`,
    );
    const query = new URLSearchParams(href.split('?')[1]);
    assert.deepEqual(Object.fromEntries(query), { mode: 'mdm', username: 'ada+pc@example.com', servername: settings.discoveryUrl, accesstoken: token.enrollCode });
    const text = visibleText(html);
    assert.ok(text.includes('Settings → Accounts → Access work or school'));
    assert.ok(text.includes(`when asked for the server address, enter ${settings.discoveryUrl}`));
    assert.ok(text.includes(`If asked for a code, enter ${token.enrollCode}`));
    assert.equal(visibleText(/id="manual-server">([^<]*)</.exec(html)![1]!), settings.discoveryUrl);
  });

  it('windows: without a discovery URL the page offers no broken button', async () => {
    const org = await createOrganization(ctx.app);
    const token = await tokenFor(org, 'windows');
    await call(ctx.app, 'PUT', `/v1/organizations/${org.id}/mdm/windows/enterprise`, { token: org.adminToken, body: { settings: { discoveryUrl: null } } });
    const response = await open(pageOf(token));
    assert.equal(response.statusCode, 200);
    assert.equal(attribute(response.body, 'primary-action', 'href'), undefined);
  });

  it('android: the QR code (PNG and SVG, and on the page) decodes to config.qrCode; the work-profile link carries the token', async () => {
    const org = await createOrganization(ctx.app);
    const token = await tokenFor(org, 'android', { managementMode: 'DEVICE_OWNER' });
    const png = await open(`/enroll/android/${token.enrollCode}/qr.png`);
    assert.equal(png.statusCode, 200);
    assert.equal(png.headers['content-type'], 'image/png');
    const image = PNG.sync.read(png.rawPayload);
    const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    assert.ok(decoded, 'a real decoder reads it');
    assert.deepEqual(JSON.parse(decoded.data), token.config.qrCode);
    assert.equal(
      token.config.qrCode['android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE']['com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN'],
      token.enrollCode,
    );

    const svg = await open(`/enroll/android/${token.enrollCode}/qr.svg`);
    assert.equal(svg.statusCode, 200);
    assert.equal(svg.headers['content-type'], 'image/svg+xml');
    assert.match(svg.body, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);

    const html = (await open(pageOf(token))).body;
    const src = attribute(html, 'provisioning-qr', 'src')!;
    assert.match(src, /^data:image\/svg\+xml;base64,/);
    assert.equal(Buffer.from(src.split(',')[1]!, 'base64').toString('utf8'), svg.body, 'the page shows the same code');
    assert.equal(attribute(html, 'work-profile-link', 'href'), `https://enterprise.google.com/android/enroll?et=${token.enrollCode}`);
  });

  it('speaks the token’s language', async () => {
    const org = await createOrganization(ctx.app);
    const titles = new Set<string>();
    for (const language of LANGUAGES) {
      const token = await tokenFor(org, 'apple', { language });
      const html = (await open(pageOf(token), { 'accept-language': 'en' })).body;
      assert.match(html, new RegExp(`<html lang="${language}">`));
      const title = /<h1>([^<]*)<\/h1>/.exec(html)![1]!;
      titles.add(title);
      assert.ok(visibleText(html).includes(PLATFORM_ADAPTERS.apple.texts[language].page.action!));
    }
    assert.equal(titles.size, LANGUAGES.length, 'six different languages');
  });

  it('carries the organization’s branding', async () => {
    const org = await createOrganization(ctx.app);
    const put = await call(ctx.app, 'PUT', `/v1/organizations/${org.id}/mdm/apple/enterprise`, {
      token: org.adminToken,
      body: { configuration: { primaryColor: '#aa3300', logo: 'https://cdn.example.com/logo.png', contactEmail: 'help@example.com', contactPhone: '+34 600 000 000' } },
    });
    assert.equal(put.statusCode, 200);
    const html = (await open(pageOf(await tokenFor(org, 'apple')))).body;
    assert.match(html, /<body style="--brand:#aa3300">/);
    assert.equal(attribute(html, 'brand-logo', 'src'), 'https://cdn.example.com/logo.png');
    assert.ok(visibleText(html).includes('Questions? Contact help@example.com · +34 600 000 000.'));
  });
});

describe('links that cannot be used', () => {
  const NOTICE_TITLE = /<h1>([^<]*)<\/h1>/;

  async function expectNotice(path: string, status: number, title: string, headers: Record<string, string> = {}) {
    const response = await open(path, headers);
    assert.equal(response.statusCode, status, `${path}: ${response.body.slice(0, 200)}`);
    assert.match(response.headers['content-type'] as string, /^text\/html/);
    assert.equal(NOTICE_TITLE.exec(response.body)?.[1], title);
    return response.body;
  }

  for (const platform of PLATFORMS) {
    it(`${platform}: expired and used → 410, revoked and unknown → 404, saying nothing else`, async () => {
      const org = await createOrganization(ctx.app);
      const expired = await tokenFor(org, platform, { language: 'es' }, { name: 'Secret Name' });
      await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expired.id).execute();
      const expiredHtml = await expectNotice(pageOf(expired), 410, PAGE_STRINGS.es.expired.title);
      assert.ok(!expiredHtml.includes('Secret Name') && !expiredHtml.includes(org.name), 'nothing about the token or its organization');

      const used = await tokenFor(org, platform);
      const redeemed = await call(ctx.app, 'POST', `${tokensUrl(org, platform)}/redeem`, { token: org.adminToken, body: { code: used.enrollCode, device: { serialNumber: 'SN' } } });
      assert.equal(redeemed.statusCode, 200);
      await expectNotice(pageOf(used), 410, PAGE_STRINGS.en.used.title);

      const revoked = await tokenFor(org, platform);
      assert.equal((await call(ctx.app, 'DELETE', `${tokensUrl(org, platform)}/${revoked.id}`, { token: org.adminToken })).statusCode, 200);
      const revokedHtml = await expectNotice(pageOf(revoked), 404, PAGE_STRINGS.en.notFound.title);
      const unknownHtml = await expectNotice(`/enroll/${platform}/ZZZZZZZZZZZZ`, 404, PAGE_STRINGS.en.notFound.title);
      assert.equal(revokedHtml, unknownHtml, 'a revoked link is indistinguishable from an unknown one');
      await expectNotice(`/enroll/${platform}/not-a-code`, 404, PAGE_STRINGS.en.notFound.title);
    });
  }

  it('a code on the wrong platform, or an unknown platform, is unknown; notices follow Accept-Language', async () => {
    const org = await createOrganization(ctx.app);
    const token = await tokenFor(org, 'apple');
    await expectNotice(`/enroll/windows/${token.enrollCode}`, 404, PAGE_STRINGS.en.notFound.title);
    await expectNotice(`/enroll/blackberry/${token.enrollCode}`, 404, PAGE_STRINGS.de.notFound.title, { 'accept-language': 'fr;q=0.5, de-CH, en;q=0.8' });
    await expectNotice(`/enroll/apple/${'X'.repeat(64)}`, 404, PAGE_STRINGS.en.notFound.title);
  });

  it('the profile and QR downloads answer the same notices', async () => {
    const org = await createOrganization(ctx.app);
    const apple = await tokenFor(org, 'apple');
    const android = await tokenFor(org, 'android', { managementMode: 'PROFILE_OWNER' });
    for (const token of [apple, android]) {
      await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', token.id).execute();
    }
    await expectNotice(`/enroll/apple/${apple.enrollCode}/profile`, 410, PAGE_STRINGS.en.expired.title);
    await expectNotice(`/enroll/android/${android.enrollCode}/qr.png`, 410, PAGE_STRINGS.en.expired.title);
    await expectNotice(`/enroll/android/${android.enrollCode}/qr.svg`, 410, PAGE_STRINGS.en.expired.title);
    await expectNotice('/enroll/apple/ZZZZZZZZZZZZ/profile', 404, PAGE_STRINGS.en.notFound.title);
    await expectNotice(`/enroll/android/${apple.enrollCode}/qr.png`, 404, PAGE_STRINGS.en.notFound.title);
    const issued = await ctx.database.db.selectFrom('scepChallenges').select('tokenId').where('tokenId', '=', apple.id).execute();
    assert.equal(issued.length, 0, 'no challenge is issued for an expired token');
  });
});

describe('escaping', () => {
  const PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>", '{{lang}}</title><script>x</script>'];

  it('escapes everything an admin or a user typed, on every platform', async () => {
    for (const [i, payload] of PAYLOADS.entries()) {
      const org = await call(ctx.app, 'POST', '/v1/organizations', { token: ROOT_KEY, body: { name: `Org ${payload}`, slug: `xss-${i}-${Date.now()}` } });
      assert.equal(org.statusCode, 200, JSON.stringify(org.body));
      const organization = { id: org.body.data.id, slug: org.body.data.slug, name: org.body.data.name, adminToken: ROOT_KEY };
      for (const platform of PLATFORMS) {
        await call(ctx.app, 'PUT', `/v1/organizations/${organization.id}/mdm/${platform}/enterprise`, {
          token: ROOT_KEY,
          body: { configuration: { contactEmail: null, contactPhone: payload.slice(0, 60), logo: 'javascript:alert(1)' } },
        });
        const token = await tokenFor(organization, platform, { displayName: payload, ...(platform === 'android' ? { managementMode: 'DEVICE_OWNER' } : {}) }, { name: payload });
        const html = (await open(pageOf(token))).body;
        assert.ok(!html.includes(payload), `${platform}: raw payload ${payload} is not in the page`);
        assert.ok(!/<(script|svg|img)[^>]*(onerror|onload)=/i.test(html), `${platform}: no injected handler`);
        assert.equal((html.match(/<script/gi) ?? []).length, 0);
        assert.ok(!html.includes('javascript:'), 'a javascript: logo is not rendered');
        const text = visibleText(html);
        assert.ok(text.includes(`Hello ${payload},`), `${platform}: shown as text`);
        assert.ok(text.includes(`Device: ${payload}`));
      }
    }
  });
});

describe('rate limit', () => {
  let limited: TestContext;
  before(async () => {
    limited = await createTestContext({ ENROLLD_ENROLL_RATE_LIMIT: '3', ENROLLD_REDEEM_RATE_LIMIT: '2' });
  });
  after(async () => limited.close());

  it('limits /enroll per client address with 429/1004 (an HTML notice for browsers)', async () => {
    const get = (address: string, accept = 'application/json') =>
      limited.app.inject({ method: 'GET', url: '/enroll/apple/ZZZZZZZZZZZZ', remoteAddress: address, headers: { accept } });
    for (let i = 0; i < 3; i++) assert.equal((await get('10.0.0.1')).statusCode, 404);
    const refused = await get('10.0.0.1');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().error.code, 1004);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    const browser = await get('10.0.0.1', 'text/html,application/xhtml+xml');
    assert.equal(browser.statusCode, 429);
    assert.match(browser.body, new RegExp(PAGE_STRINGS.en.tooMany.title));
    assert.equal((await get('10.0.0.2')).statusCode, 404, 'another address is not limited');
    const profile = await limited.app.inject({ method: 'GET', url: '/enroll/apple/ZZZZZZZZZZZZ/profile', remoteAddress: '10.0.0.1' });
    assert.equal(profile.statusCode, 429, 'downloads count too');
  });

  it('with REDIS_URL, counts every node’s requests in one budget', { skip: !process.env.REDIS_URL && 'REDIS_URL is not set' }, async () => {
    const nodes: TestContext[] = [];
    try {
      for (let i = 0; i < 2; i++) nodes.push(await createTestContext({ ENROLLD_ENROLL_RATE_LIMIT: '3', REDIS_URL: process.env.REDIS_URL! }));
      // A fresh address: Redis keeps counts for a minute, across test runs.
      const address = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const node = nodes[i % 2]!;
        statuses.push((await node.app.inject({ method: 'GET', url: '/enroll/apple/ZZZZZZZZZZZZ', remoteAddress: address })).statusCode);
      }
      assert.deepEqual(statuses, [404, 404, 404, 429]);
    } finally {
      for (const node of nodes) await node.close();
    }
  });

  it('with Redis unreachable, lets requests through instead of failing them', async () => {
    const node = await createTestContext({ ENROLLD_ENROLL_RATE_LIMIT: '1', REDIS_URL: 'redis://127.0.0.1:9' });
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal((await node.app.inject({ method: 'GET', url: '/enroll/apple/ZZZZZZZZZZZZ', remoteAddress: '10.9.9.9' })).statusCode, 404);
      }
    } finally {
      await node.close();
    }
  });

  it('limits /redeem per API key, not per address', async () => {
    const org = await createOrganization(limited.app);
    const second = await createOrganization(limited.app);
    const redeem = (target: TestOrganization, address: string) =>
      limited.app.inject({
        method: 'POST',
        url: `${tokensUrl(target, 'apple')}/redeem`,
        remoteAddress: address,
        headers: { authorization: `Bearer ${target.adminToken}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ code: 'ZZZZZZZZZZZZ', device: { serialNumber: 'S' } }),
      });
    assert.equal((await redeem(org, '10.1.0.1')).statusCode, 404);
    assert.equal((await redeem(org, '10.1.0.2')).statusCode, 404);
    const refused = await redeem(org, '10.1.0.3');
    assert.equal(refused.statusCode, 429, 'a third from a new address with the same key');
    assert.equal(refused.json().error.code, 1004);
    assert.equal((await redeem(second, '10.1.0.1')).statusCode, 404, 'another key has its own budget');
  });
});
