/**
 * Configuration: environment variables (and the CLI flags that mirror them), parsed once into a
 * frozen, typed object. This is the only module that knows the variable names; nothing else in
 * the code base reads `process.env`.
 *
 * A wrong value throws a ConfigError whose message is one line naming the variable and what is
 * expected, so `enrolld serve` can stop with exactly that line.
 */
import path from 'node:path';
import { redactUrl } from './lib/redact.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  /**
   * preparedStatements: name the API's repeated statements (ENROLLD_PG_PREPARED_STATEMENTS).
   * listenUrl: where the process listens for change notices, or null to cache nothing
   * (ENROLLD_PG_LISTEN_URL; DATABASE_URL by default).
   */
  | { kind: 'postgres'; url: string; preparedStatements: boolean; listenUrl: string | null };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  readonly publicUrl: string;
  /** A root API key: full access to every organization and to /v1/organizations. */
  readonly rootKey: string | null;
  readonly dataDir: string;
  readonly secretKey: string | null;
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  /** Requests per minute per client address on the public /enroll pages. */
  readonly enrollRateLimit: number;
  /** Requests per minute per API key on /redeem and the SCEP challenge check. */
  readonly redeemRateLimit: number;
  /**
   * Fastify's trustProxy: whether X-Forwarded-For names the client (behind a load balancer the
   * per-address limits would otherwise count every user as the balancer). false, true, or the
   * proxies' addresses/CIDRs (comma-separated in the variable).
   */
  readonly trustProxy: boolean | string[];
  readonly redisUrl: string | null;
  readonly logLevel: LogLevel;
  /** A console session unused this long ends (ENROLLD_SESSION_IDLE_MINUTES). */
  readonly sessionIdleMinutes: number;
  readonly email: {
    /** Delivery attempts before an invitation with temporary failures is given up (FAILED). */
    readonly maxAttempts: number;
    /** First retry delay; each further retry doubles it (with jitter), up to an hour. */
    readonly retryBaseSeconds: number;
    /** How long a worker holds claimed invitations; a crashed worker's are retaken after it. */
    readonly leaseSeconds: number;
    /** Invitations per hour per organization; beyond it they wait (never dropped). */
    readonly orgRateLimit: number;
  };
  readonly webhooks: {
    /** Deliveries in flight at once per process. */
    readonly concurrency: number;
    /** Deliver to loopback, private and link-local addresses too (tests, on-premise receivers). */
    readonly allowPrivate: boolean;
    /** How long a worker holds claimed deliveries (renewed while it works); a crashed worker's are retaken after it. */
    readonly leaseSeconds: number;
  };
  /**
   * Where Google's APIs are reached. Google's own addresses unless set: the variables exist for
   * tests and air-gapped development against a local stand-in, never for production.
   */
  readonly google: {
    /** ENROLLD_GOOGLE_API_ROOT_URL: the origin AMAPI calls go to (androidmanagement.googleapis.com). */
    readonly apiRootUrl: string | null;
    /** ENROLLD_GOOGLE_OAUTH_TOKEN_URL: where a service account trades its signed JWT for an access token. */
    readonly oauthTokenUrl: string | null;
    /** ENROLLD_GOOGLE_OIDC_CERTS_URL: the PEM certificates Pub/Sub push tokens are checked against. */
    readonly oidcCertsUrl: string | null;
  };
  /** The workers that make Android tokens through Google (organizations in AMAPI mode). */
  readonly amapi: {
    /** Google calls in flight at once per process. */
    readonly concurrency: number;
    /** How long a worker holds the jobs it claimed (renewed while it works); a crashed worker's are retaken after it. */
    readonly leaseSeconds: number;
  };
  /** Prometheus metrics at GET /metrics: off while both are null. */
  readonly metrics: {
    /** ENROLLD_METRICS_TOKEN: the bearer token a scraper must present. */
    readonly token: string | null;
    /**
     * ENROLLD_METRICS_PORT: serve /metrics only on this port (on HOST), not on the API's port;
     * the `enrolld worker` process serves its own there.
     */
    readonly port: number | null;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Every variable the service understands, with its CLI flag (see cli.ts). */
export const CONFIG_VARIABLES = {
  PORT: '--port',
  HOST: '--host',
  DATABASE_URL: '--database-url',
  ENROLLD_PG_PREPARED_STATEMENTS: '--pg-prepared-statements',
  ENROLLD_PG_LISTEN_URL: '--pg-listen-url',
  ENROLLD_PUBLIC_URL: '--public-url',
  ENROLLD_ROOT_KEY: '--root-key',
  ENROLLD_DATA_DIR: '--data-dir',
  ENROLLD_SECRET_KEY: '--secret-key',
  SMTP_URL: '--smtp-url',
  MAIL_FROM: '--mail-from',
  ENROLLD_ENROLL_RATE_LIMIT: '--enroll-rate-limit',
  ENROLLD_REDEEM_RATE_LIMIT: '--redeem-rate-limit',
  ENROLLD_TRUST_PROXY: '--trust-proxy',
  REDIS_URL: '--redis-url',
  LOG_LEVEL: '--log-level',
  ENROLLD_EMAIL_MAX_ATTEMPTS: '--email-max-attempts',
  ENROLLD_EMAIL_RETRY_BASE_SECONDS: '--email-retry-base-seconds',
  ENROLLD_EMAIL_LEASE_SECONDS: '--email-lease-seconds',
  ENROLLD_EMAIL_ORG_RATE_LIMIT: '--email-org-rate-limit',
  ENROLLD_WEBHOOK_CONCURRENCY: '--webhook-concurrency',
  ENROLLD_WEBHOOK_ALLOW_PRIVATE: '--webhook-allow-private',
  ENROLLD_WEBHOOK_LEASE_SECONDS: '--webhook-lease-seconds',
  ENROLLD_AMAPI_CONCURRENCY: '--amapi-concurrency',
  ENROLLD_AMAPI_LEASE_SECONDS: '--amapi-lease-seconds',
  ENROLLD_GOOGLE_API_ROOT_URL: '--google-api-root-url',
  ENROLLD_GOOGLE_OAUTH_TOKEN_URL: '--google-oauth-token-url',
  ENROLLD_GOOGLE_OIDC_CERTS_URL: '--google-oidc-certs-url',
  ENROLLD_SESSION_IDLE_MINUTES: '--session-idle-minutes',
  ENROLLD_METRICS_TOKEN: '--metrics-token',
  ENROLLD_METRICS_PORT: '--metrics-port',
} as const;

export type ConfigVariable = keyof typeof CONFIG_VARIABLES;
export type ConfigSource = Partial<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DEFAULT_DATABASE_URL = 'sqlite:./data/enrolld.sqlite';
/** Root keys are compared against presented bearer tokens; a short one would be guessable. */
const MIN_ROOT_KEY_LENGTH = 24;
/** The API reads at most 1,024 characters of an Authorization header (http/auth.ts). */
const MAX_ROOT_KEY_LENGTH = 512;
const MIN_SECRET_KEY_LENGTH = 32;
/** Like the root key: presented as a bearer token, so long enough not to be guessed. */
const MIN_METRICS_TOKEN_LENGTH = 24;

/** The message echoes the value so the mistake is visible, but never a URL's password. */
function invalid(variable: ConfigVariable, expected: string, got: string): never {
  throw new ConfigError(`${variable} must be ${expected} (got ${JSON.stringify(redactUrl(got))})`);
}

/** Empty strings count as unset: `FOO= enrolld serve` should mean "use the default". */
function read(source: ConfigSource, variable: ConfigVariable): string | undefined {
  const value = source[variable];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseInteger(source: ConfigSource, variable: ConfigVariable, fallback: number, min: number, max: number): number {
  const raw = read(source, variable);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    invalid(variable, `an integer from ${min} to ${max}`, raw);
  }
  return Number(raw);
}

function parseUrl(source: ConfigSource, variable: ConfigVariable, protocols: string[]): string | null {
  const raw = read(source, variable);
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return invalid(variable, `a URL starting with ${protocols.join(' or ')}`, raw);
  }
  if (!protocols.includes(url.protocol.replace(/:$/, '') + '://')) {
    invalid(variable, `a URL starting with ${protocols.join(' or ')}`, raw);
  }
  return raw;
}

