/** The `enrolld` command, run as a child process against a real SQLite file. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from './helpers/process.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-cli-'));
const env = { DATABASE_URL: `sqlite:${path.join(dir, 'cli.sqlite')}` };
after(() => rmSync(dir, { recursive: true, force: true }));

describe('enrolld CLI', () => {
  it('migrates, creates and lists organizations, and manages keys, printing JSON', () => {
    const migrated = runCli(['migrate'], env);
    assert.equal(migrated.status, 0, migrated.stderr);
    assert.ok(migrated.json().applied.includes('0001_foundation'));
    assert.deepEqual(runCli(['migrate'], env).json(), { applied: [] }, 'migrating twice is a no-op');

    const created = runCli(['org', 'create', '--slug', 'acme', '--name', 'Acme Inc', '--features', 'apple,android'], env);
    assert.equal(created.status, 0, created.stderr);
    const org = created.json();
    assert.equal(org.slug, 'acme');
    assert.deepEqual(org.plan.features, ['apple', 'android']);

    assert.equal(org.emailDomains, null, 'any recipient domain by default');
    const restricted = runCli(['org', 'create', '--slug', 'tight', '--name', 'Tight', '--email-domains', 'Example.com, *.example.org'], env);
    assert.equal(restricted.status, 0, restricted.stderr);
    assert.deepEqual(restricted.json().emailDomains, ['example.com', '*.example.org']);
    assert.equal(org.defaultLanguage, 'en');
    const spanish = runCli(['org', 'create', '--slug', 'hola', '--name', 'Hola', '--default-language', 'es'], env);
    assert.equal(spanish.status, 0, spanish.stderr);
    assert.equal(spanish.json().defaultLanguage, 'es');

    const listed = runCli(['org', 'list', '--search', 'acme'], env).json();
    assert.deepEqual(listed.items.map((o: { slug: string }) => o.slug), ['acme']);

    const key = runCli(['key', 'create', '--org', 'acme', '--role', 'viewer', '--name', 'reporting'], env);
    assert.equal(key.status, 0, key.stderr);
    const { token, id } = key.json();
    assert.match(token, /^enrd_/);

    const keys = runCli(['key', 'list', '--org', org.id], env).json();
    assert.deepEqual(keys.items.map((k: { id: string }) => k.id), [id]);
    assert.ok(!JSON.stringify(keys).includes(token));

    const revoked = runCli(['key', 'revoke', '--org', 'acme', id], env);
    assert.equal(revoked.status, 0, revoked.stderr);
    assert.match(revoked.json().revokedAt, /Z$/);

    // The CLI acts as the root key: it may revoke the organization's last admin key.
    const admin = runCli(['key', 'create', '--org', 'acme', '--role', 'admin'], env).json();
    const lastAdmin = runCli(['key', 'revoke', '--org', 'acme', admin.id], env);
    assert.equal(lastAdmin.status, 0, lastAdmin.stderr);
    assert.match(lastAdmin.json().revokedAt, /Z$/);
  });

  it('fails with one clear line and a non-zero status', () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['org', 'create', '--slug', 'X', '--name', 'x'], env, /^enrolld: Validation Error: "slug" must be 3 to 64 lowercase/],
      [['key', 'create', '--org', 'nope', '--role', 'admin'], env, /^enrolld: Entity not found \(organization\)$/],
      [['org', 'create', '--slug', 'bad-domains', '--name', 'x', '--email-domains', 'example'], env, /^enrolld: Validation Error: "emailDomains\[0\]" "example" must be a domain/],
      [['org', 'create', '--slug', 'bad-language', '--name', 'x', '--default-language', 'klingon'], env, /^enrolld: Validation Error: .*defaultLanguage/],
      [['key', 'create', '--org', 'acme', '--role', 'owner'], env, /^enrolld: Validation Error: "role" must be one of: admin, developer, viewer/],
      [['key', 'revoke', '--org', 'acme', '0123456789abcdef01234567'], env, /^enrolld: Entity not found \(serviceAccount\)$/],
      [['migrate'], { DATABASE_URL: 'mysql://x' }, /^enrolld: invalid configuration: DATABASE_URL must be sqlite:PATH or postgres:/],
      [['migrate', '--log-level', 'shouting'], env, /^enrolld: invalid configuration: LOG_LEVEL must be one of/],
    ];
    for (const [args, caseEnv, message] of cases) {
      const result = runCli(args, caseEnv);
      assert.equal(result.status, 1, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr.trim(), message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
  });

  it('reports usage mistakes with status 2', () => {
    const result = runCli(['org', 'create', '--name', 'missing slug'], env);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--slug/);
  });
});
