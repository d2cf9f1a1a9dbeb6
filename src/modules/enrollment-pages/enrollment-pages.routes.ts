/**
 * The public enrollment links — no API key, rate-limited per client address:
 *
 *   GET /enroll/:platform/:code            the page (HTML)
 *   GET /enroll/:platform/:code/<file>     a file the platform's adapter declares: Apple's
 *                                          CMS-signed .mobileconfig (profile), Android's
 *                                          provisioning QR code (qr.png, qr.svg)
 *
 * Responses are never cached and never leak the code through Referer; the pages may not run
 * scripts (Content-Security-Policy), so nothing injected could run even if escaping failed.
 * Too many requests answer 429/1004: an HTML notice for a browser, the envelope otherwise.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../errors.ts';
import { perAddressLimit } from '../../http/rate-limits.ts';
import type { EnrollmentPageService, FileResult, PageResult } from './enrollment-pages.service.ts';
import { negotiateLanguage, renderNotice } from './render-page.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import { Binary, CodeParams, Html, NOTICES, PageParams } from './enrollment-pages.schemas.ts';

const PAGE_SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

function send(reply: FastifyReply, result: PageResult | FileResult) {
  reply.headers(PAGE_SECURITY_HEADERS);
  if (result.kind === 'file') {
    reply.type(result.contentType);
    if (result.filename) reply.header('content-disposition', `attachment; filename="${result.filename}"`);
    return reply.send(result.body);
  }
  return reply.code(result.kind === 'notice' ? result.status : 200).type('text/html; charset=utf-8').send(result.html);
}

const wantsHtml = (request: FastifyRequest) => /text\/html/i.test(request.headers.accept ?? '');
const languageOf = (request: FastifyRequest) => negotiateLanguage(request.headers['accept-language']);

export interface EnrollmentPageRouteOptions {
  pages: EnrollmentPageService;
  /** Their files get routes of their own under the page's path. */
  adapters: readonly PlatformAdapter[];
  /** Requests per minute per client address (ENROLLD_ENROLL_RATE_LIMIT). */
  rateLimit: number;
}

export const enrollmentPageRoutes: FastifyPluginAsyncTypebox<EnrollmentPageRouteOptions> = async (app, { pages, adapters, rateLimit }) => {
  // The limiter is the plugin's own hook (one budget per address for every page and file); the description learns of it here.
  const config = { auth: { public: true } as const, errors: [ErrorCode.TooManyRequests] };
  // One budget per address for all the links (page, profile, QR), not one per route.
  app.addHook('onRequest', app.rateLimit(perAddressLimit(rateLimit)));
  const tags = ['Enrollment links (public)'];

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof AppError && error.code === ErrorCode.TooManyRequests && wantsHtml(request)) {
      return reply.code(429).headers(PAGE_SECURITY_HEADERS).type('text/html; charset=utf-8').send(renderNotice('tooMany', languageOf(request)));
    }
    throw error; // the envelope, from the application's error handler
  });

  app.get(
    '/:platform/:code',
    {
      config,
      schema: {
        tags,
        operationId: 'getEnrollmentPage',
        summary: 'The enrollment page a user opens on the device (HTML, in the token’s language)',
        security: [],
        params: PageParams,
        response: { 200: Html('The enrollment page'), ...NOTICES },
      },
    },
    async (request, reply) => send(reply, await pages.page(request.params.platform, request.params.code, languageOf(request))),
  );

  // Each platform's files (Apple: the signed profile; Android: the QR code), declared by its adapter.
  for (const adapter of adapters) {
    for (const file of adapter.enrollmentFiles ?? []) {
      app.get(
        `/${adapter.platform}/:code/${file.name}`,
        {
          config,
          schema: { tags, operationId: file.operationId, summary: file.summary, security: [], params: CodeParams, response: { 200: Binary(file.description, file.contentType), ...NOTICES } },
        },
        async (request, reply) => send(reply, await pages.file(adapter.platform, file.name, request.params.code, languageOf(request))),
      );
    }
  }
};
