import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, '/srv/enrolld');
    assert.deepEqual(config, {
      port: 8080,
      host: '127.0.0.1',
      database: { kind: 'sqlite', file: '/srv/enrolld/data/enrolld.sqlite' },
      publicUrl: 'http://localhost:8080',
      rootKey: null,
      dataDir: '/srv/enrolld/data',
      secretKey: null,
      smtpUrl: null,
      mailFrom: 'enrolld <no-reply@localhost>',
      enrollRateLimit: 60,
      redeemRateLimit: 6000,
      trustProxy: false,
      redisUrl: null,
      logLevel: 'info',
      email: { maxAttempts: 8, retryBaseSeconds: 30, leaseSeconds: 120, orgRateLimit: 5000 },
      sessionIdleMinutes: 30,
      webhooks: { concurrency: 16, allowPrivate: false, leaseSeconds: 60 },
      amapi: { concurrency: 4, leaseSeconds: 90 },
      google: { apiRootUrl: null, oauthTokenUrl: null, oidcCertsUrl: null },
      metrics: { token: null, port: null },
    });
    assert.ok(Object.isFrozen(config));
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        HOST: '0.0.0.0',
        DATABASE_URL: 'sqlite:/var/lib/enrolld/db.sqlite',
        ENROLLD_PUBLIC_URL: 'https://mdm.example.com/',
        ENROLLD_ROOT_KEY: 'r'.repeat(32),
        ENROLLD_DATA_DIR: 'state',
        ENROLLD_SECRET_KEY: 's'.repeat(32),
        SMTP_URL: 'smtps://user:pass@mail.example.com:465',
        MAIL_FROM: 'IT <it@example.com>',
        ENROLLD_ENROLL_RATE_LIMIT: '120',
        ENROLLD_REDEEM_RATE_LIMIT: '100000',
        ENROLLD_TRUST_PROXY: '10.0.0.0/8, 192.168.1.10',
        REDIS_URL: 'redis://127.0.0.1:6379',
        LOG_LEVEL: 'debug',
      },
      '/srv',
    );
    assert.equal(config.port, 9000);
    assert.equal(config.publicUrl, 'https://mdm.example.com', 'trailing slash trimmed');
    assert.equal(config.dataDir, path.resolve('/srv', 'state'));
    assert.deepEqual(config.database, { kind: 'sqlite', file: '/var/lib/enrolld/db.sqlite' });
    assert.equal(config.enrollRateLimit, 120);
    assert.equal(config.redeemRateLimit, 100_000);
    assert.deepEqual(config.trustProxy, ['10.0.0.0/8', '192.168.1.10']);
    assert.equal(loadConfig({ ENROLLD_TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(config.smtpUrl, 'smtps://user:pass@mail.example.com:465');
    assert.equal(loadConfig({ ENROLLD_EMAIL_ORG_RATE_LIMIT: '300' }).email.orgRateLimit, 300);
    assert.deepEqual(loadConfig({ ENROLLD_WEBHOOK_CONCURRENCY: '64', ENROLLD_WEBHOOK_ALLOW_PRIVATE: 'true', ENROLLD_WEBHOOK_LEASE_SECONDS: '5' }).webhooks, {
      concurrency: 64,
      allowPrivate: true,
      leaseSeconds: 5,
    });
  });

  it('names PostgreSQL statements unless ENROLLD_PG_PREPARED_STATEMENTS=false (PgBouncer in transaction mode)', () => {
    const postgres = { DATABASE_URL: 'postgres://enrolld@db.internal/enrolld', ENROLLD_SECRET_KEY: 's'.repeat(32) };
    const listenUrl = postgres.DATABASE_URL;
    assert.deepEqual(loadConfig(postgres).database, { kind: 'postgres', url: postgres.DATABASE_URL, preparedStatements: true, listenUrl });
    assert.deepEqual(loadConfig({ ...postgres, ENROLLD_PG_PREPARED_STATEMENTS: 'false' }).database, { kind: 'postgres', url: postgres.DATABASE_URL, preparedStatements: false, listenUrl });
  });

  it('listens for change notices on DATABASE_URL, on ENROLLD_PG_LISTEN_URL, or not at all (off)', () => {
    const postgres = { DATABASE_URL: 'postgres://enrolld@pgbouncer.internal:6432/enrolld', ENROLLD_SECRET_KEY: 's'.repeat(32) };
    const listenUrlOf = (env: Record<string, string>) => (loadConfig({ ...postgres, ...env }).database as { listenUrl: string | null }).listenUrl;
    assert.equal(listenUrlOf({}), postgres.DATABASE_URL);
    assert.equal(listenUrlOf({ ENROLLD_PG_LISTEN_URL: 'postgres://enrolld@db.internal:5432/enrolld' }), 'postgres://enrolld@db.internal:5432/enrolld');
    assert.equal(listenUrlOf({ ENROLLD_PG_LISTEN_URL: 'off' }), null);
  });

  it('reads the metrics token and port (metrics are off without either)', () => {
    const token = 'm'.repeat(24);
    assert.deepEqual(loadConfig({ ENROLLD_METRICS_TOKEN: token }).metrics, { token, port: null });
    assert.deepEqual(loadConfig({ ENROLLD_METRICS_PORT: '9464' }).metrics, { token: null, port: 9464 });
    assert.deepEqual(loadConfig({ ENROLLD_METRICS_TOKEN: token, ENROLLD_METRICS_PORT: '9464' }).metrics, { token, port: 9464 });
    assert.throws(() => loadConfig({ ENROLLD_METRICS_TOKEN: 'scrape-me-secretly-1234' }), (error: Error) => !error.message.includes('scrape-me-secretly'), 'a refused token is not echoed');
  });

  it("reads Google's endpoints for tests (origins only for the API root)", () => {
    const google = loadConfig({ ENROLLD_GOOGLE_API_ROOT_URL: 'http://127.0.0.1:9999', ENROLLD_GOOGLE_OAUTH_TOKEN_URL: 'http://127.0.0.1:9999/token', ENROLLD_GOOGLE_OIDC_CERTS_URL: 'http://127.0.0.1:9999/certs' }).google;
    assert.deepEqual(google, { apiRootUrl: 'http://127.0.0.1:9999/', oauthTokenUrl: 'http://127.0.0.1:9999/token', oidcCertsUrl: 'http://127.0.0.1:9999/certs' });
  });

  it('defaults the public URL to the configured port', () => {
    assert.equal(loadConfig({ PORT: '3000' }).publicUrl, 'http://localhost:3000');
  });

  const wrong: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^PORT must be an integer from 0 to 65535 \(got "eighty"\)$/],
    [{ PORT: '70000' }, /^PORT must be/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be sqlite:PATH or postgres:/],
    [{ DATABASE_URL: 'sqlite:' }, /^DATABASE_URL must be sqlite:PATH with a file path/],
    [{ DATABASE_URL: 'postgres://u@localhost/db' }, /^ENROLLD_SECRET_KEY must be set/],
    [{ ENROLLD_PUBLIC_URL: 'ftp://x' }, /^ENROLLD_PUBLIC_URL must be a URL starting with http:\/\/ or https:\/\//],
    [{ ENROLLD_ROOT_KEY: 'short' }, /^ENROLLD_ROOT_KEY must be at least 24 characters long/],
    [{ ENROLLD_ROOT_KEY: 'r'.repeat(513) }, /^ENROLLD_ROOT_KEY must be at most 512 characters long/],
    [{ ENROLLD_SECRET_KEY: 'short' }, /^ENROLLD_SECRET_KEY must be at least 32/],
    [{ SMTP_URL: 'http://mail' }, /^SMTP_URL must be a URL starting with smtp:\/\/ or smtps:\/\//],
    [{ MAIL_FROM: 'nobody' }, /^MAIL_FROM must be a single-line address/],
    [{ ENROLLD_ENROLL_RATE_LIMIT: '0' }, /^ENROLLD_ENROLL_RATE_LIMIT must be an integer from 1/],
    [{ ENROLLD_REDEEM_RATE_LIMIT: '-1' }, /^ENROLLD_REDEEM_RATE_LIMIT must be an integer from 1/],
    [{ ENROLLD_TRUST_PROXY: 'yes please' }, /^ENROLLD_TRUST_PROXY must be true, false or comma-separated proxy addresses/],
    [{ REDIS_URL: 'localhost:6379' }, /^REDIS_URL must be a URL starting with redis:\/\//],
    [{ ENROLLD_PG_PREPARED_STATEMENTS: 'no' }, /^ENROLLD_PG_PREPARED_STATEMENTS must be true or false \(got "no"\)$/],
    [{ DATABASE_URL: 'postgres://db/enrolld', ENROLLD_SECRET_KEY: 's'.repeat(32), ENROLLD_PG_LISTEN_URL: 'db.internal' }, /^ENROLLD_PG_LISTEN_URL must be a URL starting with postgres:\/\/ or postgresql:\/\//],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    [{ ENROLLD_EMAIL_MAX_ATTEMPTS: '0' }, /^ENROLLD_EMAIL_MAX_ATTEMPTS must be an integer from 1 to 100/],
    [{ ENROLLD_EMAIL_LEASE_SECONDS: 'soon' }, /^ENROLLD_EMAIL_LEASE_SECONDS must be an integer/],
    [{ ENROLLD_EMAIL_ORG_RATE_LIMIT: '0' }, /^ENROLLD_EMAIL_ORG_RATE_LIMIT must be an integer from 1 to 10000000/],
    [{ ENROLLD_WEBHOOK_CONCURRENCY: '0' }, /^ENROLLD_WEBHOOK_CONCURRENCY must be an integer from 1 to 1000/],
    [{ ENROLLD_WEBHOOK_ALLOW_PRIVATE: 'maybe' }, /^ENROLLD_WEBHOOK_ALLOW_PRIVATE must be/],
    [{ ENROLLD_GOOGLE_API_ROOT_URL: 'http://127.0.0.1:9999/v1' }, /^ENROLLD_GOOGLE_API_ROOT_URL must be an origin such as http:\/\/127.0.0.1:9999 \(no path\)/],
    [{ ENROLLD_GOOGLE_OIDC_CERTS_URL: 'certs.example.com' }, /^ENROLLD_GOOGLE_OIDC_CERTS_URL must be a URL starting with http:\/\/ or https:\/\//],
    [{ ENROLLD_METRICS_TOKEN: 'short' }, /^ENROLLD_METRICS_TOKEN must be at least 24 characters long/],
    [{ ENROLLD_METRICS_TOKEN: 'm'.repeat(513) }, /^ENROLLD_METRICS_TOKEN must be at most 512 characters long/],
    [{ ENROLLD_METRICS_PORT: '0' }, /^ENROLLD_METRICS_PORT must be an integer from 1 to 65535 \(got "0"\)$/],
    [{ ENROLLD_METRICS_PORT: 'metrics' }, /^ENROLLD_METRICS_PORT must be an integer from 1 to 65535/],
    [{ PORT: '9000', ENROLLD_METRICS_PORT: '9000' }, /^ENROLLD_METRICS_PORT must be a port other than PORT \(9000\)/],
  ];
  for (const [env, message] of wrong) {
    it(`stops on ${JSON.stringify(env)} with one line naming the variable`, () => {
      assert.throws(() => loadConfig(env), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    });
  }

  it('does not echo a secret it rejects', () => {
    assert.throws(() => loadConfig({ ENROLLD_ROOT_KEY: 'hunter2-secret' }), (error: Error) => !error.message.includes('hunter2-secret'));
  });

  it('echoes a rejected URL without its password', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ SMTP_URL: 'smtpx://mailer:S3cretPassw0rd@mail.example.com' }, 'SMTP_URL must be a URL starting with smtp:// or smtps:// (got "smtpx://mailer:***@mail.example.com")'],
      [{ DATABASE_URL: 'mysql://root:S3cretPassw0rd@db/enrolld' }, 'DATABASE_URL must be sqlite:PATH or postgres://USER@HOST/DB (got "mysql://root:***@db/enrolld")'],
      [{ DATABASE_URL: 'postgres://enrolld:S3cret@Passw0rd@[::1' }, 'DATABASE_URL must be a URL starting with postgres:// or postgresql:// (got "postgres://enrolld:***@[::1")'],
      [{ REDIS_URL: 'http://:S3cretPassw0rd@cache:6379' }, 'REDIS_URL must be a URL starting with redis:// or rediss:// (got "http://:***@cache:6379")'],
      [{ ENROLLD_PUBLIC_URL: 'ftp://user:S3cretPassw0rd@files' }, 'ENROLLD_PUBLIC_URL must be a URL starting with http:// or https:// (got "ftp://user:***@files")'],
    ];
    for (const [env, message] of cases) {
      assert.throws(() => loadConfig(env), (error: Error) => error.message === message && !error.message.includes('S3cret'));
    }
  });

  it('treats empty variables as unset', () => {
    assert.equal(loadConfig({ PORT: '', LOG_LEVEL: ' ' }).port, 8080);
  });
});
