/**
 * The Idempotency-Key header on the API's POSTs (modules/idempotency): checked after the caller is
 * authenticated and the body validated, so a key is scoped to the API key and a refused body
 * takes no key. A repeat answers the stored first answer with `Idempotent-Replayed: true`.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest, FastifySchema, RouteOptions } from 'fastify';
import { AppError } from '../errors.ts';
import { recordingAnswers } from '../modules/idempotency/answer-in-transaction.ts';
import { ok } from './envelope.ts';
import { fingerprintOf, type IdempotencyService, type IdempotentStart, RENEW_LEASE_EVERY_MS } from '../modules/idempotency/idempotency.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotentFirst?: Extract<IdempotentStart, { kind: 'first' }>;
    /** Renews the key's lease while the first request runs. */
    idempotentLease?: NodeJS.Timeout;
  }
}

/** A request is not expected to run longer: past this its key's lease is left to lapse. */
const MAX_LEASE_RENEWALS = (10 * 60 * 1000) / RENEW_LEASE_EVERY_MS;

/** The draft allows any string; keys are kept short and visible (UUIDs, ULIDs, client ids). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

const IdempotencyKeyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'Makes a retry safe: the same key again (same API key, method, path and body, within 24 hours) answers the first answer with `Idempotent-Replayed: true` ' +
        'instead of doing the work twice; another request under the key 422/5301; while the first still runs 409/5302',
    }),
  ),
});

/** The API description of a route, with the header on the POSTs that take it. */
export function describeIdempotencyKey(schema: FastifySchema, route: RouteOptions): FastifySchema {
  if (!takesKey(route) || schema?.headers) return schema;
  return { ...schema, headers: IdempotencyKeyHeaders };
}

/** The POSTs that take the header: the API's, for an authenticated caller. */
function takesKey(route: RouteOptions): boolean {
  const rule = route.config?.auth;
  return route.method === 'POST' && route.url.startsWith('/v1/') && rule !== undefined && !('public' in rule);
}

export function registerIdempotency(app: FastifyInstance, deps: { idempotency: IdempotencyService }): void {
  // A service that does its work in one transaction may write the answer in it (modules/idempotency/answer-in-transaction).
  app.addHook('onRoute', (route) => {
    if (!takesKey(route)) return;
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request, reply) {
      const first = request.idempotentFirst;
      if (!first) return handler.call(this, request, reply);
      return recordingAnswers((trx, result) => first.finish(200, JSON.stringify(ok(result)), trx), () => handler.call(this, request, reply));
    };
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const rule = request.routeOptions.config.auth;
    if (!rule || 'public' in rule || !request.principal) return;
    const key = Array.isArray(header) ? header[0]! : header;
    if (!KEY_PATTERN.test(key)) {
      throw AppError.validation([{ path: '/headers/idempotency-key', message: 'must be 1 to 255 visible ASCII characters' }]);
    }
    const scope = request.principal.kind === 'root' ? 'root' : request.principal.serviceAccountId;
    const start = await deps.idempotency.start(scope, key, fingerprintOf(request.method, request.url, request.body));
    if (start.kind === 'replay') {
      return reply.code(start.status).header('content-type', 'application/json; charset=utf-8').header('idempotent-replayed', 'true').send(start.body);
    }
    request.idempotentFirst = start;
    let renewals = 0;
    request.idempotentLease = setInterval(() => {
      if (++renewals > MAX_LEASE_RENEWALS) clearInterval(request.idempotentLease);
      else start.renew().catch((error: unknown) => request.log.warn({ err: error }, 'could not renew an idempotency key\'s lease'));
    }, RENEW_LEASE_EVERY_MS).unref();
  });

  const stopRenewing = (request: FastifyRequest) => {
    if (request.idempotentLease) clearInterval(request.idempotentLease);
    request.idempotentLease = undefined;
  };
  app.addHook('onResponse', async (request) => stopRenewing(request));

  app.addHook('onSend', async (request, reply, payload) => {
    const first = request.idempotentFirst;
    if (!first) return payload;
    request.idempotentFirst = undefined;
    stopRenewing(request);
    // What is worth giving again: answers, and client mistakes (the same request would make the same one).
    if (reply.statusCode >= 500 || reply.statusCode === 429 || typeof payload !== 'string') await first.abandon();
    else await first.finish(reply.statusCode, payload);
    return payload;
  });
}
