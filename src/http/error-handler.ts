/**
 * Maps everything that can go wrong while answering a request onto the closed error table:
 * domain errors keep their code, Fastify's own client errors (bad JSON, body too large, wrong
 * content type) become their table entries, and anything else is a 500/1000 whose body says
 * nothing about the cause — the cause is logged with the request id instead.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { isConnectionError } from '../db/dialect.ts';
import { AppError, ERROR_TABLE, ErrorCode } from '../errors.ts';
import { errorBody, errorBodyOf } from './envelope.ts';

function describeClientError(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is empty but Content-Type is application/json';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported Content-Type; send application/json';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'Content-Length does not match the body';
    default:
      if (error instanceof SyntaxError || /JSON/i.test(error.message)) {
        return `the body is not valid JSON (${error.message})`;
      }
      return error.message;
  }
}

/** Fastify's own client error (status 4xx) translated into a domain error. */
function fromFastifyError(error: FastifyError): AppError | null {
  const status = error.statusCode ?? 500;
  if (status === 413) return new AppError(ErrorCode.PayloadTooLarge);
  if (status === 429) return new AppError(ErrorCode.TooManyRequests);
  if (status === 404) return new AppError(ErrorCode.RouteNotFound);
  if (status >= 400 && status < 500) {
    // Named like a validation error's problems, so every 3000 answer lists what was refused.
    const path = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? '/headers/content-type' : error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' ? '/headers/content-length' : '/body';
    const message = describeClientError(error);
    return new AppError(ErrorCode.ValidationError, `${ERROR_TABLE[ErrorCode.ValidationError].message}: ${message}`, { errors: [{ path, message }] });
  }
  return null;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known =
      error instanceof AppError
        ? error
        : isConnectionError(error)
          ? new AppError(ErrorCode.ServiceUnavailable, 'Service unavailable: the database does not answer; retry shortly')
          : fromFastifyError(error);
    if (known) {
      if (known.httpStatus >= 500) request.log.error({ err: error }, 'request failed');
      return reply.code(known.httpStatus).send(errorBodyOf(known));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(errorBody(ErrorCode.InternalError));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody(ErrorCode.RouteNotFound, `${ERROR_TABLE[ErrorCode.RouteNotFound].message}: ${request.method} ${request.url.split('?')[0]}`));
  });
}
