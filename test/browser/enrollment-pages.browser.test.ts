/**
 * A real browser (Debian's Chromium, driven by playwright-core) opens each platform's enrollment
 * page from a real server on loopback, with JavaScript off and a phone-sized screen, and checks
 * what a person sees: the heading, the main action, the steps, the code — and, for Android, that
 * the QR code as rendered on screen decodes to the provisioning payload. Screenshots are saved to
 * test-artifacts/screenshots/ for a human look.
 *
 * .ci/run installs Chromium when it is missing; elsewhere the test is skipped without it (in CI,
 * CI=true, a missing browser fails instead).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import jsQR from 'jsqr';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { PAGE_STRINGS } from '../../src/modules/enrollment-pages/i18n/index.ts';
import { PLATFORM_ADAPTERS } from '../../src/platforms/index.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { launchChromium, skipWithoutChromium } from '../helpers/browser.ts';
import { freePort } from '../helpers/process.ts';
import { createToken, PLATFORMS } from '../helpers/tokens.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');

describe('enrollment pages in a real browser', { skip: skipWithoutChromium }, () => {
  let ctx: TestContext;
  let browser: Browser;
  let origin: string;

  before(async () => {
    // The public URL must be the address the browser reaches, so the page's links are real.
    const port = await freePort();
    ctx = await createTestContext({ ENROLLD_PUBLIC_URL: `http://127.0.0.1:${port}` });
    await ctx.app.listen({ port, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await ctx?.close();
  });

  for (const platform of PLATFORMS) {
    it(`${platform}: a person on a phone, JavaScript off, sees what to do`, async () => {
      const org = await createOrganization(ctx.app);
      const user = await createMdmUser(ctx.app, org, { name: 'Grace Hopper' });
      const token = await createToken(ctx.app, org, platform, user.id, platform === 'android' ? { managementMode: 'DEVICE_OWNER' } : {});
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
      try {
        const page = await context.newPage();
        const response = await page.goto(token.enrollmentLink);
        assert.equal(response?.status(), 200);
        assert.ok(token.enrollmentLink?.startsWith(origin), `the token's link points at this server: ${token.enrollmentLink}`);

        const heading = await page.getByRole('heading', { level: 1 }).innerText();
        assert.match(heading, new RegExp(org.name));
        await page.getByText('Hello Grace Hopper,').waitFor();
        await page.getByText(token.enrollCode, { exact: true }).waitFor();
        const steps = await page.locator('ol').first().locator('li').allInnerTexts();
        assert.deepEqual(steps, PLATFORM_ADAPTERS[platform].texts.en.page.steps);

        // Readable on a phone: nothing wider than the screen (a full-page shot would be wider).
        const full = PNG.sync.read(await page.screenshot({ path: path.join(SCREENSHOTS, `${platform}.png`), fullPage: true }));
        assert.equal(full.width, 390 * 2, 'no horizontal scrolling');

        if (platform === 'apple') {
          const action = page.getByRole('link', { name: PLATFORM_ADAPTERS.apple.texts.en.page.action });
          assert.equal(await action.getAttribute('href'), `${origin}/enroll/apple/${token.enrollCode}/profile`);
          const [download] = await Promise.all([page.waitForEvent('download'), action.click()]);
          assert.equal(download.suggestedFilename(), `${org.slug}-enrollment.mobileconfig`);
        }
        if (platform === 'windows') {
          const href = await page.getByRole('link', { name: PLATFORM_ADAPTERS.windows.texts.en.page.action }).getAttribute('href');
          assert.match(href!, /^ms-device-enrollment:\?mode=mdm&username=[^&]+&servername=[^&]+&accesstoken=/);
          await page.getByText('Settings → Accounts → Access work or school').waitFor();
        }
        if (platform === 'android') {
          const qr = page.locator('#provisioning-qr');
          const shot = PNG.sync.read(await qr.screenshot());
          const decoded = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
          assert.ok(decoded, 'the QR code on screen decodes');
          assert.deepEqual(JSON.parse(decoded.data), token.config.qrCode);
          assert.equal(await page.getByRole('link', { name: PLATFORM_ADAPTERS.android.texts.en.page.workProfile!.action }).getAttribute('href'), `https://enterprise.google.com/android/enroll?et=${token.enrollCode}`);
        }
      } finally {
        await context.close();
      }
    });
  }

  it('an expired link shows a clear notice', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createToken(ctx.app, org, 'apple', (await createMdmUser(ctx.app, org)).id, { language: 'fr' });
    await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', token.id).execute();
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${origin}/enroll/apple/${token.enrollCode}`);
      assert.equal(response?.status(), 410);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), PAGE_STRINGS.fr.expired.title);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'expired.png') });
    } finally {
      await context.close();
    }
    assert.equal((await call(ctx.app, 'GET', `/enroll/apple/${token.enrollCode}`)).statusCode, 410);
  });
});
