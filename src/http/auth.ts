/**
 * Authentication and authorization for every /v1 route, in one onRequest hook, before the body
 * is even validated (an anonymous caller learns nothing about a route's schema):
 *
 *   1. no or empty bearer token, and no session      → 401/4002
 *   2. unknown, malformed or revoked token           → 401/4004
 *      (a session acts as the key it was opened with: revoked key, revoked session; a
 *      state-changing request made with a session without its X-CSRF-Token → 403/4003)
 *   3. route is root-only, or the key lacks the permission → 403/4003
 *   4. `:organizationId` names another organization  → 403/4003, whether or not it exists
 *   5. (root key) the organization does not exist    → 404/3001
 *
 * Each route declares its rule in `config.auth`; a route under /v1 without one refuses to
 * register, so nothing is public by accident.
 */
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canAddressOrganization, hasPermission, type Principal } from '../auth/principal.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { digestsEqual, hashSecret } from '../lib/secrets.ts';
import type { Organization } from '../modules/organizations/organizations.types.ts';
import type { AuthenticatedKey } from '../modules/service-accounts/service-accounts.service.ts';
import type { LiveSession } from '../modules/sessions/sessions.service.ts';
import { ORGANIZATION_PARAM_PATTERN } from './schemas.ts';

/** public: no key; signedIn: any valid key; rootOnly: the root key; permission: a key holding it. */
export type RouteAuth = { public: true } | { signedIn: true } | { rootOnly: true } | { permission: string };

/** The cookie a browser session lives in (modules/sessions). */
export const SESSION_COOKIE = 'enrolld_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    principal: Principal | null;
    organization: Organization | null;
  }
}

/** The live key behind the hash of a presented token: the root key, or a service account's; null for none. */
export type KeyResolver = (keyHash: string) => Promise<{ principal: Principal; organization: Organization | null } | null>;

export function createKeyResolver(deps: { rootKey: string | null; authenticateKeyHash(hash: string): Promise<AuthenticatedKey | null> }): KeyResolver {
  const rootKeyHash = deps.rootKey ? hashSecret(deps.rootKey) : null;
  return async (keyHash) => {
    if (rootKeyHash && digestsEqual(keyHash, rootKeyHash)) return { principal: { kind: 'root' }, organization: null };
    const key = await deps.authenticateKeyHash(keyHash);
    return key ? { principal: key.principal, organization: key.organization } : null;
  };
}

export interface AuthDependencies {
  resolveKey: KeyResolver;
  /** The live session of a cookie's secret, or null. */
  findSession(secret: string): Promise<LiveSession | null>;
  findOrganization(idOrSlug: string): Promise<Organization | null>;
}

const organizationParam = new RegExp(ORGANIZATION_PARAM_PATTERN);

/**
 * Longest Authorization header worth reading: an enrolld key is 48 characters and a root key at
 * most 512. A longer header is refused unread (401/4004), so its size costs nothing.
 */
export const MAX_AUTHORIZATION_LENGTH = 1024;

const isBlank = (char: string | undefined) => char === ' ' || char === '\t';

/**
 * The bearer token of `Authorization: Bearer <token>`, read by index in one pass (a regular
 * expression with a whitespace run before a greedy group backtracked quadratically on a header of
 * 16,000 spaces). undefined: no token at all (401/4002); null: some other scheme, several
 * words, or an over-long header (401/4004). The scheme is matched case-insensitively (RFC 9110).
 */
export function parseBearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  if (header.length > MAX_AUTHORIZATION_LENGTH) return null;
  const value = header.trim();
  if (value === '') return undefined;
  if (value.slice(0, 6).toLowerCase() !== 'bearer') return null;
  if (value.length === 6) return undefined; // "Bearer" and nothing after it: no token given
  if (!isBlank(value[6])) return null; // "Bearerx…": another scheme
  const token = value.slice(7).trim();
  if (token === '') return undefined;
  for (const char of token) if (char.trim() === '') return null; // a second word
  return token;
}

/** The organization a route acts on; the auth hook guarantees it on routes with the param. */
export function organizationOf(request: FastifyRequest): Organization {
  if (!request.organization) throw new Error(`route ${request.routeOptions.url} has no resolved organization`);
  return request.organization;
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error(`route ${request.routeOptions.url} has no principal`);
  return request.principal;
}

export function registerAuth(app: FastifyInstance, deps: AuthDependencies): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('organization', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/v1') && !route.config?.auth) {
      throw new Error(`route ${route.method} ${route.url} must declare config.auth`);
    }
  });

  /** The hash of the key the request acts as: its bearer token's, else its session's (a bearer wins). */
  async function presentedKeyHash(request: FastifyRequest): Promise<string> {
    const token = parseBearerToken(request.headers.authorization);
    if (token === null) throw new AppError(ErrorCode.InvalidToken);
    if (token !== undefined) return hashSecret(token);
    const secret = request.cookies?.[SESSION_COOKIE];
    const session = secret ? await deps.findSession(secret) : null;
    if (!session) throw new AppError(ErrorCode.NoAuthToken);
    const csrf = request.headers['x-csrf-token'];
    if (!SAFE_METHODS.has(request.method) && !session.csrfMatches(Array.isArray(csrf) ? csrf[0] : csrf)) {
      throw new AppError(ErrorCode.Forbidden, 'Forbidden: a change made with a session must carry its X-CSRF-Token');
    }
    return session.keyHash;
  }

  app.addHook('onRequest', async (request) => {
    const rule = request.routeOptions.config.auth;
    if (request.is404 || !rule || 'public' in rule) return;

    const key = await deps.resolveKey(await presentedKeyHash(request));
    if (!key) throw new AppError(ErrorCode.InvalidToken);
    const { principal, organization: ownOrganization } = key;

    const refused = 'rootOnly' in rule ? principal.kind !== 'root' : 'permission' in rule ? !hasPermission(principal, rule.permission) : false;
    if (refused) {
      throw new AppError(ErrorCode.Forbidden, 'Forbidden: this key lacks the permission for this action');
    }
    request.principal = principal;

    const idOrSlug = (request.params as { organizationId?: string } | undefined)?.organizationId;
    if (idOrSlug === undefined) return;
    if (!canAddressOrganization(principal, idOrSlug)) {
      throw new AppError(ErrorCode.Forbidden, 'Forbidden: this key belongs to another organization');
    }
    if (!organizationParam.test(idOrSlug)) return; // params validation answers 400
    request.organization = ownOrganization ?? (await deps.findOrganization(idOrSlug));
    if (!request.organization) throw AppError.notFound('organization');
  });
}
