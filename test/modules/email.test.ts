/** Invitations over real SMTP: delivery, languages, escaping, inline QR, retries, failures, resend. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { EmailWorkerOptions } from '../../src/modules/email/email-worker.ts';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createTestWorker } from '../helpers/email-worker.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';
import { addressesOf, type SinkOptions, startSmtpSink } from '../helpers/smtp.ts';
import { countTokens, createToken, minimalBody, PLATFORMS, tokensUrl, type TestPlatform } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext({ ENROLLD_PUBLIC_URL: 'https://mdm.example.com', MAIL_FROM: 'Acme IT <it@acme.example>' });
});
after(async () => ctx.close());

/** A worker of this test's database delivering to a fresh SMTP sink. */
async function deliveryRig(sinkOptions: SinkOptions = {}, workerOptions: Partial<EmailWorkerOptions> = {}) {
  const sink = await startSmtpSink(sinkOptions);
  const { worker, transport, warnings } = createTestWorker(ctx, sink.url, workerOptions);
  return {
    sink,
    worker,
    warnings,
    async close() {
      transport.close();
      await sink.close();
    },
  };
}

const getToken = async (org: TestOrganization, platform: TestPlatform, id: string) =>
  (await call(ctx.app, 'GET', `${tokensUrl(org, platform)}/${id}`, { token: org.adminToken })).body.data;

