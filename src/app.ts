/**
 * buildApp: the composition root. Wires services to the database, registers plugins, the error
 * handling, authentication and every route. It never listens (server.ts does), so tests drive it
 * with `app.inject()` against a real database.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { type RouteAuth, registerAuth } from './http/auth.ts';
import { registerErrorHandling } from './http/error-handler.ts';
import { ErrorEnvelope } from './http/schemas.ts';
import { validatorCompiler } from './http/validation.ts';
import { mdmUserRoutes } from './modules/mdm-users/mdm-users.routes.ts';
import { createMdmUserService } from './modules/mdm-users/mdm-users.service.ts';
import { operationsRoutes } from './modules/operations/operations.routes.ts';
import { organizationRoutes } from './modules/organizations/organizations.routes.ts';
import { createOrganizationService } from './modules/organizations/organizations.service.ts';
import { serviceAccountRoutes } from './modules/service-accounts/service-accounts.routes.ts';
import { createServiceAccountService } from './modules/service-accounts/service-accounts.service.ts';

/** Big enough for a 10,000-address bulk request of long addresses, small enough to refuse abuse. */
export const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export interface RouteCatalogEntry {
  method: string;
  url: string;
  auth: RouteAuth | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeCatalog: readonly RouteCatalogEntry[];
  }
}

export interface AppDependencies {
  config: Config;
  database: DatabaseHandle;
  /** Where pino writes (stdout by default); tests pass a stream to read the logs. */
  logStream?: NodeJS.WritableStream;
}

export function createServices(database: DatabaseHandle) {
  const { db } = database;
  return {
    organizations: createOrganizationService({ db }),
    serviceAccounts: createServiceAccountService({ db }),
    mdmUsers: createMdmUserService({ db }),
  };
}

export type Services = ReturnType<typeof createServices>;

export async function buildApp({ config, database, logStream }: AppDependencies): Promise<FastifyInstance> {
  const services = createServices(database);
  const app = Fastify({
    logger: logStream ? { level: config.logLevel, stream: logStream } : { level: config.logLevel },
    bodyLimit: BODY_LIMIT_BYTES,
    // Keep a caller's correlation id when it is sane; otherwise make one.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    if (!REQUEST_ID.test(request.id)) request.id = randomUUID();
    reply.header('x-request-id', request.id);
  });

  // Every route with its auth rule, for the OpenAPI and tenant-isolation tests to iterate over.
  const routeCatalog: RouteCatalogEntry[] = [];
  app.decorate('routeCatalog', routeCatalog);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeCatalog.push({ method, url: route.url, auth: route.config?.auth });
    }
  });

  app.setValidatorCompiler(validatorCompiler);
  app.addSchema(ErrorEnvelope);
  registerErrorHandling(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'enrolld API',
        version: '1',
        description:
          'Device-enrollment tokens for Apple, Windows and Android MDM, compatible with Applivery\'s enrollment-token API. ' +
          'Every answer is `{status: true, data}` or `{status: false, error: {code, message, data?}}`.',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A service-account token or the root key' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } as never });

  registerAuth(app, {
    rootKey: config.rootKey,
    authenticateKey: (token) => services.serviceAccounts.authenticate(token),
    findOrganization: (idOrSlug) => services.organizations.find(idOrSlug),
  });

  await app.register(operationsRoutes, { ping: () => database.ping() });
  await app.register(organizationRoutes, { prefix: '/v1/organizations', organizations: services.organizations });
  await app.register(serviceAccountRoutes, {
    prefix: '/v1/organizations/:organizationId/service-accounts',
    serviceAccounts: services.serviceAccounts,
  });
  await app.register(mdmUserRoutes, { prefix: '/v1/organizations/:organizationId/mdm/users', mdmUsers: services.mdmUsers });

  return app;
}
