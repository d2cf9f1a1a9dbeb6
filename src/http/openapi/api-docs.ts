/**
 * The API description (GET /openapi.json) and its reference UI (/docs), made on the first request
 * for either. @fastify/swagger builds the description from the routes' schemas and
 * @fastify/swagger-ui serves the UI's files; loading them (with yaml, @fastify/static and their
 * dependencies: 137 modules) and registering them took every start about 45 ms on Node 24,
 * though few processes are ever asked for either.
 *
 * Until then only the routes are remembered, as they are registered. The first request builds a
 * second Fastify instance holding both plugins and a copy of every route (same method, URL,
 * schema and config; a handler that is never called), and the description is that instance's;
 * /docs requests are passed to it and its answers returned as they are.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController, type RouteOptions } from 'fastify';
import { registerErrorHandling } from '../error-handler.ts';
import { finalizeDocument } from './finalize-document.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The OpenAPI document of every route (made on first use, then kept). */
    openApiDocument(): Promise<unknown>;
  }
}

/** Where the reference UI is served. */
export const DOCS_PREFIX = '/docs';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/**
 * The copied routes are never called: they validate nothing and answer without a schema. (Fastify
 * types a validator factory after Ajv's; at run time any schema compiler will do.)
 */
const NO_SCHEMA_COMPILERS: CompilersFactory = {
  buildValidator: (() => () => () => true) as unknown as CompilersFactory['buildValidator'],
  buildSerializer: () => () => (data) => JSON.stringify(data),
};

/** Headers of the inner answer that describe its connection, not its content. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

/**
 * Register the routes of the description and the UI on `app`, before any other route: every
 * route registered after this call is described.
 */
export function registerApiDocs(app: FastifyInstance, swaggerOptions: SwaggerOptions, uiOptions: Omit<FastifySwaggerUiOptions, 'routePrefix'>): void {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    // HEAD routes are not described (@fastify/swagger leaves them out), and the inner instance
    // makes its own for its GET routes.
    if (route.method !== 'HEAD' && !route.url.startsWith(DOCS_PREFIX)) routes.push(route);
  });

  /** The finished document, made once from the inner instance's. */
  let finished: Record<string, unknown> | undefined;

  async function build(): Promise<FastifyInstance> {
    const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([import('@fastify/swagger'), import('@fastify/swagger-ui')]);
    const docs: FastifyInstance = Fastify({
      // Errors are logged with the app's logger; requests are logged once, by the app.
      loggerInstance: app.log,
      logController: new LogController({ disableRequestLogging: true }),
      routerOptions: { ignoreTrailingSlash: true },
      schemaController: { compilersFactory: NO_SCHEMA_COMPILERS },
    });
    for (const schema of Object.values(app.getSchemas())) docs.addSchema(schema);
    registerErrorHandling(docs);
    await docs.register(swagger, swaggerOptions);
    // The UI shows the same finished document as /openapi.json (finished once).
    await docs.register(swaggerUi, { ...uiOptions, routePrefix: DOCS_PREFIX, transformSpecification: (built) => (finished ??= finalizeDocument(built, routes)) });
    const never = () => {
      throw new Error('a route copied for the API description was called');
    };
    for (const { method, url, schema, config } of routes) docs.route({ method, url, schema, config, handler: never });
    await docs.ready();
    return docs;
  }

  let docs: Promise<FastifyInstance> | undefined;
  const docsApp = () =>
    (docs ??= build().catch((error: unknown) => {
      docs = undefined;
      throw error;
    }));

  app.decorate('openApiDocument', async () => (finished ??= finalizeDocument((await docsApp()).swagger(), routes)));

  // A HEAD request is passed on as a GET: the app's HEAD route then answers with the GET's
  // headers and length and no body, as for every other GET route.
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = await (await docsApp()).inject({ method: 'GET', url: request.url, headers: request.headers });
    reply.code(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !CONNECTION_HEADERS.has(name)) reply.header(name, value);
    }
    // Without a body (a redirect, 304) nothing is sent, so no content type is added.
    return answer.rawPayload.length > 0 ? reply.send(answer.rawPayload) : reply.send();
  };
  app.get(DOCS_PREFIX, { schema: { hide: true } }, forward);
  app.get(`${DOCS_PREFIX}/*`, { schema: { hide: true } }, forward);

  app.addHook('onClose', async () => {
    const built = await docs?.catch(() => undefined);
    await built?.close();
  });
}
