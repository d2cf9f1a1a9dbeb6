/**
 * No secret in any log line. A real `enrolld serve` at LOG_LEVEL=trace (so it logs the most it
 * can) runs the whole life of tokens on every platform — single and bulk creation, invitations
 * through a real SMTP server (one greylisted first) and through the dev mailbox, the pages, the
 * Apple profile, the Android QR, the SCEP challenge check, redemption, a new key — and then its
 * whole output is searched for every code, challenge, key and password the run produced.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { createTestContext } from '../helpers/app.ts';
import { createTestDatabase, ON_POSTGRES, type TestDatabase } from '../helpers/database.ts';
import { runCli, startServerProcess, until } from '../helpers/process.ts';
import { startSmtpSink } from '../helpers/smtp.ts';
import { minimalBody, type TestPlatform } from '../helpers/tokens.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-logs-'));
const databases: TestDatabase[] = [];
after(async () => {
  for (const database of databases) await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

const ROOT_KEY = 'root-key-that-must-never-be-logged-0001';
const SECRET_KEY = 'secret-key-that-must-never-be-logged-0001';
const SMTP_PASSWORD = 'S3cretSmtpPassw0rd';
/** PostgreSQL here trusts local connections, so a password in DATABASE_URL is carried, never checked. */
const PG_PASSWORD = 'S3cretPgPassw0rd';

const fixedSecrets: Array<[string, string]> = [
  ['root key', ROOT_KEY],
  ['secret key', SECRET_KEY],
  ['PostgreSQL password', PG_PASSWORD],
];

/** A database for one server process: a SQLite file, or a PostgreSQL schema with a password in its URL. */
async function databaseUrl(name: string): Promise<string> {
  const folder = path.join(dir, name);
  const database = await createTestDatabase(folder);
  databases.push(database);
  if (!ON_POSTGRES) return database.url;
  const url = new URL(database.url);
  url.password = PG_PASSWORD;
  return url.toString();
}

interface Api {
  (method: string, url: string, token: string, body?: unknown): Promise<any>;
}

function apiOf(baseUrl: string): Api {
  return async (method, url, token, body) => {
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // The HTTP status replaces the envelope's boolean `status`.
    return { ...((await response.json()) as object), status: response.status };
  };
}

/** Every secret a workflow produced, and the request lines it expects in the log. */
interface Produced {
  /** What each secret is, and its value. */
  secrets: Array<[string, string]>;
  expectedUrls: string[];
}

/**
 * Tokens on every platform (single and bulk, with invitations), their pages, the Apple profile
 * and its SCEP challenge (verified, then replayed), the Android QR, redemptions (one repeated,
 * one with a wrong code), a resend and a new service-account key.
 */
