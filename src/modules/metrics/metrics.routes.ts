/**
 * GET /metrics: the Prometheus text format. Outside /v1 and its API keys: when
 * ENROLLD_METRICS_TOKEN is set a scraper presents exactly that token as a bearer token (compared
 * as SHA-256 digests in constant time); without a token the route is only registered on the
 * separate metrics listener (ENROLLD_METRICS_PORT). Never rate-limited, and kept out of the
 * OpenAPI document: it is not part of the API and may not even be on the API's port.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { AppError, ErrorCode } from '../../errors.ts';
import { parseBearerToken } from '../../http/auth.ts';
import { digestsEqual, hashSecret } from '../../lib/secrets.ts';

export interface MetricsRouteOptions {
  registry: Registry;
  /** The bearer token scrapers must present, or null where the listener alone protects it. */
  token: string | null;
}

function requireToken(tokenHash: string) {
  return async (request: FastifyRequest) => {
    const presented = parseBearerToken(request.headers.authorization);
    if (presented === undefined) throw new AppError(ErrorCode.NoAuthToken);
    if (presented === null || !digestsEqual(hashSecret(presented), tokenHash)) throw new AppError(ErrorCode.InvalidToken);
  };
}

export const metricsRoutes: FastifyPluginAsync<MetricsRouteOptions> = async (app, { registry, token }) => {
  app.get(
    '/metrics',
    {
      config: { auth: { public: true } },
      schema: { hide: true },
      ...(token ? { onRequest: requireToken(hashSecret(token)) } : {}),
    },
    async (_request, reply) => {
      reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
      return registry.metrics();
    },
  );
};
