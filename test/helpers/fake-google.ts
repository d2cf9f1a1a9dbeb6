/**
 * A local fake of the three Google endpoints enrolld's Android integration talks to, on one real
 * HTTP server on 127.0.0.1: the OAuth 2.0 token endpoint (a service account's signed JWT
 * exchanged for an access token), Google's PEM certificate map (verifying Pub/Sub push OIDC
 * tokens), and the Android Management API's enrollmentTokens resource. It answers as Google does
 * — the same paths, bodies, partial views and error format — so the real client libraries
 * (google-auth-library, @googleapis/androidmanagement) are what enrolld is tested with, and it
 * can fail on demand (a status for the next calls, a seeded failure rate, or holding calls) to
 * test retries and a worker killed mid-call.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomInt,
  sign as signData,
  verify as verifySignature,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';

/** The token URI in Google's key files and the `aud` google-auth-library signs its JWTs for. */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const ANDROID_MANAGEMENT_SCOPE = 'https://www.googleapis.com/auth/androidmanagement';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const PROJECT_ID = 'test-project';

export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

/** An EnrollmentToken as AMAPI v1 answers it (camelCase JSON, proto3: unset fields absent). */
export interface EnrollmentToken {
  name: string;
  value: string;
  duration: string;
  expirationTimestamp: string;
  qrCode: string;
  policyName?: string;
  additionalData?: string;
  oneTimeOnly?: boolean;
  allowPersonalUsage?: string;
  user?: { accountIdentifier?: string };
}

export interface RecordedCall {
  method: string;
  /** The path without the query string, e.g. `/v1/enterprises/LC0test/enrollmentTokens`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON, or the form fields of a form body, or the raw text; undefined when empty. */
  body: unknown;
  authorization: string | undefined;
}

export interface StoredToken {
  token: EnrollmentToken;
  createdAt: Date;
}

export interface PushTokenClaims {
  aud: string;
  /** The push subscription's service account; default `push@test-project.iam.gserviceaccount.com`. */
  email?: string;
  email_verified?: boolean;
  iss?: string;
  /** Lifetime from now (default 3600); negative makes a token that expired that long ago. */
  expiresInSeconds?: number;
  /** The header's kid; default the fake certificate's. */
  kid?: string;
  /** 'other' signs with a key the certificate map does not hold: a bad signature. */
  signWith?: 'fake' | 'other';
}

export interface FailureOptions {
  /** Seconds, sent as a Retry-After header. */
  retryAfter?: number;
}

export interface FakeGoogleOptions {
  /** The enterprises the service account manages; any other is 404. Default `['enterprises/LC0test']`. */
  enterprises?: string[];
  /** Seeds the PRNG behind setFailureRate, so a failing run replays. Default 1. */
  seed?: number;
}

