/**
 * Google's Android Management API, through Google's own client libraries: the service account
 * signs a JWT and trades it for an access token (google-auth-library), and the generated client
 * (@googleapis/androidmanagement) makes the calls. Both are loaded on first use: a deployment in
 * local mode never pays for them at start-up.
 *
 * Calls never retry inside the library (`retry: false`): the provisioning jobs own retries, with
 * their backoff, Retry-After and crash recovery. A failed call becomes a GoogleCallError saying
 * whether trying again can help (429, 5xx, timeouts and network errors) and after how long
 * Google asked to wait.
 *
 * For tests and air-gapped development only, `GoogleEndpoints` point the calls, the token
 * exchange and the push certificates at a local stand-in (config.ts: ENROLLD_GOOGLE_*).
 */
import type { androidmanagement_v1 } from '@googleapis/androidmanagement';
import type { ServiceAccountKey } from '../mdm-integrations/mdm-integrations.service.ts';

export const AMAPI_SCOPE = 'https://www.googleapis.com/auth/androidmanagement';
/** Where google-auth-library sends a service account's token request; rewritten when configured. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** A call Google has not answered after this long is given up (and treated as possibly done). */
const CALL_TIMEOUT_MS = 30_000;

export interface GoogleEndpoints {
  apiRootUrl: string | null;
  oauthTokenUrl: string | null;
  oidcCertsUrl: string | null;
}

/** Google's EnrollmentToken as created: `value` and `qrCode` are never readable again. */
export interface CreatedEnrollmentToken {
  name: string;
  value: string;
  qrCode: string;
  expirationTimestamp: string;
}

export interface EnrollmentTokenRequest {
  duration: string;
  policyName?: string;
  additionalData: string;
  oneTimeOnly: true;
  allowPersonalUsage: string;
}

export class GoogleCallError extends Error {
  override name = 'GoogleCallError';
  /** The HTTP status Google answered, or null when no answer came. */
  readonly status: number | null;
  /** Whether the same call may succeed later (429, 5xx, no answer). */
  readonly retryable: boolean;
  /** Google's Retry-After, in milliseconds, when it gave one. */
  readonly retryAfterMs: number | null;
  /** No answer came (timeout, connection lost): the call may have been done at Google. */
  readonly outcomeUnknown: boolean;

  constructor(message: string, status: number | null, retryable: boolean, retryAfterMs: number | null, outcomeUnknown: boolean) {
    super(message);
    this.status = status;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
    this.outcomeUnknown = outcomeUnknown;
  }
}

export interface AmapiClient {
  createEnrollmentToken(enterpriseName: string, request: EnrollmentTokenRequest): Promise<CreatedEnrollmentToken>;
  /** Deleting a token Google no longer has is not an error: the token is gone either way. */
  deleteEnrollmentToken(name: string): Promise<void>;
  /** Every live token of the enterprise, as Google lists them (name and expiry only). */
  listEnrollmentTokens(enterpriseName: string): Promise<Array<{ name: string; expirationTimestamp: string }>>;
}

