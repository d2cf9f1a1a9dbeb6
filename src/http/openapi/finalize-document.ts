/**
 * The last pass over the document @fastify/swagger builds from the routes, so that what it
 * publishes is what integrators' tools expect:
 *
 * - every operation has its operationId (a route without one fails the build, and so the tests),
 *   a description ending with the error codes it can answer, and exactly the error responses
 *   those codes make (operation-errors.ts), with the headers the server sends: `X-Request-Id` on
 *   every answer, the rate-limit headers on limited routes and `Retry-After` on their 429;
 * - routes without a key (health, public links, the hooks other programs call) say so
 *   (`security: []`); a body whose fields are all optional is not required; a query parameter
 *   with a default is not required;
 * - a schema with a `title` becomes a named component (`#/components/schemas/<title>`), so the
 *   resources have names to import; two different schemas with one title fail the build;
 * - every JSON request body and every successful JSON answer has an example (examples.ts);
 * - a string enum is one `enum`, not TypeBox's `anyOf` of literals;
 * - the `errorMessage` keyword, which only our validator reads (ajv-errors), is left out.
 */
import type { RouteOptions } from 'fastify';
import { ErrorCode } from '../../errors.ts';
import { exampleOf } from './examples.ts';
import { codesByStatus, describeErrorCodes, isRateLimited, operationErrorCodes } from './operation-errors.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the document is JSON walked by hand

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** The response headers, each defined once under components.headers and referenced. */
const HEADERS: Record<string, Json> = {
  'X-Request-Id': { description: 'The id of this request in the server\'s logs (the client\'s own X-Request-Id when it sent one)', schema: { type: 'string' } },
  'X-RateLimit-Limit': { description: 'Requests allowed in the window', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'Seconds until the window starts again', schema: { type: 'integer' } },
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } },
};
const headerRefs = (...names: string[]) => Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
const REQUEST_ID_HEADER = headerRefs('X-Request-Id');
const RATE_LIMIT_HEADERS = headerRefs('X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset');
const RETRY_AFTER_HEADER = headerRefs('Retry-After');

/** `/v1/organizations/:organizationId` → `/v1/organizations/{organizationId}` */
const openApiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}');

function withoutKeyword(value: unknown, keyword: string): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutKeyword(item, keyword));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== keyword).map(([key, inner]) => [key, withoutKeyword(inner, keyword)]));
}

/**
 * A union of single values of one type (how TypeBox writes a string enum: `anyOf` of literals)
 * as the one `enum` tools read as a closed field; a nullable one keeps its `null` branch.
 */
function flattenLiteralUnions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flattenLiteralUnions);
  if (value === null || typeof value !== 'object') return value;
  const object = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, flattenLiteralUnions(inner)])) as Json;
  const branches = object.anyOf as Json[] | undefined;
  const single = (branch: Json) => typeof branch.type === 'string' && Array.isArray(branch.enum) && branch.enum.length === 1 && Object.keys(branch).every((key) => key === 'type' || key === 'enum');
  if (!Array.isArray(branches) || branches.length < 2 || !branches.every(single) || new Set(branches.map((b) => b.type)).size !== 1) return object;
  const { anyOf: _anyOf, ...rest } = object;
  return { ...rest, type: branches[0]!.type, enum: branches.map((branch) => branch.enum[0]) };
}

