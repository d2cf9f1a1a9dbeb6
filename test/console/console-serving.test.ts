/**
 * How enrolld serves the console's built files: the app at every /console path, its security
 * headers, caching that fits hashed assets and an uncached index.html, and the first screen's
 * size budget (200 KB of JavaScript, gzipped). The build is the one `npm ci` made (the root
 * package's `prepare` script); a missing build is a failure here, not a skip.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { CONSOLE_DIST, consoleRoutes } from '../../src/console/console.routes.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';

const FIRST_SCREEN_BUDGET_BYTES = 200 * 1024;

describe('the console as enrolld serves it', () => {
  let ctx: TestContext;
  before(async () => {
    assert.ok(existsSync(path.join(CONSOLE_DIST, 'index.html')), 'console/dist is built (npm ci runs `prepare`; or npm run build --workspace @enrolld/console)');
    ctx = await createTestContext();
  });
  after(() => ctx?.close());

  const scriptsOf = (html: string) => [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];

  it('answers the app at /console and at any deep link under it, never cached, with a strict CSP', async () => {
    for (const url of ['/console', '/console/', '/console/tokens/apple', '/console/tokens/android/0123456789abcdef01234567']) {
      const page = await call(ctx.app, 'GET', url);
      assert.equal(page.statusCode, 200, url);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.equal(page.headers['cache-control'], 'no-cache', url);
      assert.match(String(page.body), /<div id="root"><\/div>/);

      const csp = String(page.headers['content-security-policy']);
      const directive = (name: string) => csp.split(';').map((part) => part.trim()).find((part) => part.startsWith(`${name} `));
      assert.equal(directive('script-src'), "script-src 'self'");
      assert.equal(directive('frame-ancestors'), "frame-ancestors 'none'");
      assert.equal(directive('default-src'), "default-src 'none'");
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
    }
  });

  it('has no inline script, so the CSP can forbid them', async () => {
    const html = String((await call(ctx.app, 'GET', '/console')).body);
    const scripts = scriptsOf(html);
    assert.ok(scripts.length > 0);
    for (const [, attributes, body] of scripts) {
      assert.match(attributes!, /\bsrc="\/console\/assets\/[^"]+\.js"/);
      assert.equal(body!.trim(), '');
    }
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  });

  it('serves the hashed assets for a year, immutable, and answers a missing one 404 in the envelope', async () => {
    const html = String((await call(ctx.app, 'GET', '/console')).body);
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    assert.ok(assets.some((asset) => asset.endsWith('.js')) && assets.some((asset) => asset.endsWith('.css')), assets.join(', '));
    for (const asset of assets) {
      const answer = await call(ctx.app, 'GET', asset);
      assert.equal(answer.statusCode, 200, asset);
      assert.equal(answer.headers['cache-control'], 'public, max-age=31536000, immutable', asset);
      assert.match(String(answer.headers['content-type']), asset.endsWith('.js') ? /javascript/ : /text\/css/);
      assert.match(String(answer.headers['content-security-policy']), /script-src 'self'/);
    }
    const missing = await call(ctx.app, 'GET', '/console/assets/index-00000000.js');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.body.error.code, (await call(ctx.app, 'GET', '/no-such-route')).body.error.code, "the server's own 404");
  });

  it('keeps the first screen within 200 KB of JavaScript, gzipped', async () => {
    const html = String((await call(ctx.app, 'GET', '/console')).body);
    // What the browser loads before the first screen: the entry script and what it preloads.
    const scripts = [...html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="\/console\/assets\/([^"]+\.js)"/g)].map((match) => match[1]!);
    const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(path.join(CONSOLE_DIST, 'assets', file)), { level: 9 }).length, 0);
    console.log(`# console first screen: ${scripts.length} scripts, ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${FIRST_SCREEN_BUDGET_BYTES / 1024} KB)`);
    assert.ok(gzipped <= FIRST_SCREEN_BUDGET_BYTES, `${gzipped} bytes gzipped`);
  });

  it('leaves the API and the enrollment pages their own headers', async () => {
    const org = await createOrganization(ctx.app);
    const api = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token: org.adminToken });
    assert.equal(api.statusCode, 200);
    assert.equal(api.headers['content-security-policy'], undefined);
    assert.equal(api.headers['cache-control'], 'no-store');
  });

  it('says how to build the console when its files are missing', async () => {
    const app = Fastify();
    await app.register(consoleRoutes, { dist: mkdtempSync(path.join(tmpdir(), 'enrolld-no-console-')) });
    const answer = await app.inject({ method: 'GET', url: '/console' });
    assert.equal(answer.statusCode, 503);
    assert.match(answer.body, /npm run build --workspace @enrolld\/console/);
    await app.close();
  });
});