async function runWorkflow(baseUrl: string, emails: string[], delivered: (count: number) => Promise<void>): Promise<Produced> {
  const api = apiOf(baseUrl);
  const secrets: Array<[string, string]> = [];
  const org = await api('POST', '/v1/organizations', ROOT_KEY, { name: 'Logs Inc', slug: `logs-${Date.now()}` });
  assert.equal(org.status, 200, JSON.stringify(org));
  const orgUrl = `/v1/organizations/${org.data.id}`;
  const admin = await api('POST', `${orgUrl}/service-accounts`, ROOT_KEY, { name: 'admin', role: 'admin' });
  const key = admin.data.token as string;
  const developer = await api('POST', `${orgUrl}/service-accounts`, key, { name: 'developer', role: 'developer' });
  assert.equal(developer.status, 200, JSON.stringify(developer));
  secrets.push(['admin key', key], ['new key', developer.data.token]);

  const tokensUrl = (platform: TestPlatform) => `${orgUrl}/mdm/${platform}/enterprise/enrollment-tokens`;
  const user = await api('POST', `${orgUrl}/mdm/users`, key, { email: emails[0], name: 'Jane Doe' });
  const created = [];
  for (const platform of ['apple', 'windows', 'android'] as const) {
    const token = await api('POST', tokensUrl(platform), key, { ...minimalBody(platform), mdmUserId: user.data.id, sendEmail: platform === 'apple' });
    assert.equal(token.status, 200, JSON.stringify(token));
    created.push(token.data);
  }
  const bulk = await api('POST', `${tokensUrl('android')}/bulk`, key, { ...minimalBody('android'), sendEmail: true, userEmails: emails.slice(1) });
  assert.equal(bulk.data.success, emails.length - 1, JSON.stringify(bulk));
  const [apple, windows, android] = created;
  const listed = await api('GET', `${tokensUrl('android')}?limit=100`, key);
  const bulkTokens = listed.data.items.filter((token: { id: string }) => token.id !== android.id);
  assert.equal(bulkTokens.length, emails.length - 1);
  created.forEach((token, i) => secrets.push([`${['apple', 'windows', 'android'][i]} enrollCode`, token.enrollCode]));
  for (const token of bulkTokens) secrets.push(['bulk enrollCode', token.enrollCode]);

  const open = async (url: string, status = 200) => {
    const response = await fetch(`${baseUrl}${url}`);
    assert.equal(response.status, status, url);
    return Buffer.from(await response.arrayBuffer());
  };
  await open(`/enroll/apple/${apple.enrollCode}`);
  await open(`/enroll/windows/${windows.enrollCode}`);
  // As a person types it: lower case, in groups.
  const typed = (windows.enrollCode as string).toLowerCase().replace(/(.{4})(?=.)/g, '$1-');
  await open(`/enroll/windows/${typed}?utm=x`);
  secrets.push(['typed enrollCode', typed]);
  await open(`/enroll/android/${android.enrollCode}`);
  await open(`/enroll/android/${android.enrollCode}/qr.png`);
  await open(`/enroll/android/${android.enrollCode}/qr.svg`);
  const mistyped = `${(apple.enrollCode as string).slice(0, -1)}${apple.enrollCode.endsWith('0') ? '1' : '0'}`;
  await open(`/enroll/apple/${mistyped}`, 404);
  secrets.push(['mistyped enrollCode', mistyped]);

  // The signed profile carries its content in the clear; the challenge is a plist string.
  const profile = (await open(`/enroll/apple/${apple.enrollCode}/profile`)).toString('latin1');
  const challenge = /<key>Challenge<\/key>\s*<string>([^<]+)<\/string>/.exec(profile)?.[1];
  assert.ok(challenge, 'the profile carries a SCEP challenge');
  secrets.push(['SCEP challenge', challenge]);
  const scepUrl = `${orgUrl}/mdm/apple/enterprise/scep-challenges/verify`;
  assert.equal((await api('POST', scepUrl, key, { challenge })).status, 200);
  assert.equal((await api('POST', scepUrl, key, { challenge })).status, 400, 'a replayed challenge is refused');

  for (const [platform, token] of [['apple', apple], ['windows', windows], ['android', android]] as const) {
    const redeemed = await api('POST', `${tokensUrl(platform)}/redeem`, key, { code: token.enrollCode, device: { serialNumber: `SN-${platform}` } });
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed));
  }
  assert.equal((await api('POST', `${tokensUrl('apple')}/redeem`, key, { code: apple.enrollCode, device: { serialNumber: 'SN-other' } })).status, 400);
  assert.equal((await api('POST', `${tokensUrl('apple')}/redeem`, key, { code: mistyped, device: { serialNumber: 'SN-x' } })).status, 404);
  // Resent once its first invitation is out (a resend of a still-queued one replaces it).
  await delivered(emails.length);
  assert.equal((await api('POST', `${tokensUrl('android')}/${bulkTokens[0].id}/resend`, key)).status, 200);
  // A key pasted into a URL by mistake, and a wrong one presented.
  assert.equal((await api('GET', `${orgUrl}/mdm/users?search=${key}`, key)).status, 200);
  assert.equal((await api('GET', `${orgUrl}/mdm/users`, `${key.slice(0, -2)}xx`)).status, 401);
  secrets.push(['wrong key', `${key.slice(0, -2)}xx`]);

  return {
    secrets,
    expectedUrls: [
      '/enroll/apple/[code]',
      '/enroll/apple/[code]/profile',
      '/enroll/windows/[code]?[redacted]',
      '/enroll/android/[code]/qr.png',
      '/enroll/android/[code]/qr.svg',
      `${tokensUrl('apple')}/redeem`,
      `${orgUrl}/mdm/apple/enterprise/scep-challenges/verify`,
    ],
  };
}

/** The bootstrap banner is the one intended exception: printed once, plainly, for the operator. */
function withoutBootstrapBanner(output: string): { logLines: string[]; rest: string } {
  const lines = output.split('\n');
  const logLines = lines.filter((line) => line.startsWith('{'));
  const other = lines.filter((line) => !line.startsWith('{') && line.trim() !== '');
  assert.ok(
    other.every((line) => /^enrolld: (created organization|admin token, shown only this once)/.test(line) || /^ {4}enrd_[A-Za-z0-9_-]{43}$/.test(line)),
    `only the bootstrap banner is printed outside the JSON log:\n${other.join('\n')}`,
  );
  return { logLines, rest: logLines.join('\n') };
}

function assertNoSecret(log: string, secrets: Array<[string, string]>): void {
  const lower = log.toLowerCase();
  for (const [label, secret] of secrets) assert.ok(secret.length >= 8, `${label} is a real secret`);
  const leaked = secrets.filter(([, secret]) => lower.includes(secret.toLowerCase())).map(([label]) => label);
  assert.deepEqual(leaked, [], 'secrets found in the log');
}

function assertLogged(logLines: string[], produced: Produced): void {
  const urls = new Set(logLines.map((line) => JSON.parse(line)).filter((entry) => entry.req).map((entry) => entry.req.url as string));
  for (const url of produced.expectedUrls) assert.ok(urls.has(url), `the request line for ${url} is logged (so the search is not vacuous)`);
}