function parseDatabase(source: ConfigSource, cwd: string): DatabaseConfig {
  const raw = read(source, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  // Checked on SQLite too: a wrong value is refused rather than ignored until the move to PostgreSQL.
  const preparedStatements = parseBoolean(source, 'ENROLLD_PG_PREPARED_STATEMENTS', true);
  const listen = read(source, 'ENROLLD_PG_LISTEN_URL');
  const listenUrl = listen === 'off' ? null : (parseUrl(source, 'ENROLLD_PG_LISTEN_URL', ['postgres://', 'postgresql://']) ?? undefined);
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '' || file === ':memory:') {
      invalid('DATABASE_URL', 'sqlite:PATH with a file path (the embedded database is a file)', raw);
    }
    return { kind: 'sqlite', file: path.resolve(cwd, file) };
  }
  if (/^postgres(ql)?:\/\//.test(raw)) {
    parseUrl(source, 'DATABASE_URL', ['postgres://', 'postgresql://']);
    return { kind: 'postgres', url: raw, preparedStatements, listenUrl: listenUrl === undefined ? raw : listenUrl };
  }
  return invalid('DATABASE_URL', 'sqlite:PATH or postgres://USER@HOST/DB', raw);
}

function parseBoolean(source: ConfigSource, variable: ConfigVariable, fallback: boolean): boolean {
  const raw = read(source, variable);
  if (raw === undefined) return fallback;
  if (raw !== 'true' && raw !== 'false') invalid(variable, 'true or false', raw);
  return raw === 'true';
}

