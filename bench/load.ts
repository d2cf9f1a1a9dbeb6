/**
 * The load generator, run as its own process (so it does not share the server's event loop):
 * autocannon against one URL for a fixed time, answering its summary over IPC. With `codes`, each
 * request's body takes the next code from the list (redemption needs a fresh token per request).
 */
import autocannon from 'autocannon';

export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** For redemption: a JSON body per request, `{"code": <next>, "device": …}`. */
  codes?: string[];
  durationSeconds: number;
  connections: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  total: number;
}

process.once('message', async (message) => {
  const request = message as LoadRequest;
  let next = 0;
  const result = await autocannon({
    url: request.url,
    method: request.method,
    headers: request.headers,
    body: request.body,
    duration: request.durationSeconds,
    connections: request.connections,
    ...(request.codes
      ? {
          requests: [
            {
              setupRequest: (req: autocannon.Request) => {
                const code = request.codes![next++ % request.codes!.length];
                return { ...req, body: JSON.stringify({ code, device: { serialNumber: `SN-${code}` } }) };
              },
            },
          ],
        }
      : {}),
  });
  const answer: LoadResult = {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
  process.send!(answer, () => process.exit(0));
});
