/**
 * The separate metrics listener (ENROLLD_METRICS_PORT): a second HTTP server on HOST that answers
 * GET /metrics and nothing else, for scrapers inside a private network while the API's port faces
 * the world. `enrolld serve` and `enrolld worker` each run one for their own process.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Registry } from 'prom-client';
import { registerErrorHandling } from '../../http/error-handler.ts';
import { metricsRoutes } from './metrics.routes.ts';

export interface MetricsListenerOptions {
  host: string;
  port: number;
  /** ENROLLD_METRICS_TOKEN, required here too when set. */
  token: string | null;
  log: FastifyBaseLogger;
}

export async function startMetricsListener(registry: Registry, options: MetricsListenerOptions): Promise<FastifyInstance> {
  // A scrape every few seconds would drown the log in request lines; errors are still logged.
  const app = Fastify({ loggerInstance: options.log, logController: new LogController({ disableRequestLogging: true }) });
  registerErrorHandling(app);
  await app.register(metricsRoutes, { registry, token: options.token });
  await app.listen({ host: options.host, port: options.port });
  return app;
}
