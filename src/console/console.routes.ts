/**
 * /console: the admin console, a single-page app built by Vite into console/dist (the root
 * package's `prepare` script runs the build during `npm ci`). It holds no server logic of its
 * own: it calls the public /v1 API with a session cookie (see modules/sessions).
 *
 * - /console/assets/… are content-hashed by the build, so they are cached for a year, immutable.
 * - Every other /console path answers index.html, never cached, so a deep link (a bookmarked
 *   token) opens the app, and a new release is picked up at the next load.
 * - Headers on everything here: a Content-Security-Policy that lets only this origin's own files
 *   run (no inline script, no eval), frames nobody (`frame-ancestors 'none'`), nosniff,
 *   no-referrer (console URLs name tokens).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';

/** Where the build puts the console. */
export const CONSOLE_DIST = path.resolve(import.meta.dirname, '../../console/dist');

const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  // The enrollment QR code and the branding logo: this server's own, or a logo URL an admin set.
  imgSrc: ["'self'", 'data:', 'https:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  // The live preview shows the enrollment page and invitation as the server renders them.
  frameSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  upgradeInsecureRequests: null,
};

export const consoleRoutes: FastifyPluginAsync<{ dist?: string }> = async (app, { dist = CONSOLE_DIST }) => {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS belongs to whoever terminates TLS in front of enrolld, not to a plain-http listener.
    strictTransportSecurity: false,
  });

  const indexHtml = path.join(dist, 'index.html');
  const built = existsSync(indexHtml);
  await app.register(fastifyStatic, {
    root: path.join(dist, 'assets'),
    prefix: '/console/assets/',
    maxAge: '365d',
    immutable: true,
    index: false,
    // Content-hashed names: a weak validator adds nothing to a year of immutable caching.
    etag: false,
    lastModified: false,
    decorateReply: true,
  });

  const page = async (_request: unknown, reply: FastifyReply) => {
    reply.header('cache-control', 'no-cache');
    if (!built) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built: run `npm run build --workspace @enrolld/console` (npm ci does it).\n');
    }
    return reply.sendFile('index.html', dist, { maxAge: 0, immutable: false, cacheControl: false });
  };
  // The router ignores a trailing slash: this is /console and /console/.
  app.get('/console', { config: { auth: { public: true } }, schema: { hide: true } }, page);
  app.get('/console/*', { config: { auth: { public: true } }, schema: { hide: true } }, page);
};