describe('email invitations', () => {
  it('delivers a bulk to the right recipients, once each, with stable Message-IDs, and shows it on the tokens', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig();
    const emails = ['ana@example.com', 'ben@example.com', 'cleo@example.com'];
    const bulk = await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/bulk`, { token: org.adminToken, body: { sendEmail: true, userEmails: emails } });
    assert.equal(bulk.body.data.success, 3);
    const listed = await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken });
    assert.ok(listed.body.data.items.every((t: any) => t.emailDelivery.status === 'QUEUED'));

    assert.equal(await rig.worker.drain(), 3);
    assert.deepEqual(rig.sink.received.map((m) => m.envelopeTo[0]).sort(), emails);
    for (const mail of rig.sink.received) {
      assert.deepEqual(addressesOf(mail.parsed.to), mail.envelopeTo);
      assert.match(mail.parsed.messageId ?? '', /^<[0-9a-f]{24}\.[0-9a-f]{24}@acme\.example>$/);
      assert.equal(addressesOf(mail.parsed.from)[0], 'it@acme.example');
    }
    const after = await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken });
    for (const token of after.body.data.items) {
      assert.equal(token.emailDelivery.status, 'SENT');
      assert.equal(token.emailDelivery.attempts, 1);
      assert.match(token.emailDelivery.sentAt, /Z$/);
      assert.equal(token.emailDelivery.lastError, null);
      const mail = rig.sink.received.find((m) => m.envelopeTo[0] === token.mdmUser.email)!;
      assert.ok(mail.parsed.text!.includes(token.enrollmentLink), 'the text part carries the link');
      assert.ok(mail.parsed.text!.includes(token.enrollCode), 'and the code');
      const html = (mail.parsed.html as string).replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=');
      assert.ok(html.includes(`href="${token.enrollmentLink}"`), 'the button links to the enrollment page');
    }
    assert.equal(await rig.worker.drain(), 0, 'nothing is sent twice');
    await rig.close();
  });

  it('sends nothing for tokens created with sendEmail false', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig();
    await call(ctx.app, 'POST', `${tokensUrl(org, 'windows')}/bulk`, { token: org.adminToken, body: { sendEmail: false, userEmails: ['quiet@example.com'] } });
    assert.equal(await rig.worker.drain(), 0);
    await rig.close();
  });

  const phrases: Record<string, { button: string; device: Record<TestPlatform, string> }> = {
    en: { button: 'Start enrollment', device: { apple: 'iPhone, iPad or Mac', windows: 'Windows PC', android: 'Android device' } },
    es: { button: 'Iniciar la inscripción', device: { apple: 'iPhone, iPad o Mac', windows: 'PC con Windows', android: 'dispositivo Android' } },
    fr: { button: 'Commencer l’inscription', device: { apple: 'iPhone, iPad ou Mac', windows: 'PC Windows', android: 'appareil Android' } },
    de: { button: 'Registrierung starten', device: { apple: 'iPhone, iPad oder Mac', windows: 'Windows-PC', android: 'Android-Gerät' } },
    it: { button: 'Avvia la registrazione', device: { apple: 'iPhone, iPad o Mac', windows: 'PC Windows', android: 'dispositivo Android' } },
    pt: { button: 'Iniciar o registo', device: { apple: 'iPhone, iPad ou Mac', windows: 'PC com Windows', android: 'dispositivo Android' } },
  };

  it('writes each platform × language invitation in that language, with a localized expiry date', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig();
    for (const language of Object.keys(phrases)) {
      for (const platform of PLATFORMS) {
        await call(ctx.app, 'POST', `${tokensUrl(org, platform)}/bulk`, {
          token: org.adminToken,
          body: { ...minimalBody(platform), sendEmail: true, language, userEmails: [`${language}.${platform}@example.com`] },
        });
      }
    }
    await rig.worker.drain();
    assert.equal(rig.sink.received.length, 18);
    for (const mail of rig.sink.received) {
      const [language, platform] = mail.envelopeTo[0]!.split('@')[0]!.split('.') as [string, TestPlatform];
      const expected = phrases[language]!;
      assert.ok(mail.parsed.subject!.includes(expected.device[platform]), `${language}/${platform}: ${mail.parsed.subject}`);
      assert.ok(mail.parsed.subject!.includes(org.name));
      assert.ok(mail.parsed.text!.includes(expected.button), `${language}/${platform} text`);
      assert.ok((mail.parsed.html as string).includes(`lang="${language}"`));
      assert.equal(mail.parsed.headers.get('content-language'), language);
      const month = new Intl.DateTimeFormat(language, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.now() + 86_400_000));
      assert.ok(mail.parsed.text!.toLowerCase().includes(month.toLowerCase()), `${language}: expiry month "${month}" in the text`);
    }
    await rig.close();
  });

  it('escapes what admins and users typed, and keeps headers single-line', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig();
    const user = await createMdmUser(ctx.app, org, { email: 'xss@example.com', name: '<script>alert("name")</script>\r\nBcc: victim@example.com' });
    await createToken(ctx.app, org, 'apple', user.id, {
      sendEmail: true,
      displayName: '<img src=x onerror=alert(1)>',
      emailText: '<script>alert("note")</script> & "quotes"',
    });
    await rig.worker.drain();
    assert.equal(rig.sink.received.length, 1);
    const mail = rig.sink.received[0]!;
    const html = mail.parsed.html as string;
    assert.ok(!html.includes('<script>'), 'no raw script tag');
    assert.ok(!html.includes('<img src=x'), 'no injected image');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;note&quot;)&lt;&#x2F;script&gt; &amp; &quot;quotes&quot;'));
    assert.ok(html.includes('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;'));
    assert.ok(html.includes('&lt;script&gt;alert(&quot;name&quot;)'));
    assert.ok(mail.parsed.text!.includes('<script>alert("note")</script>'), 'plain text carries the note as written');
    assert.deepEqual(mail.envelopeTo, ['xss@example.com']);
    assert.deepEqual(addressesOf(mail.parsed.bcc), []);
    assert.doesNotMatch(mail.raw.split(/\r?\n\r?\n/)[0]!, /^Bcc:/im, 'no injected header');
    await rig.close();
  });

  it('embeds the Android provisioning QR code as an inline PNG that decodes to config.qrCode', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig();
    const user = await createMdmUser(ctx.app, org, { email: 'droid@example.com' });
    const token = await createToken(ctx.app, org, 'android', user.id, { sendEmail: true });
    await rig.worker.drain();
    const mail = rig.sink.received[0]!;
    const image = mail.parsed.attachments.find((a) => a.contentType === 'image/png');
    assert.ok(image, 'a PNG part');
    assert.ok(image.cid, 'with a Content-ID');
    assert.ok((mail.parsed.html as string).includes(`cid:${image.cid}`) || (mail.parsed.html as string).includes('data:image/png'), 'referenced from the HTML');
    const png = PNG.sync.read(image.content);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(decoded, 'the QR code decodes');
    assert.deepEqual(JSON.parse(decoded.data), token.config.qrCode);
    await rig.close();
  });

  it('retries a temporary failure (451) and then delivers', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig({ rejectRecipient: (_address, attempt) => (attempt === 1 ? { code: 451, message: 'Greylisted, try again' } : null) });
    const user = await createMdmUser(ctx.app, org, { email: 'grey@example.com' });
    const token = await createToken(ctx.app, org, 'windows', user.id, { sendEmail: true });
    await rig.worker.drain();
    const retried = await getToken(org, 'windows', token.id);
    if (retried.emailDelivery.status !== 'SENT') {
      assert.deepEqual([retried.emailDelivery.status, retried.emailDelivery.attempts], ['QUEUED', 1]);
      assert.match(retried.emailDelivery.lastError, /451/);
      await new Promise((r) => setTimeout(r, 20));
      await rig.worker.drain();
    }
    const delivered = await getToken(org, 'windows', token.id);
    assert.deepEqual([delivered.emailDelivery.status, delivered.emailDelivery.attempts, delivered.emailDelivery.lastError], ['SENT', 2, null]);
    assert.equal(rig.sink.received.length, 1);
    assert.equal(rig.sink.rcptCount.get('grey@example.com'), 2);
    await rig.close();
  });

  it('marks a permanent failure (550) FAILED at once, visible on the token', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig({ rejectRecipient: (address) => (address === 'nobody@example.com' ? { code: 550, message: 'No such user' } : null) });
    const user = await createMdmUser(ctx.app, org, { email: 'nobody@example.com' });
    const token = await createToken(ctx.app, org, 'apple', user.id, { sendEmail: true });
    await rig.worker.drain();
    await rig.worker.drain();
    const failed = await getToken(org, 'apple', token.id);
    assert.equal(failed.emailDelivery.status, 'FAILED');
    assert.equal(failed.emailDelivery.attempts, 1);
    assert.match(failed.emailDelivery.lastError, /550/);
    assert.equal(rig.sink.rcptCount.get('nobody@example.com'), 1, 'not retried');
    await rig.close();
  });

  it('gives up after the configured number of temporary failures', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig({ rejectRecipient: () => ({ code: 421, message: 'Service not available' }) });
    const user = await createMdmUser(ctx.app, org, { email: 'down@example.com' });
    const token = await createToken(ctx.app, org, 'apple', user.id, { sendEmail: true });
    for (let i = 0; i < 5; i++) {
      await rig.worker.drain();
      await new Promise((r) => setTimeout(r, 10));
    }
    const failed = await getToken(org, 'apple', token.id);
    assert.deepEqual([failed.emailDelivery.status, failed.emailDelivery.attempts], ['FAILED', 3]);
    await rig.close();
  });

  it('does not send invitations of tokens revoked before delivery', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig();
    const user = await createMdmUser(ctx.app, org, { email: 'revoked@example.com' });
    const token = await createToken(ctx.app, org, 'apple', user.id, { sendEmail: true });
    await call(ctx.app, 'DELETE', `${tokensUrl(org, 'apple')}/${token.id}`, { token: org.adminToken });
    await rig.worker.drain();
    assert.equal(rig.sink.received.length, 0);
    const revoked = await getToken(org, 'apple', token.id);
    assert.equal(revoked.emailDelivery.status, 'FAILED');
    assert.match(revoked.emailDelivery.lastError, /not sent: the token is DELETED/);
    await rig.close();
  });

  it('resends with another note and language, as a new message', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig();
    const user = await createMdmUser(ctx.app, org, { email: 'again@example.com', name: 'Amélie' });
    const token = await createToken(ctx.app, org, 'apple', user.id, { sendEmail: true, language: 'en' });
    await rig.worker.drain();
    const resent = await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/${token.id}/resend`, {
      token: org.adminToken,
      body: { language: 'fr', emailText: 'Deuxième essai' },
    });
    assert.equal(resent.statusCode, 200, JSON.stringify(resent.body));
    assert.deepEqual([resent.body.data.emailDelivery.status, resent.body.data.emailDelivery.attempts], ['QUEUED', 0]);
    await rig.worker.drain();
    assert.equal(rig.sink.received.length, 2);
    const [first, second] = rig.sink.received;
    assert.notEqual(first!.parsed.messageId, second!.parsed.messageId);
    assert.match(second!.parsed.subject!, /^Inscrivez votre iPhone, iPad ou Mac/);
    assert.ok(second!.parsed.text!.includes('Deuxième essai'));
    assert.ok(second!.parsed.text!.startsWith('Bonjour Amélie,'));
    assert.equal((await getToken(org, 'apple', token.id)).emailDelivery.status, 'SENT');

    const bare = await ctx.app.inject({ method: 'POST', url: `${tokensUrl(org, 'apple')}/${token.id}/resend`, headers: { authorization: `Bearer ${org.adminToken}` } });
    assert.equal(bare.statusCode, 200, 'the body may be left out');
    const bad = await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/${token.id}/resend`, { token: org.adminToken, body: { language: 'nl' } });
    assert.equal(bad.statusCode, 400);
    await rig.close();
  });

  it('refuses to resend tokens that are not PENDING (400/5120)', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const revoked = await createToken(ctx.app, org, 'android', user.id, { sendEmail: true });
    await call(ctx.app, 'DELETE', `${tokensUrl(org, 'android')}/${revoked.id}`, { token: org.adminToken });
    const expired = await createToken(ctx.app, org, 'android', user.id);
    await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expired.id).execute();
    for (const id of [revoked.id, expired.id]) {
      const response = await call(ctx.app, 'POST', `${tokensUrl(org, 'android')}/${id}/resend`, { token: org.adminToken, body: {} });
      assert.equal(response.statusCode, 400);
      assert.equal(response.body.error.code, 5120);
    }
    const missing = await call(ctx.app, 'POST', `${tokensUrl(org, 'android')}/0123456789abcdef01234567/resend`, { token: org.adminToken, body: {} });
    assert.equal(missing.body.error.code, 3001);
  });

  it('releases what it claimed but did not start when stopped, for the next worker to take at once', async () => {
    const org = await createOrganization(ctx.app);
    const slow = await deliveryRig({ delayMs: 150 });
    const emails = Array.from({ length: 12 }, (_, i) => `stop${i}@example.com`);
    await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/bulk`, { token: org.adminToken, body: { sendEmail: true, userEmails: emails } });
    slow.worker.start();
    await slow.sink.waitFor(1);
    await slow.worker.stop();
    const sentBeforeStop = slow.sink.received.length;
    assert.ok(sentBeforeStop < 12, 'stopped mid-drain');
    const leased = await ctx.database.db.selectFrom('emailOutbox').select('id').where('leaseOwner', 'is not', null).execute();
    assert.deepEqual(leased, [], 'no claim is left behind');
    await slow.close();

    const next = await deliveryRig();
    await next.worker.drain();
    const delivered = new Set([...slow.sink.received, ...next.sink.received].map((m) => m.envelopeTo[0]).filter((to) => /^stop\d+@/.test(to!)));
    assert.deepEqual([...delivered].sort(), [...emails].sort());
    await next.close();
  });

  for (const platform of PLATFORMS) {
    securitySuite(() => ctx.app, {
      method: 'POST',
      url: async (org) => `${tokensUrl(org, platform)}/${(await createToken(ctx.app, org, platform, (await createMdmUser(ctx.app, org)).id)).id}/resend`,
      permission: `mdm.${platform}.enrollmentToken.update`,
      body: () => ({}),
    });
  }
});

