/**
 * Route-level rate-limit settings (@fastify/rate-limit, registered with global: false in app.ts).
 * Per-key limits run in preHandler, after the auth hook has identified the caller.
 */
import type { FastifyRequest } from 'fastify';

const MINUTE_MS = 60_000;

/** Per client address: the public /enroll links. */
export const perAddressLimit = (max: number) => ({ max, timeWindow: MINUTE_MS });

/** Per API key (the root key counts as one key): redemption and SCEP checks by MDM servers. */
export const perKeyLimit = (max: number) => ({
  max,
  timeWindow: MINUTE_MS,
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => {
    const principal = request.principal;
    return principal?.kind === 'serviceAccount' ? `key:${principal.serviceAccountId}` : 'key:root';
  },
});