export interface FakeGoogle {
  /** The origin with a trailing slash: pass it as `rootUrl` (googleapis-common keeps only the origin). */
  url: string;
  tokenUrl: string;
  certsUrl: string;
  serviceAccountKey: ServiceAccountKey;
  signPushToken(claims: PushTokenClaims): string;
  /** Every request, in arrival order (recorded before a hold or an injected failure). */
  calls: RecordedCall[];
  /** Live tokens by name; a deleted one is removed. */
  tokens: Map<string, StoredToken>;
  /** Names deleted, in order. */
  deleted: string[];
  /** Access tokens the token endpoint issued, in order. */
  accessTokens: string[];
  /** The next n AMAPI calls (not /token or the certificates) answer this status and do nothing. */
  failNext(n: number, status: number, options?: FailureOptions): void;
  /** Each AMAPI create fails with this status with probability `rate` (seeded), doing nothing. */
  setFailureRate(rate: number, status: number, options?: FailureOptions): void;
  /** AMAPI calls from now on wait (already recorded in `calls`) until release(). */
  hold(): void;
  release(): void;
  waitForCalls(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Google's canonical status names, as its JSON error bodies carry them. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};
const FAILURE_MESSAGES: Record<number, string> = {
  429: "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'androidmanagement.googleapis.com' for consumer 'project_number:000000000000'.",
  500: 'Internal error encountered.',
  503: 'The service is currently unavailable.',
};

const TOKEN_FIELDS = new Set(['additionalData', 'allowPersonalUsage', 'duration', 'expirationTimestamp', 'name', 'oneTimeOnly', 'policyName', 'qrCode', 'user', 'value']);
const PERSONAL_USAGE = new Set(['ALLOW_PERSONAL_USAGE_UNSPECIFIED', 'PERSONAL_USAGE_ALLOWED', 'PERSONAL_USAGE_DISALLOWED', 'PERSONAL_USAGE_DISALLOWED_USERLESS']);
const DPC_EXTRAS = {
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME': 'com.google.android.apps.work.clouddpc/.receivers.CloudDeviceAdminReceiver',
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM': 'I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg',
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION': 'https://play.google.com/managed/downloadManagingApp?identifier=setup',
};

class GoogleError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

function signJwt(header: object, payload: object, key: KeyObject): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${signData('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** The payload of an RS256 JWT whose signature `key` verifies, or null. */
function verifyJwt(jwt: string, key: KeyObject): Record<string, unknown> | null {
  const [header, payload, signature, ...rest] = jwt.split('.');
  if (!header || !payload || signature === undefined || rest.length > 0) return null;
  try {
    if (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg !== 'RS256') return null;
    if (!verifySignature('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))) return null;
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

/** A self-signed certificate for a key: Google's certificate map holds certificates, not keys. */
function selfSignedCertificate(privateKey: KeyObject): string {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString());
  certificate.serialNumber = `0${randomBytes(8).toString('hex').slice(1)}`;
  certificate.validity.notBefore = new Date(Date.now() - 60_000);
  certificate.validity.notAfter = new Date(Date.now() + 86_400_000);
  const name = [{ name: 'commonName', value: 'federated-signon.system.gserviceaccount.com' }];
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

/** mulberry32: small, seeded, and the same sequence on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const newRsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const randomLetters = (length: number) => Array.from({ length }, () => String.fromCharCode(65 + randomInt(26))).join('');
const randomDigits = (length: number) => `${1 + randomInt(9)}${Array.from({ length: length - 1 }, () => randomInt(10)).join('')}`;

export async function startFakeGoogle(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const enterprises = new Set(options.enterprises ?? ['enterprises/LC0test']);
  const accountKey = newRsaKey();
  const certificateKey = newRsaKey();
  const otherKey = newRsaKey();
  const kid = randomBytes(20).toString('hex');
  const certificates = { [kid]: selfSignedCertificate(certificateKey) };
  const serviceAccountKey: ServiceAccountKey = {
    type: 'service_account',
    project_id: PROJECT_ID,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: accountKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `enrolld@${PROJECT_ID}.iam.gserviceaccount.com`,
    client_id: randomDigits(21),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: GOOGLE_TOKEN_URI,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/enrolld%40${PROJECT_ID}.iam.gserviceaccount.com`,
    universe_domain: 'googleapis.com',
  };
  const accountPublicKey = createPublicKey(createPrivateKey(serviceAccountKey.private_key));
  const pushSubject = randomDigits(21);

  const calls: RecordedCall[] = [];
  const tokens = new Map<string, StoredToken>();
  const sequence = new Map<string, number>();
  let created = 0;
  const deleted: string[] = [];
  const accessTokens: string[] = [];
  const accessTokenExpiry = new Map<string, number>();
  const pendingFailures: { status: number; retryAfter?: number }[] = [];
  let failureRate: { rate: number; status: number; retryAfter?: number } | null = null;
  const random = seededRandom(options.seed ?? 1);
  let gate: { promise: Promise<void>; open: () => void } | null = null;

  function exchangeJwt(form: Record<string, string>) {
    // The token endpoint's errors are OAuth 2.0's `{error, error_description}`, not the API format.
    const oauthError = (error: string, description: string) => ({ status: 400, body: { error, error_description: description } });
    if (form.grant_type !== JWT_BEARER) return oauthError('unsupported_grant_type', `Invalid grant_type: ${form.grant_type ?? ''}`);
    const claims = form.assertion ? verifyJwt(form.assertion, accountPublicKey) : null;
    if (!claims) return oauthError('invalid_grant', 'Invalid JWT Signature.');
    const now = Math.floor(Date.now() / 1000);
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    if (claims.iss !== serviceAccountKey.client_email) return oauthError('invalid_grant', 'Invalid grant: account not found');
    if (claims.aud !== GOOGLE_TOKEN_URI) return oauthError('invalid_grant', 'Invalid JWT: Failed audience check.');
    if (!(exp > now && iat <= now + 300 && exp - iat <= 3600)) {
      return oauthError('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.includes(ANDROID_MANAGEMENT_SCOPE)) return oauthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    const accessToken = `ya29.${randomBytes(32).toString('base64url')}`;
    accessTokens.push(accessToken);
    accessTokenExpiry.set(accessToken, Date.now() + 3_600_000);
    return { status: 200, body: { access_token: accessToken, expires_in: 3600, token_type: 'Bearer' } };
  }

  function knownEnterprise(enterprise: string) {
    if (!enterprises.has(enterprise)) throw new GoogleError(404, `Requested entity was not found: ${enterprise}.`);
  }

  function createToken(enterprise: string, body: unknown): EnrollmentToken {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GoogleError(400, 'Invalid JSON payload received. Expected an object.');
    const request = body as Record<string, unknown>;
    for (const field of Object.keys(request)) {
      if (!TOKEN_FIELDS.has(field)) throw new GoogleError(400, `Invalid JSON payload received. Unknown name "${field}" at 'enrollment_token': Cannot find field.`);
    }
    const duration = request.duration ?? '3600s';
    const match = typeof duration === 'string' ? /^(\d+)(\.\d{1,9})?s$/.exec(duration) : null;
    if (typeof duration !== 'string' || !match) throw new GoogleError(400, `Invalid value at 'enrollment_token.duration' (type.googleapis.com/google.protobuf.Duration), ${JSON.stringify(duration)}`);
    const seconds = Number(match[1]) + Number(match[2] ?? 0);
    if (seconds < 60) throw new GoogleError(400, 'The duration must be at least 60 seconds.');
    if (typeof request.additionalData === 'string' && request.additionalData.length > 1024) throw new GoogleError(400, 'additional_data must be at most 1024 characters.');
    if (request.allowPersonalUsage !== undefined && !PERSONAL_USAGE.has(String(request.allowPersonalUsage))) {
      throw new GoogleError(400, `Invalid value at 'enrollment_token.allow_personal_usage', ${JSON.stringify(request.allowPersonalUsage)}`);
    }
    let policyName = request.policyName as string | undefined;
    // A bare policy id is expanded to the full name, as Google documents.
    if (policyName && !policyName.includes('/')) policyName = `${enterprise}/policies/${policyName}`;
    if (policyName && !policyName.startsWith(`${enterprise}/policies/`)) throw new GoogleError(400, `Invalid policy name: ${policyName}`);

    const value = randomLetters(20);
    const token: EnrollmentToken = {
      name: `${enterprise}/enrollmentTokens/${randomBytes(24).toString('base64url')}`,
      value,
      duration,
      expirationTimestamp: new Date(Date.now() + seconds * 1000).toISOString(),
      qrCode: JSON.stringify({ ...DPC_EXTRAS, 'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': { 'com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN': value } }),
    };
    // proto3 JSON leaves defaults out: `oneTimeOnly: false` is not echoed, nor an empty string.
    if (policyName) token.policyName = policyName;
    if (request.additionalData) token.additionalData = String(request.additionalData);
    if (request.oneTimeOnly === true) token.oneTimeOnly = true;
    if (request.allowPersonalUsage && request.allowPersonalUsage !== 'ALLOW_PERSONAL_USAGE_UNSPECIFIED') token.allowPersonalUsage = String(request.allowPersonalUsage);
    if (request.user && typeof request.user === 'object') token.user = request.user as EnrollmentToken['user'];
    tokens.set(token.name, { token, createdAt: new Date() });
    sequence.set(token.name, ++created);
    return token;
  }

  const partial = (token: EnrollmentToken) => ({ name: token.name, expirationTimestamp: token.expirationTimestamp });
  const unexpired = (stored: StoredToken) => Date.parse(stored.token.expirationTimestamp) > Date.now();

  function liveToken(name: string): StoredToken {
    const stored = tokens.get(name);
    if (!stored) throw new GoogleError(404, `Enrollment token ${name} not found.`);
    return stored;
  }

  function listTokens(enterprise: string, query: Record<string, string>) {
    const pageSize = query.pageSize === undefined ? 10 : Number(query.pageSize);
    if (!Number.isInteger(pageSize) || pageSize < 0) throw new GoogleError(400, `Invalid value at 'page_size' (TYPE_INT32), "${query.pageSize}"`);
    // The page token is the creation sequence of the last token answered, so deleting between
    // pages neither skips nor repeats one.
    let after = 0;
    if (query.pageToken) {
      after = Number(Buffer.from(query.pageToken, 'base64url').toString('utf8'));
      if (!Number.isInteger(after) || after < 1) throw new GoogleError(400, 'Invalid page token.');
    }
    const matching = [...tokens.values()].filter((stored) => stored.token.name.startsWith(`${enterprise}/enrollmentTokens/`) && unexpired(stored) && sequence.get(stored.token.name)! > after);
    const page = matching.slice(0, Math.min(pageSize || 10, 100));
    const answer: { enrollmentTokens?: object[]; nextPageToken?: string } = {};
    if (page.length > 0) answer.enrollmentTokens = page.map((stored) => partial(stored.token));
    if (matching.length > page.length) answer.nextPageToken = base64url(String(sequence.get(page.at(-1)!.token.name)));
    return answer;
  }

  function routeAmapi(method: string, path: string, query: Record<string, string>, body: unknown): object {
    const collection = /^\/v1\/(enterprises\/[^/]+)\/enrollmentTokens$/.exec(path);
    if (collection) {
      const enterprise = collection[1]!;
      if (method === 'POST') {
        knownEnterprise(enterprise);
        if (failureRate && random() < failureRate.rate) throw Object.assign(new GoogleError(failureRate.status, FAILURE_MESSAGES[failureRate.status] ?? 'Injected failure.'), { retryAfter: failureRate.retryAfter });
        return createToken(enterprise, body);
      }
      if (method === 'GET') {
        knownEnterprise(enterprise);
        return listTokens(enterprise, query);
      }
    }
    const item = /^\/v1\/((enterprises\/[^/]+)\/enrollmentTokens\/[^/]+)$/.exec(path);
    if (item) {
      const name = item[1]!;
      knownEnterprise(item[2]!);
      if (method === 'GET') {
        const stored = liveToken(name);
        if (!unexpired(stored)) throw new GoogleError(404, `Enrollment token ${name} not found.`);
        return partial(stored.token);
      }
      if (method === 'DELETE') {
        liveToken(name);
        tokens.delete(name);
        deleted.push(name);
        return {};
      }
    }
    throw new GoogleError(404, `Method ${method} ${path} not found.`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const parts: Buffer[] = [];
    for await (const chunk of request) parts.push(chunk as Buffer);
    const text = Buffer.concat(parts).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    let body: unknown;
    if (text) {
      if (String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(text));
      else {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
    }
    const authorization = request.headers.authorization;
    calls.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body, authorization });

    const send = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
      if (response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
      response.end(JSON.stringify(answer));
    };
    const sendError = (error: GoogleError, headers: Record<string, string> = {}) =>
      send(error.status, { error: { code: error.status, message: error.message, status: STATUS_NAMES[error.status] ?? 'UNKNOWN' } }, headers);

    if (url.pathname === '/token' && method === 'POST') {
      const answer = exchangeJwt(typeof body === 'object' && body !== null ? (body as Record<string, string>) : {});
      return send(answer.status, answer.body, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
    }
    if (url.pathname === '/oauth2/v1/certs' && method === 'GET') return send(200, certificates, { 'cache-control': 'public, max-age=3600' });
    if (!url.pathname.startsWith('/v1/')) return sendError(new GoogleError(404, `${url.pathname} not found.`));

    if (gate) await gate.promise;
    // Google authenticates before it counts quota or does anything else.
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!bearer || !((accessTokenExpiry.get(bearer) ?? 0) > Date.now())) {
      return sendError(
        new GoogleError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'),
        { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      );
    }
    const injected = pendingFailures.shift();
    if (injected) {
      return sendError(new GoogleError(injected.status, FAILURE_MESSAGES[injected.status] ?? 'Injected failure.'), injected.retryAfter === undefined ? {} : { 'retry-after': String(injected.retryAfter) });
    }
    try {
      send(200, routeAmapi(method, url.pathname, Object.fromEntries(url.searchParams), body));
    } catch (error) {
      if (!(error instanceof GoogleError)) throw error;
      const retryAfter = (error as GoogleError & { retryAfter?: number }).retryAfter;
      sendError(error, retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) });
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.destroyed) {
        response.writeHead(500, { 'content-type': 'application/json; charset=UTF-8' });
        response.end(JSON.stringify({ error: { code: 500, message: String(error), status: 'INTERNAL' } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url: origin,
    tokenUrl: `${origin}token`,
    certsUrl: `${origin}oauth2/v1/certs`,
    serviceAccountKey,
    signPushToken(claims) {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + (claims.expiresInSeconds ?? 3600);
      const payload = {
        aud: claims.aud,
        azp: pushSubject,
        email: claims.email ?? `push@${PROJECT_ID}.iam.gserviceaccount.com`,
        email_verified: claims.email_verified ?? true,
        exp,
        // An expired token was issued an hour before it expired, as a real one would have been.
        iat: Math.min(now, exp - 3600),
        iss: claims.iss ?? 'https://accounts.google.com',
        sub: pushSubject,
      };
      return signJwt({ alg: 'RS256', kid: claims.kid ?? kid, typ: 'JWT' }, payload, claims.signWith === 'other' ? otherKey : certificateKey);
    },
    calls,
    tokens,
    deleted,
    accessTokens,
    failNext(n, status, failure = {}) {
      for (let i = 0; i < n; i++) pendingFailures.push({ status, retryAfter: failure.retryAfter });
    },
    setFailureRate(rate, status, failure = {}) {
      failureRate = rate > 0 ? { rate, status, retryAfter: failure.retryAfter } : null;
    },
    hold() {
      if (gate) return;
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = null;
    },
    async waitForCalls(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (calls.length < count) {
        if (Date.now() > deadline) throw new Error(`fake Google received ${calls.length} calls, expected ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      gate?.open();
      gate = null;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