describe('secrets in the log', () => {
  it('an SMTP run at trace level logs every request and no code, challenge, key or password', async () => {
    const sink = await startSmtpSink({
      credentials: { username: 'mailer', password: SMTP_PASSWORD },
      rejectRecipient: (address, attempt) => (address.startsWith('greylisted') && attempt === 1 ? { code: 451, message: `greylisted ${address}, try again` } : null),
    });
    try {
      const server = await startServerProcess({
        DATABASE_URL: await databaseUrl('smtp'),
        ENROLLD_ROOT_KEY: ROOT_KEY,
        ENROLLD_SECRET_KEY: SECRET_KEY,
        ENROLLD_DATA_DIR: path.join(dir, 'smtp-data'),
        SMTP_URL: sink.url.replace('smtp://', `smtp://mailer:${SMTP_PASSWORD}@`),
        ENROLLD_EMAIL_RETRY_BASE_SECONDS: '0',
        LOG_LEVEL: 'trace',
      });
      const emails = ['jane@example.com', 'greylisted@example.com', 'bob@example.com'];
      const produced = await runWorkflow(server.baseUrl, emails, (count) => sink.waitFor(count));
      // The Apple invitation, the two bulk ones (one after a 451) and the resend.
      await sink.waitFor(4);
      await until(() => server.output().includes('attempt 1 failed'), 10_000, 'the greylisting warning');
      assert.equal(await server.stop(), 0);

      const { logLines, rest } = withoutBootstrapBanner(server.output());
      const bootstrapToken = /^ {4}(enrd_\S+)$/m.exec(server.output())?.[1];
      assert.ok(bootstrapToken, 'the bootstrap token is shown to the operator once');
      assertNoSecret(rest, [...produced.secrets, ...fixedSecrets, ['bootstrap token', bootstrapToken], ['SMTP password', SMTP_PASSWORD]]);
      assertLogged(logLines, produced);
      const received = sink.received.map((mail) => mail.raw).join('\n');
      assert.ok(produced.secrets.some(([, secret]) => received.includes(secret)), 'the invitations did carry codes');
    } finally {
      await sink.close();
    }
  });

  it('a dev-mailbox run logs one line per message, without its link or code', async () => {
    const server = await startServerProcess({
      DATABASE_URL: await databaseUrl('mailbox'),
      ENROLLD_ROOT_KEY: ROOT_KEY,
      ENROLLD_SECRET_KEY: SECRET_KEY,
      ENROLLD_DATA_DIR: path.join(dir, 'mailbox-data'),
      LOG_LEVEL: 'trace',
    });
    const written = (count: number) => until(() => (server.output().match(/dev mailbox: /g) ?? []).length >= count, 20_000, `${count} dev-mailbox lines`);
    const produced = await runWorkflow(server.baseUrl, ['ann@example.com', 'greylisted@example.com', 'carl@example.com'], written);
    await written(4);
    assert.equal(await server.stop(), 0);
    const { logLines, rest } = withoutBootstrapBanner(server.output());
    assertNoSecret(rest, [...produced.secrets, ...fixedSecrets]);
    assertLogged(logLines, produced);
  });

  it('a Redis that refuses REDIS_URL’s password is logged without it', { skip: !process.env.REDIS_URL && 'REDIS_URL is not set' }, async () => {
    // ioredis puts the AUTH command's arguments (the password) on the error it emits.
    const password = 'S3cretRedisPassw0rd';
    const redis = new URL(process.env.REDIS_URL!);
    redis.username = 'nobody';
    redis.password = password;
    const lines: string[] = [];
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const ctx = await createTestContext({ REDIS_URL: redis.toString(), LOG_LEVEL: 'warn' }, logStream);
    try {
      await until(() => lines.some((line) => line.includes('WRONGPASS')), 10_000, 'the refusal to be logged');
    } finally {
      await ctx.close();
    }
    assert.equal(lines.join('').includes(password), false);
    assert.match(lines.join(''), /rate-limit store \(Redis\) unavailable/);
  });
});

describe('start-up errors', () => {
  it('`enrolld serve` stops on a bad URL naming the variable, without its password', () => {
    const cases: Array<[string, string]> = [
      ['SMTP_URL', 'smtpx://mailer:S3cretPassw0rd@127.0.0.1'],
      ['DATABASE_URL', 'mysql://root:S3cretPassw0rd@127.0.0.1/enrolld'],
      ['REDIS_URL', 'http://:S3cretPassw0rd@127.0.0.1:6379'],
    ];
    for (const [variable, value] of cases) {
      const result = runCli(['serve'], { DATABASE_URL: `sqlite:${path.join(dir, 'startup', 'enrolld.sqlite')}`, [variable]: value });
      assert.equal(result.status, 1, variable);
      assert.match(result.stderr, new RegExp(`^enrolld: invalid configuration: ${variable} must be .*:\\*\\*\\*@127\\.0\\.0\\.1`), result.stderr);
      assert.equal(`${result.stdout}${result.stderr}`.includes('S3cretPassw0rd'), false, variable);
    }
  });
});
