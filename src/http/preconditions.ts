/**
 * ETag, If-Match and If-None-Match on the resources a client edits (users, tokens, enterprises,
 * catalog items, webhooks; lib/versions). A route opts in with `config.versioned`: its answers
 * then carry `ETag` (the answered resource's version), a GET whose If-None-Match names it is
 * answered 304 without a body, and its PUT/DELETE pass If-Match to the service as a
 * precondition — a stale one is refused with 412 (5303) and nothing is written.
 *
 * The tag names the resource's version, not the bytes of one answer: a key without
 * `readSecret` sees the same tag without the codes. If-Match compares strongly (a weak `W/` tag
 * never matches), If-None-Match weakly, as HTTP says.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Precondition } from '../lib/versions.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answers carry the resource's ETag; If-Match and If-None-Match are honoured. */
    versioned?: boolean;
  }
}

/** A version (an ISO timestamp) as an entity tag. */
export function etagOf(version: string): string {
  return `"${Date.parse(version).toString(36)}"`;
}

/** The entity tags of an If-Match / If-None-Match value, or '*'. */
function entityTags(header: string | string[] | undefined): string[] | '*' | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return '*';
  return value.match(/(?:W\/)?"[^"]*"/g) ?? [];
}

/** The request's If-Match as a precondition for the service, or undefined without one. */
export function preconditionOf(request: FastifyRequest): Precondition | undefined {
  const tags = entityTags(request.headers['if-match']);
  if (tags === undefined) return undefined;
  if (tags === '*') return { matches: () => true };
  return { matches: (version) => tags.includes(etagOf(version)) };
}

function noneMatch(request: FastifyRequest, etag: string): boolean {
  const tags = entityTags(request.headers['if-none-match']);
  if (tags === undefined) return false;
  return tags === '*' || tags.some((tag) => tag.replace(/^W\//, '') === etag);
}

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'The ETag last read (or `*`): the change is made only if the resource still has that version, else 412 (5303) and nothing changes' }),
  ),
});

export const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(Type.String({ description: 'The ETag last read: 304 without a body while the resource still has that version' })),
});

export function registerPreconditions(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    if (!request.routeOptions.config.versioned || reply.statusCode !== 200) return payload;
    const version = (payload as { data?: { updatedAt?: unknown } } | null)?.data?.updatedAt;
    if (typeof version !== 'string') return payload;
    const etag = etagOf(version);
    reply.header('etag', etag);
    if (request.method === 'GET' && noneMatch(request, etag)) reply.code(304);
    return payload;
  });
  // A 304 has no body (and so no content type).
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 304 || !request.routeOptions.config.versioned) return payload;
    reply.removeHeader('content-type');
    return null;
  });
}

const NotModified = Type.Null({ description: 'Not modified: the resource still has the version If-None-Match named (no body)' });
const Stale = Type.Ref('ErrorEnvelope', { description: 'Precondition failed (5303): the resource no longer has the version If-Match named; nothing changed' });

/** The schema of a GET that answers the resource's ETag and honours If-None-Match. */
export function versionedRead<S extends { response: Record<number, unknown> }>(schema: S) {
  return { ...schema, headers: IfNoneMatchHeaders, response: { ...schema.response, 304: NotModified } };
}

/** The schema of a PUT or DELETE that honours If-Match. */
export function versionedWrite<S extends { response: Record<number, unknown> }>(schema: S) {
  return { ...schema, headers: IfMatchHeaders, response: { ...schema.response, 412: Stale } };
}
