/**
 * buildApp: the composition root. Wires services to the database, registers plugins, the error
 * handling, authentication and every route. It never listens (server.ts does), so tests drive it
 * with `app.inject()` against a real database.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { registerApiDocs } from './http/openapi/api-docs.ts';
import { apiDocumentOptions } from './http/openapi/document-options.ts';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { createKeyResolver, type RouteAuth, registerAuth } from './http/auth.ts';
import { registerIdempotency } from './http/idempotency.ts';
import { registerPreconditions } from './http/preconditions.ts';
import { registerErrorHandling } from './http/error-handler.ts';
import { ErrorEnvelope, ValidationErrorEnvelope } from './http/schemas.ts';
import { validatorCompiler } from './http/validation.ts';
import { CATALOG } from './modules/catalog/catalog.kinds.ts';
import { catalogRoutes } from './modules/catalog/catalog.routes.ts';
import { enrollmentTokenRoutes } from './modules/enrollment-tokens/enrollment-tokens.routes.ts';
import { enterpriseRoutes } from './modules/enterprises/enterprises.routes.ts';
import { mdmUserRoutes } from './modules/mdm-users/mdm-users.routes.ts';
import { redemptionRoutes } from './modules/redemption/redemption.routes.ts';
import { operationsRoutes } from './modules/operations/operations.routes.ts';
import { organizationRoutes } from './modules/organizations/organizations.routes.ts';
import { serviceAccountRoutes } from './modules/service-accounts/service-accounts.routes.ts';
import { webhookRoutes } from './modules/webhooks/webhooks.routes.ts';
import { segmentRoutes } from './modules/segments/segments.routes.ts';
import { PLATFORM_ADAPTERS } from './platforms/index.ts';
import { enrollmentPageRoutes } from './modules/enrollment-pages/enrollment-pages.routes.ts';
import { brandingPreviewRoutes } from './modules/enrollment-pages/branding-preview.routes.ts';
import { amapiIntegrationRoutes, mdmIntegrationRoutes } from './modules/mdm-integrations/mdm-integrations.routes.ts';
import { mdmHookRoutes } from './modules/mdm-hooks/mdm-hooks.routes.ts';
import { androidHookRoutes } from './modules/android-management/android-hooks.routes.ts';
import { scepChallengeRoutes } from './modules/scep-challenges/scep-challenges.routes.ts';
import { signingIdentityRoutes } from './modules/signing-identities/signing-identities.routes.ts';
import rateLimit from '@fastify/rate-limit';
import { AppError, ErrorCode } from './errors.ts';
import { errorBody } from './http/envelope.ts';
import { logOptions } from './lib/log-options.ts';
import { limitNameOf } from './http/rate-limits.ts';
import { servedRegistry, UNMATCHED_ROUTE } from './modules/metrics/metrics.ts';
import { metricsRoutes } from './modules/metrics/metrics.routes.ts';
import { createServices, isMetricsEnabled, type Services } from './services.ts';
import cookie from '@fastify/cookie';
import { sessionRoutes } from './modules/sessions/sessions.routes.ts';
import { consoleRoutes } from './console/console.routes.ts';

/** Big enough for a 10,000-address bulk request of long addresses, small enough to refuse abuse. */
export const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const API_PATH = /^\/v1(?:[/?#]|$)/;

/**
 * API answers carry secrets (a new key, enrollCode) and tenant data: no cache, in a browser or on
 * the way, may keep any of them. Set when the answer is sent, so error answers get it too.
 */
function markUncacheable(request: FastifyRequest, reply: FastifyReply): void {
  if (API_PATH.test(request.url)) reply.header('cache-control', 'no-store');
}

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type SerializerFactory = NonNullable<CompilersFactory['buildSerializer']>;

let fastJsonStringifyFactory: SerializerFactory | undefined;
/**
 * Fastify's default serializer factory (fast-json-stringify), required from Fastify's own
 * dependencies, so it is the copy Fastify would have used itself, and only when first needed.
 */
function defaultSerializerFactory(): SerializerFactory {
  if (!fastJsonStringifyFactory) {
    const requireFromFastify = createRequire(import.meta.resolve('fastify'));
    const { SerializerSelector } = requireFromFastify('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => SerializerFactory };
    fastJsonStringifyFactory = SerializerSelector();
  }
  return fastJsonStringifyFactory;
}

/**
 * Response serializers built on a route's first answer with a given status rather than while
 * the routes are registered. Fastify compiles one fast-json-stringify function per route and
 * response status up front: 658 here, most of them for error statuses a process may never
 * answer, which took about 180 ms and 40 MB of resident memory at start-up. Each function is the
 * one Fastify would have built (its own factory, the same shared schemas and options), built
 * once; fast-json-stringify (and Ajv with it) is loaded by the first answer that has a schema.
 */
const lazySerializerFactory: SerializerFactory = (externalSchemas, options) => {
  let compile: ReturnType<SerializerFactory> | undefined;
  return (route) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data) => {
      serialize ??= (compile ??= defaultSerializerFactory()(externalSchemas, options))(route);
      return serialize(data);
    };
  };
};

/**
 * The TypeBox validator (http/validation.ts) for every route part, compiled on the part's first
 * request rather than while the routes are registered (like the serializers above). Fastify
 * types a validator factory after Ajv's compile function; at run time it takes any schema
 * compiler, as setValidatorCompiler does.
 */
const lazyValidatorCompiler: typeof validatorCompiler = (route) => {
  let validate: ReturnType<typeof validatorCompiler> | undefined;
  return (input) => (validate ??= validatorCompiler(route))(input);
};
const typeBoxValidatorFactory = (() => lazyValidatorCompiler) as unknown as NonNullable<CompilersFactory['buildValidator']>;

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
  /** Services built by the caller (the server shares them with its worker); built here otherwise. */
  services?: Services;
  /** Where pino writes (stdout by default); tests pass a stream to read the logs. */
  logStream?: NodeJS.WritableStream;
}


