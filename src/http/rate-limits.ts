/**
 * Route-level rate-limit settings (@fastify/rate-limit, registered with global: false in app.ts).
 * Per-key limits run in preHandler, after the auth hook has identified the caller.
 */
import type { FastifyRequest } from 'fastify';
import type { RateLimitName } from '../modules/metrics/metrics.ts';

const MINUTE_MS = 60_000;
/** Keys of the per-API-key limit start with this; the per-address limit's are client addresses. */
const PER_KEY_PREFIX = 'key:';

/** Per client address: the public /enroll links. */
export const perAddressLimit = (max: number) => ({ max, timeWindow: MINUTE_MS });

/** Per API key (the root key counts as one key): redemption and SCEP checks by MDM servers. */
export const perKeyLimit = (max: number) => ({
  max,
  timeWindow: MINUTE_MS,
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => {
    const principal = request.principal;
    return principal?.kind === 'serviceAccount' ? `${PER_KEY_PREFIX}${principal.serviceAccountId}` : `${PER_KEY_PREFIX}root`;
  },
});

/**
 * Which limit refused a request, from the key it was counted under (@fastify/rate-limit's
 * onExceeded hears only the request and the key): `redeem` (per key: redemption and SCEP
 * checks, ENROLLD_REDEEM_RATE_LIMIT) or `enroll` (per address: the /enroll links).
 */
export const limitNameOf = (key: string): RateLimitName => (key.startsWith(PER_KEY_PREFIX) ? 'redeem' : 'enroll');
