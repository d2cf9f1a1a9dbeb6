/** Liveness, readiness and the API description: public, outside /v1. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ok } from '../../http/envelope.ts';
import { errorResponses } from '../../http/schemas.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { Health } from './operations.schemas.ts';

const tags = ['Operations'];

export const operationsRoutes: FastifyPluginAsyncTypebox<{ ping(): Promise<boolean> }> = async (app, { ping }) => {
  app.get(
    '/healthz',
    { schema: { tags, operationId: 'getLiveness', summary: 'Liveness: the process answers', response: { 200: Health } } },
    async () => ok({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { schema: { tags, operationId: 'getReadiness', summary: 'Readiness: the database answers', response: { 200: Health, ...errorResponses(503) } } },
    async () => {
      if (!(await ping())) throw new AppError(ErrorCode.ServiceUnavailable, 'Service unavailable: the database does not answer');
      return ok({ status: 'ok' });
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.openApiDocument());
};
