/**
 * Which error codes an operation can answer, for its description and its documented responses.
 * Most follow from what the route is: authenticated (4002, 4004, 4003), in an organization (4003
 * for one that does not exist), with input (3000), addressing one entity (3001), with a body
 * (1003), rate limited (1004), taking an Idempotency-Key (5301, 5302), honouring If-Match (5303,
 * and 5120 when the resource kept changing), backed by the database (1005). A route adds its own
 * business codes in `config.errors`. The HTTP status of each comes from the one error table.
 */
import type { RouteOptions } from 'fastify';
import { ERROR_TABLE, ErrorCode } from '../../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's own error codes, beyond those that follow from what it is. */
    errors?: readonly ErrorCode[];
  }
}

/** Path parameters that name the organization rather than an entity in it. */
const SCOPE_PARAMS = new Set(['organizationId']);

function pathParams(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);
}

/** Limited per route (config.rateLimit), or by its plugin's own limiter (which then lists 1004 in config.errors). */
export function isRateLimited(route: Pick<RouteOptions, 'config'>): boolean {
  return Boolean(route.config?.rateLimit) || (route.config?.errors ?? []).includes(ErrorCode.TooManyRequests);
}

export function operationErrorCodes(route: Pick<RouteOptions, 'method' | 'url' | 'schema' | 'config'>): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  const schema = route.schema ?? {};
  const rule = route.config?.auth;
  const method = String(route.method);
  if (rule && !('public' in rule)) {
    codes.add(ErrorCode.NoAuthToken).add(ErrorCode.InvalidToken).add(ErrorCode.Forbidden);
  }
  const params = pathParams(route.url);
  if (schema.body || schema.querystring || schema.headers || params.length > 0) codes.add(ErrorCode.ValidationError);
  if (schema.body) codes.add(ErrorCode.PayloadTooLarge);
  if (rule && !('public' in rule) && params.some((name) => !SCOPE_PARAMS.has(name))) codes.add(ErrorCode.EntityNotFound);
  if (isRateLimited(route)) codes.add(ErrorCode.TooManyRequests);
  if (rule && !('public' in rule) && method === 'POST' && route.url.startsWith('/v1/')) codes.add(ErrorCode.IdempotencyKeyMismatch).add(ErrorCode.IdempotencyKeyInUse);
  if (route.config?.versioned && method !== 'GET') codes.add(ErrorCode.PreconditionFailed).add(ErrorCode.ErrorUpdatingEntity);
  for (const code of route.config?.errors ?? []) codes.add(code);
  if (route.url !== '/healthz') codes.add(ErrorCode.ServiceUnavailable);
  return [...codes].sort((a, b) => a - b);
}

/** The codes by HTTP status. */
export function codesByStatus(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_TABLE[code].httpStatus;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

/** `400/3000 Validation Error; …` for an operation's description. */
export function describeErrorCodes(codes: readonly ErrorCode[]): string {
  if (codes.length === 0) return '- none: it answers whenever the process runs';
  return codes.map((code) => `- ${ERROR_TABLE[code].httpStatus} / ${code}: ${ERROR_TABLE[code].message}`).join('\n');
}