function errorResponse(status: number, codes: ErrorCode[]): Json {
  const onlyValidation = codes.length === 1 && codes[0] === ErrorCode.ValidationError;
  const response: Json = {
    description: `Error ${codes.join(', ')} (the envelope's error.code)`,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${onlyValidation ? 'ValidationErrorEnvelope' : 'ErrorEnvelope'}` } } },
  };
  if (status === 429) response.headers = { ...RETRY_AFTER_HEADER };
  return response;
}

const isEnvelopeError = (response: Json) => {
  const ref = response?.content?.['application/json']?.schema?.$ref;
  return typeof ref === 'string' && /\/(Validation)?ErrorEnvelope$/.test(ref);
};

function finishOperation(operation: Json, route: RouteOptions, definedTags: ReadonlySet<string>): void {
  const label = `${String(route.method)} ${route.url}`;
  if (!operation.operationId) throw new Error(`the API description needs an operationId for ${label}`);
  for (const tag of operation.tags ?? []) if (!definedTags.has(tag)) throw new Error(`${label} carries the tag "${tag}", which the API description does not define`);
  const codes = operationErrorCodes(route);

  const responses: Json = {};
  for (const [status, response] of Object.entries(operation.responses ?? {})) if (!isEnvelopeError(response as Json)) responses[status] = response;
  for (const [status, byStatus] of codesByStatus(codes)) responses[String(status)] ??= errorResponse(status, byStatus);
  const limited = isRateLimited(route);
  for (const response of Object.values(responses) as Json[]) {
    response.headers = { ...REQUEST_ID_HEADER, ...(limited ? RATE_LIMIT_HEADERS : {}), ...response.headers };
  }
  operation.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));

  operation.description = [operation.description, `Errors:\n${describeErrorCodes(codes)}`].filter(Boolean).join('\n\n');

  const rule = route.config?.auth;
  if (!rule || 'public' in rule) operation.security = [];

  const body = operation.requestBody?.content?.['application/json']?.schema;
  if (body && !(Array.isArray(body.required) && body.required.length > 0)) operation.requestBody.required = false;
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in === 'query' && parameter.schema?.default !== undefined) parameter.required = false;
  }
}

/** Name every titled schema (innermost first, so a component refers to the ones it holds), replacing each use with a reference. */
function nameTitledSchemas(document: Json): void {
  const schemas: Json = (document.components ??= {}).schemas ??= {};
  const named = new Map<string, string>();
  const visit = (value: unknown, inSchema: boolean): unknown => {
    if (Array.isArray(value)) return value.map((item) => visit(item, inSchema));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value).map(([key, inner]) => [key, visit(inner, inSchema || key === 'schema' || key === 'schemas')] as const);
    const object = Object.fromEntries(entries) as Json;
    if (!inSchema || typeof object.title !== 'string' || typeof object.type !== 'string') return object;
    const text = JSON.stringify(object);
    const earlier = named.get(object.title);
    if (earlier !== undefined && earlier !== text) throw new Error(`the API description has two different schemas titled ${object.title}`);
    named.set(object.title, text);
    schemas[object.title] = object;
    return { $ref: `#/components/schemas/${object.title}` };
  };
  document.paths = visit(document.paths, false);
  document.webhooks = visit(document.webhooks, false);
}

export function finalizeDocument(built: unknown, routes: readonly RouteOptions[]): Json {
  const document = flattenLiteralUnions(withoutKeyword(built, 'errorMessage')) as Json;
  const definedTags = new Set<string>((document.tags ?? []).map((tag: { name: string }) => tag.name));
  (document.components ??= {}).headers = { ...document.components.headers, ...HEADERS };
  for (const route of routes) {
    if ((route.schema as { hide?: boolean } | undefined)?.hide) continue;
    const operation = document.paths?.[openApiPath(route.url)]?.[String(route.method).toLowerCase()];
    if (operation) finishOperation(operation, route, definedTags);
  }
  for (const item of Object.values(document.webhooks ?? {}) as Json[]) {
    for (const method of HTTP_METHODS) if (item[method] && !item[method].operationId) throw new Error(`the API description needs an operationId for the webhook ${item[method].summary ?? ''}`);
  }
  nameTitledSchemas(document);
  addExamples(document);
  return document;
}

/** An example for each JSON request body and 2xx answer without one. */
function addExamples(document: Json): void {
  const resolve = (ref: string) => document.components?.schemas?.[ref.replace('#/components/schemas/', '')];
  const fill = (media: Json | undefined, where: string) => {
    if (media?.schema && media.example === undefined && media.examples === undefined) media.example = exampleOf(media.schema, resolve, where);
  };
  for (const [path, item] of Object.entries(document.paths ?? {}) as Array<[string, Json]>) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      fill(operation.requestBody?.content?.['application/json'], `${method} ${path} body`);
      for (const [status, response] of Object.entries(operation.responses ?? {}) as Array<[string, Json]>) {
        if (status.startsWith('2')) fill(response.content?.['application/json'], `${method} ${path} ${status}`);
      }
    }
  }
}
