/**
 * A real HTTP server on 127.0.0.1 that receives webhooks: it keeps every request (headers and
 * raw body) and answers as the test tells it (a status per request, or a delay).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  path: string;
}

export interface ReceiverOptions {
  /** The answer to the n-th request (0-based): a status, and optionally a delay before it. */
  respond?: (request: ReceivedWebhook, index: number) => { status: number; body?: string; delayMs?: number };
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: ReceiverOptions = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (chunk: Buffer) => parts.push(chunk));
    request.on('end', () => {
      const entry = { headers: request.headers, body: Buffer.concat(parts).toString('utf8'), path: request.url ?? '/' };
      const index = received.length;
      received.push(entry);
      const answer = options.respond?.(entry, index) ?? { status: 204 };
      const send = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status, { 'content-type': 'text/plain' });
        response.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`received ${received.length} webhooks, expected ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