export async function buildApp({ config, database, logStream, services: given }: AppDependencies): Promise<FastifyInstance> {
  const services = given ?? createServices(database, config);
  const app = Fastify({
    // Given here rather than by setValidatorCompiler, so Fastify does not load its default (Ajv)
    // validator only to replace it.
    schemaController: { compilersFactory: { buildValidator: typeBoxValidatorFactory, buildSerializer: lazySerializerFactory } },
    logger: logStream ? { ...logOptions(config.logLevel), stream: logStream } : logOptions(config.logLevel),
    bodyLimit: BODY_LIMIT_BYTES,
    // Keep a caller's correlation id when it is sane; otherwise make one.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: config.trustProxy,
    // Errors the router raises before any route runs (a malformed %-escape, a path parameter over
    // the router's length limit): in the envelope like every other client mistake.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      markUncacheable(request, reply);
      reply.code(400).send(errorBody(ErrorCode.ValidationError, `Validation Error: the URL is not valid (${error.message.slice(0, 200)})`));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    if (!REQUEST_ID.test(request.id)) request.id = randomUUID();
    reply.header('x-request-id', request.id);
  });
  app.addHook('onSend', async (request, reply) => markUncacheable(request, reply));
  if (isMetricsEnabled(config)) {
    // The route pattern, never the URL: /enroll paths carry enrollment codes.
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
      services.metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  // Every route with its auth rule, for the OpenAPI and tenant-isolation tests to iterate over.
  const routeCatalog: RouteCatalogEntry[] = [];
  app.decorate('routeCatalog', routeCatalog);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeCatalog.push({ method, url: route.url, auth: route.config?.auth });
    }
  });

  app.addSchema(ErrorEnvelope);
  app.addSchema(ValidationErrorEnvelope);
  registerErrorHandling(app);

  // /openapi.json and /docs: made on the first request for either (api-docs.ts).
  registerApiDocs(
    app,
    apiDocumentOptions(config.publicUrl),
    { uiConfig: { validatorUrl: null } as never },
  );

  // Limits are declared per route (config.rateLimit): the public /enroll links per client
  // address, redemption per API key. Exceeding one answers 429/1004 with Retry-After. With
  // REDIS_URL every node counts in the same Redis; if Redis is unreachable requests are let
  // through (skipOnError) rather than refused: enrollment must not depend on the limiter.
  // ioredis is loaded only when REDIS_URL is set.
  const redis = config.redisUrl ? new (await import('ioredis')).Redis(config.redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1 }) : null;
  if (redis) {
    redis.on('error', (error) => app.log.warn({ err: error }, 'rate-limit store (Redis) unavailable'));
    app.addHook('onClose', async () => {
      redis.disconnect();
    });
  }
  await app.register(rateLimit, {
    global: false,
    ...(redis ? { redis, nameSpace: 'enrolld:rate-limit:', skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) => new AppError(ErrorCode.TooManyRequests, `Too many requests: retry in ${Math.ceil(context.ttl / 1000)} s`),
    onExceeded: (_request, key) => services.metrics.rateLimited.inc({ limit: limitNameOf(key) }),
  });

  await app.register(cookie);
  const resolveKey = createKeyResolver({ rootKey: config.rootKey, authenticateKeyHash: (hash) => services.serviceAccounts.authenticateHash(hash) });
  registerAuth(app, {
    resolveKey,
    findSession: (secret) => services.sessions.find(secret),
    findOrganization: (idOrSlug) => services.organizations.find(idOrSlug),
  });
  registerIdempotency(app, { idempotency: services.idempotency });
  registerPreconditions(app);

  await app.register(operationsRoutes, { ping: () => database.ping() });
  // With ENROLLD_METRICS_PORT the metrics are served only on that listener (server.ts).
  if (config.metrics.token && config.metrics.port === null) {
    await app.register(metricsRoutes, { registry: servedRegistry(services.metrics), token: config.metrics.token });
  }
  await app.register(sessionRoutes, {
    prefix: '/v1/session',
    sessions: services.sessions,
    resolveKey,
  });
  await app.register(organizationRoutes, { prefix: '/v1/organizations', organizations: services.organizations });
  await app.register(serviceAccountRoutes, {
    prefix: '/v1/organizations/:organizationId/service-accounts',
    serviceAccounts: services.serviceAccounts,
  });
  await app.register(webhookRoutes, { prefix: '/v1/organizations/:organizationId/webhooks', webhooks: services.webhooks });
  await app.register(mdmUserRoutes, { prefix: '/v1/organizations/:organizationId/mdm/users', mdmUsers: services.mdmUsers });
  await app.register(segmentRoutes, { prefix: '/v1/organizations/:organizationId/segments', segments: services.segments });
  for (const kind of Object.values(CATALOG)) {
    await app.register(catalogRoutes, { prefix: `/v1/organizations/:organizationId/${kind.path}`, catalog: services.catalog, kind });
  }
  for (const adapter of Object.values(PLATFORM_ADAPTERS)) {
    const enterprisePath = `/v1/organizations/:organizationId/mdm/${adapter.platform}/enterprise`;
    await app.register(enterpriseRoutes, { prefix: enterprisePath, enterprises: services.enterprises, adapter });
    await app.register(enrollmentTokenRoutes, { prefix: `${enterprisePath}/enrollment-tokens`, tokens: services.enrollmentTokens, adapter });
    await app.register(redemptionRoutes, { prefix: enterprisePath, redemption: services.redemption, adapter, rateLimit: config.redeemRateLimit });
    await app.register(brandingPreviewRoutes, { prefix: enterprisePath, pages: services.enrollmentPages, adapter });
  }
  const appleEnterprise = '/v1/organizations/:organizationId/mdm/apple/enterprise';
  await app.register(signingIdentityRoutes, { prefix: `${appleEnterprise}/signing-certificate`, signingIdentities: services.signingIdentities });
  await app.register(scepChallengeRoutes, { prefix: `${appleEnterprise}/scep-challenges`, scepChallenges: services.scepChallenges, rateLimit: config.redeemRateLimit });
  await app.register(mdmIntegrationRoutes, { prefix: `${appleEnterprise}/integrations`, integrations: services.mdmIntegrations });
  await app.register(amapiIntegrationRoutes, { prefix: '/v1/organizations/:organizationId/mdm/android/enterprise/integrations', integrations: services.mdmIntegrations });
  await app.register(mdmHookRoutes, { prefix: '/hooks', hooks: services.mdmHooks });
  await app.register(androidHookRoutes, { prefix: '/hooks/android', hooks: services.androidHooks });
  await app.register(enrollmentPageRoutes, { prefix: '/enroll', pages: services.enrollmentPages, adapters: Object.values(PLATFORM_ADAPTERS), rateLimit: config.enrollRateLimit });
  await app.register(consoleRoutes);

  return app;
}