function parseTrustProxy(source: ConfigSource): boolean | string[] {
  const raw = read(source, 'ENROLLD_TRUST_PROXY');
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  if (!/^[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*$/.test(raw)) invalid('ENROLLD_TRUST_PROXY', 'true, false or comma-separated proxy addresses/CIDRs', raw);
  return raw.split(',').map((address) => address.trim());
}

function parseLogLevel(source: ConfigSource): LogLevel {
  const raw = read(source, 'LOG_LEVEL');
  if (raw === undefined) return 'info';
  if (!(LOG_LEVELS as string[]).includes(raw)) invalid('LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`, raw);
  return raw as LogLevel;
}

function parseKeyText(source: ConfigSource, variable: ConfigVariable, min: number, max = Infinity): string | null {
  const raw = read(source, variable);
  if (raw === undefined) return null;
  if (raw.length < min) invalid(variable, `at least ${min} characters long`, `${raw.slice(0, 3)}…`);
  if (raw.length > max) invalid(variable, `at most ${max} characters long`, `${raw.slice(0, 3)}…`);
  return raw;
}

function parseMailFrom(source: ConfigSource): string {
  const raw = read(source, 'MAIL_FROM') ?? 'enrolld <no-reply@localhost>';
  // Header injection guard: a From header must be a single line.
  if (/[\r\n]/.test(raw) || !/@/.test(raw)) invalid('MAIL_FROM', 'a single-line address such as "IT <it@example.com>"', raw);
  return raw;
}

/** Google's client library keeps only the origin of its root URL (it drops any path): so must we. */
function parseGoogleApiRoot(source: ConfigSource): string | null {
  const url = parseUrl(source, 'ENROLLD_GOOGLE_API_ROOT_URL', ['http://', 'https://']);
  if (url === null) return null;
  const parsed = new URL(url);
  if (parsed.pathname !== '/' || parsed.search !== '') invalid('ENROLLD_GOOGLE_API_ROOT_URL', 'an origin such as http://127.0.0.1:9999 (no path)', url);
  return `${parsed.origin}/`;
}

function parseMetrics(source: ConfigSource, apiPort: number): Config['metrics'] {
  const token = parseKeyText(source, 'ENROLLD_METRICS_TOKEN', MIN_METRICS_TOKEN_LENGTH, MAX_ROOT_KEY_LENGTH);
  const port = read(source, 'ENROLLD_METRICS_PORT') === undefined ? null : parseInteger(source, 'ENROLLD_METRICS_PORT', 0, 1, 65535);
  if (port !== null && port === apiPort) invalid('ENROLLD_METRICS_PORT', `a port other than PORT (${apiPort})`, String(port));
  return Object.freeze({ token, port });
}

/**
 * Parse the configuration. `source` is normally `process.env` merged with CLI flags; `cwd`
 * anchors relative SQLite paths.
 */
export function loadConfig(source: ConfigSource, cwd: string = process.cwd()): Config {
  const port = parseInteger(source, 'PORT', 8080, 0, 65535);
  const database = parseDatabase(source, cwd);
  const publicUrl = (parseUrl(source, 'ENROLLD_PUBLIC_URL', ['http://', 'https://']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const dataDirRaw = read(source, 'ENROLLD_DATA_DIR');
  const dataDir = dataDirRaw
    ? path.resolve(cwd, dataDirRaw)
    : database.kind === 'sqlite'
      ? path.dirname(database.file)
      : path.resolve(cwd, 'data');
  const secretKey = parseKeyText(source, 'ENROLLD_SECRET_KEY', MIN_SECRET_KEY_LENGTH);
  if (database.kind === 'postgres' && secretKey === null) {
    throw new ConfigError('ENROLLD_SECRET_KEY must be set when DATABASE_URL is a PostgreSQL URL (every node must share it)');
  }

  return Object.freeze({
    port,
    host: read(source, 'HOST') ?? '127.0.0.1',
    database: Object.freeze(database),
    publicUrl,
    rootKey: parseKeyText(source, 'ENROLLD_ROOT_KEY', MIN_ROOT_KEY_LENGTH, MAX_ROOT_KEY_LENGTH),
    dataDir,
    secretKey,
    smtpUrl: parseUrl(source, 'SMTP_URL', ['smtp://', 'smtps://']),
    mailFrom: parseMailFrom(source),
    enrollRateLimit: parseInteger(source, 'ENROLLD_ENROLL_RATE_LIMIT', 60, 1, 1_000_000),
    redeemRateLimit: parseInteger(source, 'ENROLLD_REDEEM_RATE_LIMIT', 6000, 1, 10_000_000),
    trustProxy: parseTrustProxy(source),
    redisUrl: parseUrl(source, 'REDIS_URL', ['redis://', 'rediss://']),
    logLevel: parseLogLevel(source),
    email: Object.freeze({
      maxAttempts: parseInteger(source, 'ENROLLD_EMAIL_MAX_ATTEMPTS', 8, 1, 100),
      retryBaseSeconds: parseInteger(source, 'ENROLLD_EMAIL_RETRY_BASE_SECONDS', 30, 0, 86_400),
      leaseSeconds: parseInteger(source, 'ENROLLD_EMAIL_LEASE_SECONDS', 120, 1, 86_400),
      orgRateLimit: parseInteger(source, 'ENROLLD_EMAIL_ORG_RATE_LIMIT', 5000, 1, 10_000_000),
    }),
    sessionIdleMinutes: parseInteger(source, 'ENROLLD_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    webhooks: Object.freeze({
      concurrency: parseInteger(source, 'ENROLLD_WEBHOOK_CONCURRENCY', 16, 1, 1000),
      allowPrivate: parseBoolean(source, 'ENROLLD_WEBHOOK_ALLOW_PRIVATE', false),
      leaseSeconds: parseInteger(source, 'ENROLLD_WEBHOOK_LEASE_SECONDS', 60, 1, 86_400),
    }),
    amapi: Object.freeze({
      concurrency: parseInteger(source, 'ENROLLD_AMAPI_CONCURRENCY', 4, 1, 100),
      leaseSeconds: parseInteger(source, 'ENROLLD_AMAPI_LEASE_SECONDS', 90, 1, 86_400),
    }),
    google: Object.freeze({
      apiRootUrl: parseGoogleApiRoot(source),
      oauthTokenUrl: parseUrl(source, 'ENROLLD_GOOGLE_OAUTH_TOKEN_URL', ['http://', 'https://']),
      oidcCertsUrl: parseUrl(source, 'ENROLLD_GOOGLE_OIDC_CERTS_URL', ['http://', 'https://']),
    }),
    metrics: parseMetrics(source, port),
  });
}
