/**
 * The CLI's commands that work against a running enrolld (tokens export and import) speak its REST
 * API like any other client: a bearer key, the envelope, and an error as one line naming the code.
 */
import { ErrorCode } from '../errors.ts';

export interface RemoteOptions {
  /** The server's base URL, e.g. https://enrolld.example.com */
  url: string;
  /** An API key (a service account's, or the root key). */
  token: string;
  /** The organization's id or slug. */
  organization: string;
}

export class RemoteError extends Error {
  override name = 'RemoteError';
  /** The HTTP status, or null when the server could not be reached. */
  readonly status: number | null;
  /** The error code of the envelope, when there was one. */
  readonly code: number | null;
  readonly data: Record<string, unknown> | null;
  /** The server's own message, without the status and code. */
  readonly detail: string;

  constructor(message: string, answer: { status?: number; code?: number; data?: Record<string, unknown>; detail?: string } = {}) {
    super(message);
    this.status = answer.status ?? null;
    this.code = answer.code ?? null;
    this.data = answer.data ?? null;
    this.detail = answer.detail ?? message;
  }
}

/**
 * Worth sending again as it was: the server was unreachable or failing, limited the rate, or
 * still runs the first request of an Idempotency-Key (it frees the key within seconds if the
 * node running it died).
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof RemoteError)) return false;
  return error.status === null || error.status >= 500 || error.status === 429 || error.code === ErrorCode.IdempotencyKeyInUse;
}

interface Envelope<T> {
  status?: boolean;
  data?: T;
  error?: { code: number; message: string; data?: Record<string, unknown> };
}

function organizationUrl(remote: RemoteOptions, path: string): URL {
  return new URL(`/v1/organizations/${encodeURIComponent(remote.organization)}/${path}`, remote.url);
}

async function send<T>(remote: RemoteOptions, url: URL, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { authorization: `Bearer ${remote.token}`, accept: 'application/json', ...init.headers } });
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    throw new RemoteError(`cannot reach ${remote.url}: ${cause}`);
  }
  const body = (await response.json().catch(() => null)) as Envelope<T> | null;
  if (!response.ok || body?.status !== true) {
    const error = body?.error;
    if (!error) throw new RemoteError(`${url.pathname} answered ${response.status}`, { status: response.status });
    throw new RemoteError(`${response.status} ${error.code}: ${error.message}`, { status: response.status, code: error.code, data: error.data, detail: error.message });
  }
  return body.data as T;
}

/** GET a `/v1` path (relative to the organization) and answer the envelope's `data`. */
export async function getData<T>(remote: RemoteOptions, path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  const url = organizationUrl(remote, path);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  return send<T>(remote, url, {});
}

/** POST a JSON body to a `/v1` path (relative to the organization) under an Idempotency-Key. */
export async function postData<T>(remote: RemoteOptions, path: string, body: unknown, idempotencyKey: string): Promise<T> {
  return send<T>(remote, organizationUrl(remote, path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
}

export interface RetryPolicy {
  /** Give up when a request has failed transiently for this long. */
  giveUpAfterMs: number;
  /** Told each time a request waits to be tried again. */
  onRetry?: (error: RemoteError, waitMs: number) => void;
}

const FIRST_WAIT_MS = 250;
const LONGEST_WAIT_MS = 5_000;

/**
 * Run `attempt` until it succeeds or fails for good: transient failures are tried again with
 * doubling waits (up to 5 s) for as long as the policy allows. Only safe for requests that are
 * safe to repeat: GETs, and POSTs under an Idempotency-Key.
 */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const started = Date.now();
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error) || Date.now() - started + wait > policy.giveUpAfterMs) throw error;
      policy.onRetry?.(error as RemoteError, wait);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
