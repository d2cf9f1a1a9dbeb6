/**
 * `enrolld tokens import` run as a user runs it, in its own process, against a listening enrolld:
 * every row reported (created with its token id, refused by the server with its code, or refused
 * before sending: unreadable, no address, unknown language, repeated), the file's names,
 * languages, tags and display names applied, a finished import resumed making nothing more, a
 * report of another import refused, the organization's bulk limit named; and 30,000 rows with the
 * server killed and restarted midway and then the CLI itself killed and resumed — exactly 30,000
 * tokens, each reported once. The report is read back with csv-parse.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createTestContext, ROOT_KEY, TEST_SECRET_KEY, type TestContext } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { createMdmUser, createOrganization, type TestOrganization } from './helpers/factories.ts';
import { call } from './helpers/http.ts';
import { BIN, freePort, runCliAsync, runProgram, spawnCli, startServerProcess, until } from './helpers/process.ts';
import { tokensUrl } from './helpers/tokens.ts';

let ctx: TestContext;
let baseUrl: string;
const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-import-'));
let database: TestDatabase | undefined;
before(async () => {
  ctx = await createTestContext();
  baseUrl = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await ctx.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

type ReportRow = Record<'line' | 'email' | 'outcome' | 'tokenId' | 'code' | 'error' | 'request', string>;
const readReport = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as ReportRow[];

let files = 0;
function csvFile(text: string): string {
  const file = path.join(dir, `users-${++files}.csv`);
  writeFileSync(file, text);
  return file;
}

const importArgs = (org: TestOrganization, file: string, ...more: string[]) => ['tokens', 'import', file, '--url', baseUrl, '--org', org.slug, ...more];

describe('enrolld tokens import', () => {
  it('reports every row, applies the file\'s columns, and never aborts on a bad row', async () => {
    const org = await createOrganization(ctx.app);
    const known = await createMdmUser(ctx.app, org, { email: 'known@example.com', name: 'Known Name', language: 'it' });
    const file = csvFile(
      [
        'email,name,language,tags,displayName',
        'ana@example.com,Ana Pérez,es,sales;madrid,"Ana, iPhone"', // 2: a new user with a name and language
        'bob@example.com,,,,', // 3: no name: the bulk makes the user
        'known@example.com,Another Name,,,', // 4: an existing user keeps her name; the token speaks her language
        'not-an-address,,,,', // 5: the server refuses it
        ',Nobody,,,', // 6: no address
        'cy@example.com,,xx,,', // 7: unknown language
        'ANA@example.com,,,,', // 8: repeats line 2
        'dee@example.com,Dee,fr,,,extra', // 9: too many fields
        'eve@example.com', // 10: fewer fields are fine
      ].join('\n'),
    );
    const report = path.join(dir, 'report-columns.csv');
    const result = await runCliAsync([...importArgs(org, file, '--platform', 'apple', '--tag', 'q4', '--report', report)], { ENROLLD_TOKEN: org.adminToken });
    assert.equal(result.code, 3, `some rows failed: exit 3\n${result.stderr}`);
    assert.match(result.stderr, /imported 9 rows: 4 created, 1 failed, 4 invalid/);
    assert.match(result.stderr, /^enrolld: \d+\/9 rows \(/m, 'plain progress lines when stderr is not a terminal');
    assert.equal(result.stdout, '', 'the report went to its file');

    const rows = new Map(readReport(report).map((row) => [Number(row.line), row]));
    assert.deepEqual([...rows.keys()].sort((a, b) => a - b), [2, 3, 4, 5, 6, 7, 8, 9, 10], 'one report row per input row');
    const outcome = (line: number) => [rows.get(line)!.outcome, rows.get(line)!.code, rows.get(line)!.error];
    assert.deepEqual(outcome(5), ['failed', '3000', 'Invalid email address']);
    assert.deepEqual(outcome(6), ['invalid', '', 'email is required']);
    assert.deepEqual(outcome(7), ['invalid', '', 'language must be one of en, es, fr, de, it, pt']);
    assert.deepEqual(outcome(8), ['invalid', '', 'email repeats line 2']);
    assert.equal(rows.get(9)!.outcome, 'invalid');
    assert.match(rows.get(9)!.error, /^unreadable row: Invalid Record Length/);

    const listed = (await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { limit: 100 } })).body.data;
    assert.equal(listed.totalDocs, 4);
    const byId = new Map(listed.items.map((token: any) => [token.id, token]));
    const tokenOf = (line: number) => byId.get(rows.get(line)!.tokenId) as any;
    for (const line of [2, 3, 4, 10]) assert.equal(rows.get(line)!.outcome, 'created');
    assert.equal(tokenOf(2).mdmUser.email, 'ana@example.com');
    assert.deepEqual([tokenOf(2).language, tokenOf(2).tags, tokenOf(2).displayName], ['es', ['q4', 'sales', 'madrid'], 'Ana, iPhone']);
    assert.deepEqual([tokenOf(3).language, tokenOf(3).tags], ['en', ['q4']]);
    assert.equal(tokenOf(4).mdmUser.id, known.id);
    assert.equal(tokenOf(4).language, 'it', 'without a language the token speaks its user\'s');
    assert.equal(tokenOf(10).mdmUser.email, 'eve@example.com');

    const users = (await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token: org.adminToken, query: { limit: 100 } })).body.data.items;
    const user = (email: string) => users.find((u: any) => u.email === email);
    assert.deepEqual([user('ana@example.com').name, user('ana@example.com').language], ['Ana Pérez', 'es']);
    assert.equal(user('known@example.com').name, 'Known Name', 'an existing user keeps her name');

    // Resuming a finished import sends nothing and makes nothing.
    const again = await runCliAsync([...importArgs(org, file, '--platform', 'apple', '--tag', 'q4', '--resume', report)], { ENROLLD_TOKEN: org.adminToken });
    assert.equal(again.code, 3, again.stderr);
    assert.equal((await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken })).body.data.totalDocs, 4);
    assert.equal(readReport(report).length, 9, 'nothing reported twice');

    // A report of another import (here: other options) is not resumed: its requests would not match.
    const other = await runCliAsync([...importArgs(org, file, '--platform', 'apple', '--resume', report)], { ENROLLD_TOKEN: org.adminToken });
    assert.equal(other.code, 1);
    assert.match(other.stderr, /^enrolld: cannot resume: the report's line \d+ was written for another file or other options/);
  });

  it('writes the report to stdout without --report, and passes the platform\'s options', async () => {
    const org = await createOrganization(ctx.app);
    const file = csvFile('email\nw1@example.com\nw2@example.com\n');
    const result = await runCliAsync([...importArgs(org, file, '--platform', 'android', '--options', '{"managementMode":"PROFILE_OWNER"}', '--duration', '3600')], { ENROLLD_TOKEN: org.adminToken });
    assert.equal(result.code, 0, result.stderr);
    const rows = parse(result.stdout, { columns: true }) as ReportRow[];
    assert.deepEqual(rows.map((row) => [row.email, row.outcome]), [['w1@example.com', 'created'], ['w2@example.com', 'created']]);
    const token = (await call(ctx.app, 'GET', `${tokensUrl(org, 'android')}/${rows[0]!.tokenId}`, { token: org.adminToken })).body.data;
    assert.equal(token.managementMode, 'PROFILE_OWNER');
    assert.equal(Date.parse(token.expireAt) - Date.parse(token.createdAt), 3600_000);
  });

  it('draws a progress bar on a terminal', { skip: existsSync('/usr/bin/script') ? false : 'util-linux script (a pseudo-terminal) is not installed' }, async () => {
    const org = await createOrganization(ctx.app);
    const file = csvFile(`email\n${Array.from({ length: 50 }, (_, i) => `tty-${i}@example.com`).join('\n')}\n`);
    const command = [process.execPath, BIN, ...importArgs(org, file, '--platform', 'windows', '--chunk-size', '10', '--report', path.join(dir, 'report-tty.csv'))];
    // `script` runs the CLI on a pseudo-terminal, as a person's shell would.
    const quoted = command.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
    const result = await runProgram('/usr/bin/script', ['-q', '-e', '-c', quoted, '/dev/null'], { ENROLLD_TOKEN: org.adminToken });
    assert.equal(result.code, 0, result.stdout);
    const screen = result.stdout.replaceAll('\r', '\n');
    // Redrawn in place (at most every few tenths of a second) until it is full.
    assert.match(screen, /\[1Gimporting \[=+\] 100% \| 50\/50 rows/);
    assert.doesNotMatch(screen, /^enrolld: \d+\/50 rows/m, 'a bar, not progress lines');
  });

  it('stops before sending anything on an unknown column, and names the organization\'s bulk limit', async () => {
    const org = await createOrganization(ctx.app, { limits: { bulkMaxEmails: 2 } });
    const typo = await runCliAsync([...importArgs(org, csvFile('emial,name\na@example.com,A\n'), '--platform', 'windows')], { ENROLLD_TOKEN: org.adminToken });
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /^enrolld: unknown column "emial": the columns are email, name, language, tags, displayName\n$/);

    const file = csvFile('email\na@example.com\nb@example.com\nc@example.com\n');
    const report = path.join(dir, 'report-limit.csv');
    const limited = await runCliAsync([...importArgs(org, file, '--platform', 'windows', '--report', report)], { ENROLLD_TOKEN: org.adminToken });
    assert.equal(limited.code, 1);
    assert.match(limited.stderr, /5017: .*at most 2 addresses a request: run again with --chunk-size 2; the import stopped: run the same command with --resume /);
    const resumed = await runCliAsync([...importArgs(org, file, '--platform', 'windows', '--chunk-size', '2', '--resume', report)], { ENROLLD_TOKEN: org.adminToken });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((await call(ctx.app, 'GET', tokensUrl(org, 'windows'), { token: org.adminToken })).body.data.totalDocs, 3);
  });
});

describe('an import of 30,000 rows interrupted twice', () => {
  it('ends with exactly 30,000 tokens when the server is killed and restarted, then the CLI killed and resumed', async () => {
    const ROWS = 30_000;
    database = await createTestDatabase(dir);
    const env = { DATABASE_URL: database.url, ENROLLD_ROOT_KEY: ROOT_KEY, ENROLLD_SECRET_KEY: TEST_SECRET_KEY, ENROLLD_DATA_DIR: dir, LOG_LEVEL: 'silent' };
    const port = await freePort();
    let server = await startServerProcess(env, ['--no-worker'], port);
    const api = (method: string, url: string, body?: unknown) =>
      fetch(`${server.baseUrl}${url}`, { method, headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
    const org = (await api('POST', '/v1/organizations', { name: 'Import', slug: 'import-crash' })).data;
    const key = (await api('POST', `/v1/organizations/${org.id}/service-accounts`, { name: 'importer', role: 'admin' })).data.token;

    // Every 300th row names its user, so user creations are interrupted too.
    const lines = Array.from({ length: ROWS }, (_, i) => `user-${String(i).padStart(5, '0')}@example.com,${i % 300 === 0 ? `User ${i}` : ''}`);
    const file = csvFile(`email,name\n${lines.join('\n')}\n`);
    const report = path.join(dir, 'report-crash.csv');
    const reported = () => {
      try {
        return readFileSync(report, 'utf8').split('\n').length - 2;
      } catch {
        return 0;
      }
    };
    const args = ['tokens', 'import', file, '--platform', 'windows', '--url', server.baseUrl, '--org', 'import-crash', '--give-up-after', '120'];
    const cliEnv = { ENROLLD_TOKEN: key };

    const first = spawnCli([...args, '--report', report], cliEnv);
    await until(() => reported() >= 6_000, 120_000, 'the first 6,000 rows');
    server.process.kill('SIGKILL');
    await server.stop();
    server = await startServerProcess(env, ['--no-worker'], port);
    await until(() => reported() >= 15_000 || first.child.exitCode !== null, 120_000, 'the import going on after the restart');
    assert.match(first.stderr(), /cannot reach .*; trying again in/, 'the CLI rode through the restart');
    first.child.kill('SIGKILL');
    await first.exited;

    const resumed = await runCliAsync([...args, '--resume', report], cliEnv);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`imported ${ROWS} rows: ${ROWS} created, 0 failed, 0 invalid`));

    const rows = readReport(report);
    assert.equal(rows.length, ROWS, 'each row reported once');
    assert.equal(new Set(rows.map((row) => row.line)).size, ROWS);
    assert.ok(rows.every((row) => row.outcome === 'created'));
    assert.equal(new Set(rows.map((row) => row.tokenId)).size, ROWS);
    const listed = await api('GET', `/v1/organizations/${org.id}/mdm/windows/enterprise/enrollment-tokens?limit=1`);
    assert.equal(listed.data.totalDocs, ROWS, 'exactly one token per row');
    const named = await api('GET', `/v1/organizations/${org.id}/mdm/users?email=user-00300@example.com`);
    assert.equal(named.data.items[0].name, 'User 300');
    await server.stop();
  });
});
