/** Liveness, readiness and the API description: public, outside /v1. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ok } from '../../http/envelope.ts';
import { errorResponses, success } from '../../http/schemas.ts';
import { AppError, ErrorCode } from '../../errors.ts';

const tags = ['Operations'];
const Health = success(
  Type.Object({ status: Type.String({ description: '"ok" when the check passed' }) }, { description: 'Check result' }),
  'The check passed',
);

export const operationsRoutes: FastifyPluginAsyncTypebox<{ ping(): Promise<boolean> }> = async (app, { ping }) => {
  app.get(
    '/healthz',
    { schema: { tags, summary: 'Liveness: the process answers', response: { 200: Health } } },
    async () => ok({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { schema: { tags, summary: 'Readiness: the database answers', response: { 200: Health, ...errorResponses(503) } } },
    async () => {
      if (!(await ping())) throw new AppError(ErrorCode.ServiceUnavailable, 'Service unavailable: the database does not answer');
      return ok({ status: 'ok' });
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.openApiDocument());
};
