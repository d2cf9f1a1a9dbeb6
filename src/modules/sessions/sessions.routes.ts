/**
 * /v1/session: sign in with an API key (the answer sets the session cookie and gives the CSRF
 * token), see who a request acts as, and sign out. The console signs in here; a script keeps
 * using its bearer key.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.ts';
import { type KeyResolver, principalOf, SESSION_COOKIE } from '../../http/auth.ts';
import { hashSecret } from '../../lib/secrets.ts';
import { ok } from '../../http/envelope.ts';
import { perAddressLimit } from '../../http/rate-limits.ts';
import { success } from '../../http/schemas.ts';
import { AppError, ErrorCode } from '../../errors.ts';
import { OpenedSessionSchema, SignedInAs, SignInBody } from './sessions.schemas.ts';
import type { SessionService } from './sessions.service.ts';

const tags = ['Sessions'];
/** Sign-in attempts per client address a minute: keys are long and random, but guessing is made slow anyway. */
const SIGN_INS_PER_MINUTE = 60;

export interface SessionRouteOptions {
  sessions: SessionService;
  /** The same resolution of a key the auth hook makes. */
  resolveKey: KeyResolver;
}

function signedInAs(principal: Principal) {
  return principal.kind === 'root'
    ? { kind: 'root' as const, serviceAccountId: null, organizationId: null, organizationSlug: null, permissions: ['*'] }
    : { kind: 'serviceAccount' as const, serviceAccountId: principal.serviceAccountId, organizationId: principal.organizationId, organizationSlug: principal.organizationSlug, permissions: [...principal.permissions] };
}

/** The cookie: HttpOnly, SameSite=Strict, on the whole site; Secure when the request came over https. */
function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string): void {
  reply.setCookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https' });
}

export const sessionRoutes: FastifyPluginAsyncTypebox<SessionRouteOptions> = async (app, { sessions, resolveKey }) => {
  app.post(
    '/',
    {
      config: { auth: { public: true }, rateLimit: perAddressLimit(SIGN_INS_PER_MINUTE), errors: [ErrorCode.InvalidToken] },
      schema: {
        tags,
        operationId: 'signIn',
        summary: 'Sign in with an API key: a session cookie (HttpOnly, SameSite=Strict) that acts as the key, and its CSRF token',
        security: [],
        body: SignInBody,
        response: { 200: success(OpenedSessionSchema, 'The session') },
      },
    },
    async (request, reply) => {
      const keyHash = hashSecret(request.body.key);
      const key = await resolveKey(keyHash);
      if (!key) throw new AppError(ErrorCode.InvalidToken, 'Invalid Token: no live key has this value');
      const opened = await sessions.open(keyHash);
      setSessionCookie(request, reply, opened.secret);
      return ok({ csrfToken: opened.csrfToken, expiresAt: opened.expiresAt, idleMinutes: sessions.idleMinutes, signedInAs: signedInAs(key.principal) });
    },
  );

  app.get(
    '/',
    {
      config: { auth: { signedIn: true } },
      schema: { tags, operationId: 'getSession', summary: 'Who this request acts as (with a session or a bearer key)', response: { 200: success(SignedInAs, 'Who') } },
    },
    async (request) => ok(signedInAs(principalOf(request))),
  );

  app.delete(
    '/',
    {
      config: { auth: { signedIn: true } },
      schema: { tags, operationId: 'signOut', summary: 'Sign out: the session ends at once and its cookie is cleared', response: { 200: success(SignedInAs, 'Who was signed in') } },
    },
    async (request, reply) => {
      const secret = request.cookies[SESSION_COOKIE];
      if (secret) await sessions.close(secret);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return ok(signedInAs(principalOf(request)));
    },
  );
};