/** Seconds, or an HTTP date, as Retry-After may give them. */
function retryAfterMs(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

interface LibraryError {
  message?: string;
  code?: unknown;
  status?: unknown;
  response?: { status?: number; headers?: unknown; data?: { error?: { message?: string; status?: string } } };
}

function headerOf(headers: unknown, name: string): unknown {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  return (headers as Record<string, unknown>)[name];
}

/** The library's error (gaxios' GaxiosError, or a network error) as a GoogleCallError. */
export function toGoogleCallError(error: unknown, what: string): GoogleCallError {
  const e = error as LibraryError;
  const status = typeof e?.response?.status === 'number' ? e.response.status : null;
  const googleMessage = e?.response?.data?.error?.message ?? e?.message ?? String(error);
  const message = `${what}: ${status === null ? 'no answer' : `HTTP ${status}`}: ${googleMessage}`.replace(/\s+/g, ' ').slice(0, 500);
  if (status === null) return new GoogleCallError(message, null, true, null, true);
  const retryable = status === 429 || status === 408 || status >= 500;
  return new GoogleCallError(message, status, retryable, retryAfterMs(headerOf(e.response?.headers, 'retry-after')), false);
}

/** A client for one service account. */
export async function createAmapiClient(key: ServiceAccountKey, endpoints: GoogleEndpoints): Promise<AmapiClient> {
  const [{ JWT }, { androidmanagement }] = await Promise.all([import('google-auth-library'), import('@googleapis/androidmanagement')]);
  const auth = new JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id, scopes: [AMAPI_SCOPE] });
  if (endpoints.oauthTokenUrl) {
    const tokenUrl = endpoints.oauthTokenUrl;
    auth.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(tokenUrl);
        return options;
      },
    });
  }
  // The generated client is typed against its own (older) copy of google-auth-library; it only
  // calls the client's request(), which this one has.
  const api = androidmanagement({ version: 'v1', auth: auth as unknown as androidmanagement_v1.Options['auth'], ...(endpoints.apiRootUrl ? { rootUrl: endpoints.apiRootUrl } : {}) });
  const callOptions = { retry: false, timeout: CALL_TIMEOUT_MS };

  return {
    async createEnrollmentToken(enterpriseName, request) {
      try {
        const response = await api.enterprises.enrollmentTokens.create({ parent: enterpriseName, requestBody: request }, callOptions);
        const token = response.data;
        if (!token.name || !token.value || !token.qrCode || !token.expirationTimestamp) {
          throw new GoogleCallError('create enrollment token: Google answered without name, value, qrCode or expirationTimestamp', response.status, false, null, false);
        }
        return { name: token.name, value: token.value, qrCode: token.qrCode, expirationTimestamp: token.expirationTimestamp };
      } catch (error) {
        throw error instanceof GoogleCallError ? error : toGoogleCallError(error, 'create enrollment token');
      }
    },

    async deleteEnrollmentToken(name) {
      try {
        await api.enterprises.enrollmentTokens.delete({ name }, callOptions);
      } catch (error) {
        const failure = toGoogleCallError(error, 'delete enrollment token');
        if (failure.status !== 404) throw failure;
      }
    },

    async listEnrollmentTokens(enterpriseName) {
      const tokens: Array<{ name: string; expirationTimestamp: string }> = [];
      let pageToken: string | undefined;
      try {
        do {
          const response = await api.enterprises.enrollmentTokens.list({ parent: enterpriseName, pageSize: 100, pageToken }, callOptions);
          for (const token of response.data.enrollmentTokens ?? []) {
            if (token.name && token.expirationTimestamp) tokens.push({ name: token.name, expirationTimestamp: token.expirationTimestamp });
          }
          pageToken = response.data.nextPageToken ?? undefined;
        } while (pageToken);
      } catch (error) {
        throw toGoogleCallError(error, 'list enrollment tokens');
      }
      return tokens;
    },
  };
}

/** What a verified Pub/Sub push token says. */
export interface PushClaims {
  email: string | null;
  emailVerified: boolean;
}

/**
 * Checks Pub/Sub push tokens: RS256 JWTs Google signs, checked against Google's published
 * certificates (fetched and cached by google-auth-library), for issuer, audience, expiry and
 * signature. Throws when any check fails.
 */
export async function createPushTokenVerifier(endpoints: GoogleEndpoints) {
  const { OAuth2Client } = await import('google-auth-library');
  const client = new OAuth2Client(endpoints.oidcCertsUrl ? { endpoints: { oauth2FederatedSignonPemCertsUrl: endpoints.oidcCertsUrl } } : {});
  return async (idToken: string, audience: string): Promise<PushClaims> => {
    const ticket = await client.verifyIdToken({ idToken, audience });
    const payload = ticket.getPayload();
    return { email: payload?.email ?? null, emailVerified: payload?.email_verified === true };
  };
}
