/** A thin client over `app.inject()` that speaks the envelope. */
import type { FastifyInstance } from 'fastify';

export interface ApiResponse<T = any> {
  statusCode: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  /** Raw payload (string) with an explicit content type, for malformed-input tests. */
  raw?: { payload: string | Buffer; contentType?: string };
  query?: Record<string, string | number | boolean | string[]>;
  headers?: Record<string, string>;
}

export async function call<T = any>(app: FastifyInstance, method: string, url: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | Buffer | undefined;
  if (options.raw) {
    payload = options.raw.payload;
    if (options.raw.contentType) headers['content-type'] = options.raw.contentType;
  } else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers,
    payload,
    query: options.query as Record<string, string>,
  });
  let body: unknown = response.body;
  try {
    body = response.json();
  } catch {
    // not JSON (e.g. HTML): keep the text
  }
  return { statusCode: response.statusCode, body: body as T, headers: response.headers };
}

/** Assert-free helper: the error code of a failure envelope, or undefined. */
export function errorCode(response: ApiResponse): number | undefined {
  return response.body?.error?.code;
}
