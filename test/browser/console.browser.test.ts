/// <reference lib="dom" />
// (Functions given to page.evaluate run in the page: they use its DOM.)
/**
 * The admin console end to end, in Debian's Chromium through playwright-core, against a real
 * server on SQLite: what an IT admin does, at a phone's width (390 px) and a desktop's (1280 px),
 * with screenshots kept in test-artifacts/console/ and axe-core run on every screen (no serious
 * or critical violation). A keyboard-only pass goes through the main flow without the mouse.
 *
 * .ci/run installs Chromium when it is missing; elsewhere the test is skipped without it (in CI,
 * CI=true, a missing browser fails instead).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { fr } from '../../console/src/i18n/fr.ts';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createKey, createOrganization, type TestOrganization, uniqueSuffix } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { launchChromium, skipWithoutChromium } from '../helpers/browser.ts';
import { freePort } from '../helpers/process.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts/console');

const WIDTHS = [
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
  { name: 'desktop', viewport: { width: 1280, height: 900 }, isMobile: false },
] as const;

describe('the admin console in a real browser', { skip: skipWithoutChromium }, () => {
  let ctx: TestContext;
  let browser: Browser;
  let origin: string;

  before(async () => {
    const port = await freePort();
    ctx = await createTestContext({ ENROLLD_PUBLIC_URL: `http://127.0.0.1:${port}` });
    await ctx.app.listen({ port, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await ctx?.close();
  });

  async function open(width: (typeof WIDTHS)[number]): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: width.viewport, isMobile: width.isMobile, locale: 'en-US', timezoneId: 'Europe/Madrid' });
    const page = await context.newPage();
    // A CSP refusal or a script error is a defect of the console, whatever the screen shows.
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // (4xx answers the console shows as errors are expected; the preview frames are sandboxed
      // without scripts, so axe-core's injection into them is refused, as it should be.)
      if (message.type() === 'error' && !/status of 40[0-9]|because the document's frame is sandboxed/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('dialog', (dialog) => void dialog.accept());
    return { context, page, problems };
  }

  /** axe-core on what is on screen, and a screenshot of it. */
  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    assert.deepEqual(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`), [], `${name}: accessibility`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow} px`);
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.goto(`${origin}/console`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).waitFor();
  }

  /**
   * The server's refusal of a field as a screen reader meets it: the control (found by its name)
   * is marked invalid and described by the refusal's text.
   */
  async function refusalOf(page: Page, scope: Page | Locator, label: string): Promise<string> {
    const control = scope.getByLabel(label, { exact: true });
    await control.and(page.locator('[aria-invalid="true"]')).waitFor();
    const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
    const texts = await Promise.all(ids.map((id) => page.locator(`.field-error[id="${id}"]`).allInnerTexts()));
    const refusal = texts.flat().join(' ');
    assert.ok(refusal, `${label}: a refusal describes the field`);
    return refusal;
  }

  const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  for (const width of WIDTHS) {
    it(`${width.name}: an admin signs in, creates tokens, finds, resends and revokes one, sees a redemption, brands with a live preview, adds a webhook, manages keys, signs out`, async () => {
      const org = await createOrganization(ctx.app);
      const { context, page, problems } = await open(width);
      const shot = (name: string) => check(page, `${width.name}-${name}`);
      try {
        await page.goto(`${origin}/console`);
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        await shot('sign-in');
        await signIn(page, org.adminToken);
        await page.getByRole('heading', { name: 'Overview' }).waitFor();
        await shot('overview');
        assert.equal(await context.storageState().then((state) => JSON.stringify(state.origins).includes(org.adminToken)), false, 'the key is never stored in the browser');
        const cookie = (await context.cookies()).find((one) => one.name === 'enrolld_session');
        assert.ok(cookie?.httpOnly && cookie.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict session cookie');

        // One Apple token.
        await nav(page, 'Tokens').click();
        await page.getByRole('heading', { name: 'Enrollment tokens' }).waitFor();
        assert.equal(await page.getByRole('tab', { name: 'Apple' }).getAttribute('aria-selected'), 'true');
        await page.getByText('No tokens here yet').waitFor();
        await shot('tokens-empty');
        await page.getByRole('link', { name: 'New tokens' }).click();
        const single = `single-${uniqueSuffix()}@example.com`;
        await page.getByLabel('Email addresses').fill(single);
        assert.equal(await page.getByLabel('Send invitation email').isChecked(), true);
        await shot('new-tokens');
        await page.getByRole('button', { name: 'Create' }).click();
        await page.getByText('1 tokens created, 0 addresses failed.').waitFor();
        await page.getByRole('link', { name: 'Open the new token' }).click();
        await page.getByRole('heading', { name: single }).waitFor();
        const code = await page.locator('dd code').first().innerText();
        assert.match(code, /^[A-Z0-9-]{6,}$/i);

        // A 200-row Android bulk from a CSV with bad rows: the failures are listed.
        await nav(page, 'Tokens').click();
        await page.getByRole('tab', { name: 'Android' }).click();
        await page.getByRole('link', { name: 'New tokens' }).click();
        const good = Array.from({ length: 196 }, (_, index) => `android-${index}-${uniqueSuffix()}@example.com`);
        const bad = ['not-an-address', 'two@@example.com', 'spaces in@example.com', good[0]!];
        const csv = ['email,name', ...[...good, ...bad].map((email, index) => `${email},Person ${index}`)].join('\n');
        await page.getByLabel('Or upload a CSV file').setInputFiles({ name: 'android.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
        await page.getByText('200 addresses read from the file').waitFor();
        await page.getByRole('button', { name: 'Create' }).click();
        await page.getByText('196 tokens created, 4 addresses failed.').waitFor();
        const failed = await page.getByRole('table', { name: 'Addresses that got no token' }).locator('tbody tr td:first-child').allInnerTexts();
        assert.deepEqual(failed.sort(), [...bad].sort());
        await shot('bulk-result');
        const androidCount = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/android/enterprise/enrollment-tokens`, { token: org.adminToken, query: { limit: 1 } });
        assert.equal(androidCount.body.data.totalDocs, 196);

        // Find one by search, open it, resend, revoke.
        await nav(page, 'Tokens').click();
        await page.getByRole('tab', { name: 'Android' }).click();
        await page.getByRole('searchbox', { name: 'Search' }).fill(good[42]!);
        await page.getByRole('link', { name: good[42]! }).waitFor();
        await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
        await shot('tokens-search');
        await page.getByRole('link', { name: good[42]! }).click();
        await page.getByRole('img', { name: 'QR code to scan during setup' }).waitFor();
        await page.getByRole('button', { name: 'Resend invitation' }).click();
        await page.getByText('The invitation is queued again.').waitFor();
        await shot('token');
        await page.getByRole('button', { name: 'Revoke' }).click();
        await page.getByText('The token is revoked').waitFor();
        await page.locator('.badge', { hasText: 'Revoked' }).waitFor();

        // A redemption made through the API while the token's page is open appears on it.
        await nav(page, 'Tokens').click();
        await page.getByRole('link', { name: single }).click();
        await page.getByText('Nobody has tried to redeem this token yet.').waitFor();
        await redeem(org, 'apple', code, 'C02XK0PQJGH5');
        await page.getByRole('cell', { name: 'REDEEMED' }).waitFor({ timeout: 15_000 });
        await page.getByText('C02XK0PQJGH5').first().waitFor();
        await page.locator('.badge', { hasText: 'Enrolled' }).waitFor();
        await shot('token-redeemed');

        // An API key: made, its secret shown once, revoked.
        await nav(page, 'API keys').click();
        const keyName = `ci-bot-${uniqueSuffix()}`;
        await page.getByLabel('Name').fill(keyName);
        await page.getByRole('button', { name: 'Create key' }).click();
        const secret = await page.getByTestId('new-key').innerText();
        assert.equal((await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token: secret })).statusCode, 200, 'the new key works');
        await shot('api-keys');
        await page.getByRole('button', { name: `Revoke ${keyName}` }).click();
        await page.getByRole('button', { name: `Revoke ${keyName}` }).waitFor({ state: 'detached' });
        assert.equal((await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token: secret })).statusCode, 401, 'the revoked key no longer works');

        for (const [screen, heading] of [['Users', 'Users'], ['Devices', 'Devices']] as const) {
          await nav(page, screen).click();
          await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
          await shot(screen.toLowerCase());
        }

        // Branding: the live preview follows the form before anything is saved, in any language.
        await nav(page, 'Settings').click();
        await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
        const pagePreview = page.frameLocator('iframe[title="Enrollment page preview"]');
        await pagePreview.locator('h1').waitFor();
        await page.getByLabel('Brand colour', { exact: true }).fill('#aa00ff');
        await page.getByLabel('Help-desk phone').fill('+34 910 000 000');
        await pagePreview.locator('body[style*="#aa00ff"]').waitFor();
        await pagePreview.getByText('+34 910 000 000').waitFor();
        await page.getByLabel('Preview language').selectOption('es');
        await pagePreview.locator('html[lang="es"]').waitFor();
        await page.frameLocator('iframe[title="Invitation email preview"]').locator('html[lang="es"]').waitFor();
        await shot('settings');
        let enterprise = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/apple/enterprise`, { token: org.adminToken });
        assert.notEqual(enterprise.body.data.configuration.primaryColor, '#aa00ff', 'the preview saved nothing');
        await page.getByLabel('Help-desk email').fill('help@localhost');
        await page.getByRole('button', { name: 'Save branding' }).click();
        assert.match(await refusalOf(page, page, 'Help-desk email'), /must be an email address/);
        await page.getByLabel('Help-desk email').fill('help@example.com');
        await page.getByRole('button', { name: 'Save branding' }).click();
        await page.getByText('Branding saved.').waitFor();
        enterprise = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/apple/enterprise`, { token: org.adminToken });
        assert.deepEqual(enterprise.body.data.configuration, { primaryColor: '#aa00ff', logo: null, contactEmail: 'help@example.com', contactPhone: '+34 910 000 000' });

        // Webhooks: a private address is refused next to its field; an endpoint, its secret once, a test event in its log.
        await nav(page, 'Webhooks').click();
        await page.getByLabel('Endpoint URL').fill('http://169.254.169.254/latest');
        await page.getByRole('button', { name: 'Add endpoint' }).click();
        assert.match(await refusalOf(page, page, 'Endpoint URL'), /169\.254\.169\.254|address/i);
        await page.getByLabel('Endpoint URL').fill('https://hooks.example.com/enrolld');
        await page.getByLabel('Description').fill('Helpdesk');
        await page.getByRole('button', { name: 'Add endpoint' }).click();
        assert.match(await page.getByTestId('webhook-secret').innerText(), /^whsec_/);
        await shot('webhooks');
        await page.getByRole('link', { name: 'Deliveries to https://hooks.example.com/enrolld' }).click();
        await page.getByText('Nothing has been sent to this endpoint yet.').waitFor();
        await page.getByRole('button', { name: 'Send a test event' }).click();
        await page.getByRole('cell', { name: /ping/ }).waitFor({ timeout: 15_000 });
        await page.getByRole('button', { name: 'Retry' }).click();
        await page.getByText('The delivery is queued again.').waitFor();
        await shot('webhook');

        // Sign out ends the session at once: the cookie no longer opens anything.
        const sessionCookie = (await context.cookies()).find((one) => one.name === 'enrolld_session')!;
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByLabel('API key').waitFor();
        const replay = await call(ctx.app, 'GET', '/v1/session', { headers: { cookie: `enrolld_session=${sessionCookie.value}` } });
        assert.equal(replay.statusCode, 401);
        await page.reload();
        await page.getByLabel('API key').waitFor();
        assert.deepEqual(problems, []);
      } catch (error) {
        await page.screenshot({ path: path.join(ARTIFACTS, `${width.name}-failure.png`), fullPage: true });
        throw error;
      } finally {
        await context.close();
      }
    });
  }

  it('a viewer key sees read-only screens, without codes', async () => {
    const org = await createOrganization(ctx.app);
    const viewer = await createKey(ctx.app, org.id, { role: 'viewer' });
    const user = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/users`, { token: org.adminToken, body: { email: `viewed-${uniqueSuffix()}@example.com` } });
    const made = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens`, { token: org.adminToken, body: { mdmUserId: user.body.data.id, sendEmail: false } });
    assert.equal(made.statusCode, 200);
    const { context, page, problems } = await open(WIDTHS[1]);
    try {
      await signIn(page, viewer);
      await page.getByText('Read-only').waitFor();
      await nav(page, 'Tokens').click();
      await page.getByRole('link', { name: user.body.data.email }).click();
      await page.getByRole('heading', { name: user.body.data.email }).waitFor();
      assert.equal(await page.getByText(made.body.data.enrollCode).count(), 0, 'no code');
      assert.ok((await page.getByText('Hidden: this key may not read enrollment codes.').count()) >= 1);
      assert.equal(await page.getByRole('button', { name: 'Revoke' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Resend invitation' }).count(), 0);
      await check(page, 'viewer-token');
      await nav(page, 'Tokens').click();
      await page.getByRole('heading', { name: 'Enrollment tokens' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'New tokens' }).count(), 0);
      assert.equal(await page.getByRole('checkbox').count(), 1, 'only the "show revoked" filter: nothing to select for revoking');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it("speaks the browser's language, and the root key picks the organization", async () => {
    const [first, second] = [await createOrganization(ctx.app), await createOrganization(ctx.app)];
    const email = `second-org-${uniqueSuffix()}@example.com`;
    const bulk = await call(ctx.app, 'POST', `/v1/organizations/${second.id}/mdm/apple/enterprise/enrollment-tokens/bulk`, { token: second.adminToken, body: { userEmails: [email], sendEmail: false } });
    assert.equal(bulk.body.data.success, 1);
    const context = await browser.newContext({ viewport: WIDTHS[1].viewport, locale: 'fr-FR', timezoneId: 'America/Montreal' });
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/console`);
      await page.getByRole('heading', { name: fr.signIn.title }).waitFor();
      await page.getByLabel(fr.signIn.key).fill(ROOT_KEY);
      await page.getByRole('button', { name: fr.signIn.submit }).click();
      await page.getByText(fr.shell.signedInAsRoot).waitFor();
      await page.getByLabel(fr.shell.organization).selectOption({ label: second.name });
      await page.getByRole('navigation', { name: fr.shell.navigation }).getByRole('link', { name: fr.shell.tokens, exact: true }).click();
      await page.getByRole('heading', { name: fr.tokens.title }).waitFor();
      await page.getByRole('link', { name: email }).waitFor();
      await check(page, 'root-organization-switch-fr');
      await page.getByLabel(fr.shell.organization).selectOption({ label: first.name });
      await page.getByText(fr.tokens.empty).waitFor();
      // Dates in the viewer's language and time zone: the token list of the second organization.
      await page.getByLabel(fr.shell.organization).selectOption({ label: second.name });
      const token = await call(ctx.app, 'GET', `/v1/organizations/${second.id}/mdm/apple/enterprise/enrollment-tokens/${bulk.body.data.tokens[0].id}`, { token: second.adminToken });
      const created = new Date(token.body.data.createdAt);
      const expected = new Intl.DateTimeFormat('fr', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/Montreal' }).format(created);
      await page.getByRole('cell', { name: expected }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('a 10,000-address bulk runs while the admin goes on working, with its progress on every screen', async () => {
    const org = await createOrganization(ctx.app);
    const { context, page, problems } = await open(WIDTHS[1]);
    try {
      await signIn(page, org.adminToken);
      await nav(page, 'Tokens').click();
      await page.getByRole('link', { name: 'New tokens' }).click();
      const csv = ['email', ...Array.from({ length: 10_000 }, (_, index) => `many-${index}@example.com`)].join('\n');
      await page.getByLabel('Or upload a CSV file').setInputFiles({ name: 'many.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByText('10000 addresses read from the file').waitFor();
      await page.getByLabel('Send invitation email').uncheck();
      await page.getByRole('button', { name: 'Create' }).click();
      // Elsewhere in the console while it runs: the header says how far it is.
      const header = page.locator('header.top');
      await header.getByRole('status').filter({ hasText: /Creating tokens: \d+ of 10000 addresses/ }).waitFor();
      await nav(page, 'Users').click();
      await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      await header.getByRole('status').waitFor({ state: 'detached', timeout: 90_000 });
      await nav(page, 'Tokens').click();
      await page.getByRole('link', { name: 'New tokens' }).click();
      await page.getByText('10000 tokens created, 0 addresses failed.').waitFor();
      const count = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens`, { token: org.adminToken, query: { limit: 1 } });
      assert.equal(count.body.data.totalDocs, 10_000);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it("settings: the MDM server's settings, the signing certificate, step-ca, NanoMDM and Google's API", async () => {
    const org = await createOrganization(ctx.app);
    const { context, page, problems } = await open(WIDTHS[1]);
    const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-console-cert-'));
    try {
      await signIn(page, org.adminToken);
      await nav(page, 'Settings').click();
      await page.getByText('Devices cannot finish enrolling yet').waitFor();

      // The MDM server's settings: once they name a real server, the warning gives way.
      const settings = page.getByRole('form', { name: 'MDM settings' });
      await settings.getByLabel('topic', { exact: true }).fill('not-a-topic');
      await settings.getByRole('button', { name: 'Save MDM settings' }).click();
      assert.match(await refusalOf(page, settings, 'topic'), /com\.apple\.mgmt/);
      await settings.getByLabel('serverUrl', { exact: true }).fill('https://mdm.example.com/mdm');
      await settings.getByLabel('topic', { exact: true }).fill('com.apple.mgmt.External.2f3c6a1e-8d4b-4a57-9c0e-5b1d7f3a9e21');
      await settings.getByLabel('scepUrl', { exact: true }).fill('https://ca.example.com/scep/enrolld');
      await settings.getByRole('button', { name: 'Save MDM settings' }).click();
      await page.getByText('Devices can enroll: the MDM settings are complete.').waitFor();

      // The signing certificate: enrolld's own until one is uploaded (made here with openssl).
      const signing = page.getByRole('region', { name: 'Profile signing certificate' });
      await signing.getByText('Generated by enrolld (self-signed)').waitFor();
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=Acme Profile Signing', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
      await signing.getByLabel('Certificate chain (PEM)').fill(readFileSync(path.join(dir, 'cert.pem'), 'utf8'));
      await signing.getByLabel('Private key (PEM, unencrypted)').fill(readFileSync(path.join(dir, 'key.pem'), 'utf8'));
      await signing.getByRole('button', { name: 'Use this certificate' }).click();
      await signing.getByText('Your own').waitFor();
      await signing.getByText(/Acme Profile Signing/).waitFor();

      // step-ca's webhook and NanoMDM's: registered, their URLs shown to copy, the secrets never.
      const stepCa = page.getByRole('region', { name: 'step-ca: one-time SCEP challenges' });
      await stepCa.getByLabel('Webhook ID', { exact: true }).fill('0f8e3b2a-6c1d-4e5f-9a7b-2c3d4e5f6a7b');
      const secret = randomBytes(64).toString('base64');
      await stepCa.getByLabel('Secret', { exact: true }).fill(secret);
      await stepCa.getByRole('button', { name: 'Register' }).click();
      await stepCa.getByText(`${origin}/hooks/step-ca/scep-challenge`).waitFor();
      const nanomdm = page.getByRole('region', { name: 'NanoMDM: check-ins' });
      await nanomdm.getByText('Not connected.').waitFor();
      await nanomdm.getByRole('button', { name: 'Register' }).click();
      await nanomdm.getByText(new RegExp(`^${origin}/hooks/nanomdm/`)).waitFor();
      assert.equal(await page.getByText(secret).count(), 0);
      await check(page, 'settings-apple');

      // Android: connected to Google's API with a service account key file.
      await page.getByRole('tab', { name: 'Android' }).click();
      const amapi = page.getByRole('region', { name: "Google's Android Management API" });
      await amapi.getByText('Local: enrolld makes Android tokens itself').waitFor();
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
      const keyFile = { type: 'service_account', project_id: 'acme-mdm', client_email: 'enrolld@acme-mdm.iam.gserviceaccount.com', private_key: privateKey };
      await amapi.getByLabel('Android Enterprise (enterprises/…)').fill('enterprises/LC01abcdef');
      await amapi.getByLabel('Service account key (JSON file)').setInputFiles({ name: 'key.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(keyFile)) });
      await amapi.getByLabel('Pub/Sub push audience').fill('https://enrolld.example.com/hooks/android');
      await amapi.getByLabel('Pub/Sub push service account').fill('pubsub-push@acme-mdm.iam.gserviceaccount.com');
      await amapi.getByRole('button', { name: 'Connect' }).click();
      await amapi.getByText('Google makes Android tokens').waitFor();
      await amapi.getByText('enrolld@acme-mdm.iam.gserviceaccount.com').waitFor();
      await check(page, 'settings-android');
      const connection = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/android/enterprise/integrations/amapi`, { token: org.adminToken });
      assert.equal(connection.body.data.mode, 'amapi');
      assert.deepEqual(problems, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await context.close();
    }
  });

  it("narrows tokens to a user (from the Users screen) and to a policy, resends and revokes a selection, and makes a key with listed permissions", async () => {
    const org = await createOrganization(ctx.app);
    const policy = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/apple/enterprise/policies`, { token: org.adminToken, body: { name: 'Kiosk iPads' } });
    assert.equal(policy.statusCode, 200, JSON.stringify(policy.body));
    const [ada, alan] = [`ada-${uniqueSuffix()}@example.com`, `alan-${uniqueSuffix()}@example.com`];
    const bulk = (userEmails: string[], extra: Record<string, unknown> = {}) =>
      call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens/bulk`, { token: org.adminToken, body: { userEmails, sendEmail: false, ...extra } });
    assert.equal((await bulk([ada])).body.data.success, 1);
    assert.equal((await bulk([alan], { policyId: policy.body.data.id })).body.data.success, 1);
    const { context, page, problems } = await open(WIDTHS[1]);
    const rows = () => page.locator('tbody tr td:nth-child(2)').allInnerTexts();
    try {
      await signIn(page, org.adminToken);
      await nav(page, 'Users').click();
      await page.getByRole('link', { name: `Apple tokens of ${ada}` }).click();
      await page.getByRole('heading', { name: 'Enrollment tokens' }).waitFor();
      await page.getByText(`User: ${ada}`).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
      assert.deepEqual(await rows(), [ada]);
      await check(page, 'tokens-of-user');
      await page.getByRole('button', { name: 'Show every user’s tokens' }).click();
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 2);
      await page.getByLabel('Policy').selectOption({ label: 'Kiosk iPads' });
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
      assert.deepEqual(await rows(), [alan]);

      // Many at once: select the page, resend, then revoke.
      await page.getByLabel('Policy').selectOption({ label: 'All' });
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 2);
      await page.getByRole('checkbox', { name: 'Select every token on this page' }).check();
      await page.getByText('2 selected', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Resend selected' }).click();
      await page.getByText('2 done, 0 failed').waitFor();
      await page.getByRole('checkbox', { name: `Select ${ada}` }).check();
      await page.getByRole('checkbox', { name: `Select ${alan}` }).check();
      await page.getByRole('button', { name: 'Revoke selected' }).click();
      await page.getByText('No tokens here yet').waitFor();
      const revoked = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens`, { token: org.adminToken, query: { state: 'DELETED', 'show-deleted': true } });
      assert.equal(revoked.body.data.totalDocs, 2);

      await nav(page, 'API keys').click();
      await page.getByLabel('Name').fill('apple-lister');
      await page.getByLabel('Role').selectOption('custom');
      await page.getByLabel('Permissions', { exact: true }).fill('mdm.apple.enrollmentToken.list\nmdm.apple.enrollmentToken.get');
      await page.getByRole('button', { name: 'Create key' }).click();
      const key = await page.getByTestId('new-key').innerText();
      assert.equal((await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens`, { token: key })).statusCode, 200);
      assert.equal((await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token: key })).statusCode, 403);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('users: added, edited, deleted (refused while they have pending tokens), and a device links to its token', async () => {
    const org = await createOrganization(ctx.app);
    const pending = `pending-${uniqueSuffix()}@example.com`;
    const made = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens/bulk`, { token: org.adminToken, body: { userEmails: [pending], sendEmail: false } });
    const token = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens/${made.body.data.tokens[0].id}`, { token: org.adminToken });
    const { context, page, problems } = await open(WIDTHS[1]);
    try {
      await signIn(page, org.adminToken);
      await nav(page, 'Users').click();
      const added = `grace-${uniqueSuffix()}@example.com`;
      await page.getByLabel('Email', { exact: true }).fill(added);
      await page.getByLabel('Name', { exact: true }).fill('Grace');
      await page.getByRole('button', { name: 'Add user' }).click();
      await page.getByRole('cell', { name: added, exact: true }).waitFor();
      await page.getByRole('button', { name: `Edit ${added}` }).click();
      await page.getByRole('textbox', { name: 'Name', exact: true }).nth(1).fill('Grace Hopper');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('cell', { name: 'Grace Hopper', exact: true }).waitFor();
      await check(page, 'users-edited');
      await page.getByRole('button', { name: `Delete ${pending}` }).click();
      await page.getByRole('alert').filter({ hasText: /pending/i }).waitFor();
      await page.getByRole('button', { name: `Delete ${added}` }).click();
      await page.getByRole('cell', { name: added, exact: true }).waitFor({ state: 'detached' });

      // A device redeemed through the API links back to its token.
      const redeemed = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens/redeem`, { token: org.adminToken, body: { code: token.body.data.enrollCode, device: { serialNumber: 'F2LXK0PQJGH5', name: "Grace's iPad" } } });
      assert.equal(redeemed.statusCode, 200);
      await nav(page, 'Devices').click();
      await page.getByRole('link', { name: "Grace's iPad" }).click();
      await page.getByRole('heading', { name: pending }).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('keyboard only: sign in, open Tokens, create a token', async () => {
    const org = await createOrganization(ctx.app);
    const { context, page, problems } = await open(WIDTHS[1]);
    /** Tab until the focused element matches, at most `limit` presses. */
    async function tabTo(description: string, matches: () => boolean, limit = 40) {
      for (let presses = 0; presses < limit; presses++) {
        if (await page.evaluate(matches)) return;
        await page.keyboard.press('Tab');
      }
      assert.fail(`Tab never reached ${description}`);
    }
    try {
      await page.goto(`${origin}/console`);
      await tabTo('the key field', () => document.activeElement?.id === 'api-key');
      await page.keyboard.type(org.adminToken);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await tabTo('Tokens', () => document.activeElement?.textContent === 'Tokens');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Enrollment tokens' }).waitFor();
      await tabTo('New tokens', () => document.activeElement?.textContent === 'New tokens');
      await page.keyboard.press('Enter');
      await tabTo('the addresses', () => document.activeElement?.tagName === 'TEXTAREA');
      await page.keyboard.type(`keys-${uniqueSuffix()}@example.com`);
      await tabTo('Send invitation email', () => (document.activeElement as HTMLInputElement | null)?.type === 'checkbox');
      await page.keyboard.press('Space');
      assert.equal(await page.getByLabel('Send invitation email').isChecked(), false);
      await tabTo('Create', () => document.activeElement?.textContent === 'Create', 60);
      const focusVisible = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      assert.notEqual(focusVisible, 'none', 'the focused control shows it');
      await page.keyboard.press('Enter');
      await page.getByText('1 tokens created, 0 addresses failed.').waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  async function redeem(org: TestOrganization, platform: string, code: string, serialNumber: string): Promise<void> {
    const redeemed = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/${platform}/enterprise/enrollment-tokens/redeem`, {
      token: org.adminToken,
      body: { code, device: { serialNumber, model: 'MacBookPro18,3' } },
    });
    assert.equal(redeemed.statusCode, 200, JSON.stringify(redeemed.body));
  }
});
