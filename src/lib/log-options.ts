/**
 * The pino options every enrolld logger uses (the API's request log and a worker's log), so no
 * log line carries a secret: request URLs lose the code of public enrollment links, error objects
 * are scrubbed (ioredis puts the AUTH password of a refused REDIS_URL into its error), message
 * strings are scrubbed, and credential headers are censored should anything log headers.
 */
import { type LoggerOptions, stdSerializers } from 'pino';
import type { LogLevel } from '../config.ts';
import { REDACTED, redactRequestUrl, redactSecrets, redactValue } from './redact.ts';

/** What Fastify hands the `req` serializer: its request object. */
interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's own request serializer, with the URL redacted. */
function serializeRequest(request: LoggedRequest) {
  return {
    method: request.method,
    url: redactRequestUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

function serializeError(error: Error) {
  return redactValue(stdSerializers.err(error));
}

export function logOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    serializers: { req: serializeRequest, err: serializeError },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'res.headers["set-cookie"]'],
      censor: REDACTED,
    },
    hooks: {
      // Messages are often built from an error's text (`attempt 2 failed: …`): scrub those too.
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg)) as Parameters<typeof method>);
      },
    },
  };
}