describe('sending limits', () => {
  const DEFERRED = /^organization sending limit \(3\/hour\) reached; sending resumes at (\d{4}-\d\d-\d\dT[\d:.]+Z)$/;
  const listTokens = async (org: TestOrganization) =>
    (await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { limit: 100 } })).body.data.items;

  before(async () => {
    // Invitations earlier tests left queued (resends of the security suite) go out first, so the
    // counts below are this block's own.
    const rig = await deliveryRig();
    await rig.worker.drain();
    await rig.close();
  });

  it('holds an organization to its hourly budget: the rest wait, saying why, and go when the window moves', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig({}, { orgRateLimit: 3 });
    const emails = Array.from({ length: 5 }, (_, i) => `budget${i}@example.com`);
    await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/bulk`, { token: org.adminToken, body: { sendEmail: true, userEmails: emails } });

    assert.equal(await rig.worker.drain(), 3);
    assert.equal(rig.sink.received.length, 3, 'three delivered');
    const tokens = await listTokens(org);
    assert.equal(tokens.filter((t: any) => t.emailDelivery.status === 'SENT').length, 3);
    const waiting = tokens.filter((t: any) => t.emailDelivery.status !== 'SENT');
    assert.equal(waiting.length, 2);
    for (const token of waiting) {
      assert.deepEqual([token.emailDelivery.status, token.emailDelivery.attempts, token.emailDelivery.lastError], ['QUEUED', 0, null], 'waiting is no attempt');
      const resumesAt = Date.parse(DEFERRED.exec(token.emailDelivery.deferredReason)![1]!);
      assert.ok(Math.abs(resumesAt - (Date.now() + 3_600_000)) < 60_000, 'a slot frees an hour after the first sends');
    }
    assert.ok(tokens.filter((t: any) => t.emailDelivery.status === 'SENT').every((t: any) => t.emailDelivery.deferredReason === null));
    const outbox = await ctx.database.db.selectFrom('emailOutbox').select(['status', 'attempts']).where('organizationId', '=', org.id).execute();
    assert.deepEqual(outbox.map((r) => r.status).sort(), ['PENDING', 'PENDING', 'SENT', 'SENT', 'SENT'], 'nothing dropped');
    assert.equal(await rig.worker.drain(), 0, 'nothing more goes out within the hour');
    assert.equal(rig.sink.received.length, 3);

    // Another organization has its own budget.
    const other = await createOrganization(ctx.app);
    await call(ctx.app, 'POST', `${tokensUrl(other, 'apple')}/bulk`, { token: other.adminToken, body: { sendEmail: true, userEmails: ['elsewhere@example.com'] } });
    assert.equal(await rig.worker.drain(), 1);

    // An hour later (the window moved back), the two waiting invitations go out.
    const hourAgo = new Date(Date.now() - 3_600_001).toISOString();
    await ctx.database.db.updateTable('emailOutbox').set({ budgetedAt: hourAgo }).where('organizationId', '=', org.id).where('budgetedAt', 'is not', null).execute();
    await ctx.database.db.updateTable('emailOutbox').set({ nextAttemptAt: hourAgo }).where('organizationId', '=', org.id).where('status', '=', 'PENDING').execute();
    assert.equal(await rig.worker.drain(), 2);
    const delivered = rig.sink.received.map((m) => m.envelopeTo[0]).filter((to) => to!.startsWith('budget'));
    assert.deepEqual(delivered.sort(), emails, 'each address exactly once');
    for (const token of await listTokens(org)) {
      assert.deepEqual([token.emailDelivery.status, token.emailDelivery.attempts, token.emailDelivery.deferredReason], ['SENT', 1, null]);
    }
    await rig.close();
  });

  it('holds the budget across workers sending at the same time', async () => {
    const org = await createOrganization(ctx.app);
    // More invitations than one worker claims at once, so each worker decides on its own batch.
    const emails = Array.from({ length: 150 }, (_, i) => `shared${i}@example.com`);
    await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/bulk`, { token: org.adminToken, body: { sendEmail: true, userEmails: emails } });
    const rigs = await Promise.all([1, 2, 3].map(() => deliveryRig({}, { orgRateLimit: 40 })));
    try {
      await Promise.all(rigs.map((rig) => rig.worker.drain()));
      assert.equal(rigs.reduce((sum, rig) => sum + rig.sink.received.length, 0), 40, 'forty in all, whichever workers sent them');
      const waiting = await ctx.database.db.selectFrom('emailOutbox').select('id').where('organizationId', '=', org.id).where('status', '=', 'PENDING').execute();
      assert.equal(waiting.length, 110);
    } finally {
      // Leave nothing due for the tests after this one.
      await ctx.database.db.updateTable('emailOutbox').set({ status: 'FAILED' }).where('organizationId', '=', org.id).where('status', '=', 'PENDING').execute();
      await Promise.all(rigs.map((rig) => rig.close()));
    }
  });

  it("invites only addresses in the organization's emailDomains: single 400/3000, bulk failures, resend 400/3000", async () => {
    const org = await createOrganization(ctx.app);
    const restricted = await call(ctx.app, 'PUT', `/v1/organizations/${org.id}`, { token: ROOT_KEY, body: { emailDomains: ['example.com', '*.corp.example.net'] } });
    assert.equal(restricted.statusCode, 200, JSON.stringify(restricted.body));
    const rig = await deliveryRig();
    const outsider = await createMdmUser(ctx.app, org, { email: 'mallory@elsewhere.test' });

    const single = await call(ctx.app, 'POST', tokensUrl(org, 'apple'), { token: org.adminToken, body: { ...minimalBody('apple'), mdmUserId: outsider.id, sendEmail: true } });
    assert.equal(single.statusCode, 400, JSON.stringify(single.body));
    assert.equal(single.body.error.code, 3000);
    assert.equal(single.body.error.data.errors[0].path, '/body/mdmUserId');
    assert.match(single.body.error.message, /"mallory@elsewhere\.test" is outside the organization's emailDomains \(example\.com, \*\.corp\.example\.net\)/);
    assert.equal(await countTokens(ctx.app, org, 'apple'), 0, 'nothing written');

    // No invitation, no relay: a token without email may go to anyone.
    const quiet = await createToken(ctx.app, org, 'apple', outsider.id, { sendEmail: false });
    const resend = await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/${quiet.id}/resend`, { token: org.adminToken, body: {} });
    assert.equal(resend.statusCode, 400, JSON.stringify(resend.body));
    assert.deepEqual([resend.body.error.code, resend.body.error.data.errors[0].path], [3000, '/params/tokenId']);
    assert.equal((await getToken(org, 'apple', quiet.id)).emailDelivery.status, 'NONE');

    const bulk = await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/bulk`, {
      token: org.adminToken,
      body: { sendEmail: true, userEmails: ['ok@example.com', 'Deep@Sub.Corp.Example.NET', 'x@corp.example.net', 'x@notexample.com', 'x@example.com.evil.test'] },
    });
    assert.deepEqual([bulk.body.data.total, bulk.body.data.success, bulk.body.data.fail], [5, 2, 3]);
    assert.deepEqual(bulk.body.data.failures.map((f: any) => f.email), ['x@corp.example.net', 'x@notexample.com', 'x@example.com.evil.test']);
    for (const failure of bulk.body.data.failures) {
      assert.equal(failure.code, 3000);
      assert.match(failure.message, /^Email domain not allowed: ".+" is outside the organization's emailDomains \(example\.com, \*\.corp\.example\.net\)/);
    }
    const silent = await call(ctx.app, 'POST', `${tokensUrl(org, 'windows')}/bulk`, { token: org.adminToken, body: { sendEmail: false, userEmails: ['x@notexample.com'] } });
    assert.equal(silent.body.data.success, 1, 'without invitations any address gets a token');

    await rig.worker.drain();
    assert.deepEqual(rig.sink.received.map((m) => m.envelopeTo[0]!.toLowerCase()).sort(), ['deep@sub.corp.example.net', 'ok@example.com']);
    await rig.close();
  });

  it('does not send an invitation queued before its address fell outside the allow-list', async () => {
    const org = await createOrganization(ctx.app);
    const rig = await deliveryRig();
    const user = await createMdmUser(ctx.app, org, { email: 'early@example.com' });
    const token = await createToken(ctx.app, org, 'android', user.id, { sendEmail: true });
    await call(ctx.app, 'PUT', `/v1/organizations/${org.id}`, { token: ROOT_KEY, body: { emailDomains: ['example.org'] } });
    await rig.worker.drain();
    assert.equal(rig.sink.received.length, 0);
    const refused = await getToken(org, 'android', token.id);
    assert.equal(refused.emailDelivery.status, 'FAILED');
    assert.match(refused.emailDelivery.lastError, /^not sent: the recipient "early@example\.com" is outside the organization's emailDomains \(example\.org\)/);
    await rig.close();
  });
});
