/**
 * One webhook POST (src/modules/webhooks/webhook-post.ts) against real node:http servers: the
 * status and the first KB of an answer, a large answer cut short without waiting for the rest,
 * the whole-exchange timeout (no answer at all, and headers followed by a stalled body), no
 * redirect followed, and a refused connection.
 */
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { Agent } from 'undici';
import { postWebhook } from '../../src/modules/webhooks/webhook-post.ts';

const agent = new Agent({ connections: 4 });
const servers: Server[] = [];
after(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await agent.close();
});

async function serve(listener: RequestListener): Promise<URL> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks?source=test`);
}

const post = (url: URL, timeoutMs = 2000) => postWebhook(agent, { url, headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' }, body: '{"type":"ping"}', timeoutMs, maxBytes: 1024 });

describe('a webhook POST', () => {
  it('sends the body and headers to the path and query, and answers the status and body', async () => {
    let seen: { method?: string; url?: string; id?: string; body: string } = { body: '' };
    const url = await serve((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen = { method: request.method, url: request.url, id: String(request.headers['webhook-id']), body };
        response.writeHead(202).end('accepted ✓');
      });
    });
    assert.deepEqual(await post(url), { statusCode: 202, body: 'accepted ✓' });
    assert.deepEqual(seen, { method: 'POST', url: '/hooks?source=test', id: 'msg_1', body: '{"type":"ping"}' });
    assert.deepEqual(await post(url), { statusCode: 202, body: 'accepted ✓' }, 'the kept-alive connection serves the next one');
  });

  it('keeps the first KB of a large answer and does not wait for the rest', async () => {
    const url = await serve((request, response) => {
      request.resume();
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.write('x'.repeat(64 * 1024));
      // The rest would take a minute: the answer must come without it.
      const timer = setInterval(() => response.write('y'.repeat(1024)), 1000);
      response.on('close', () => clearInterval(timer));
    });
    const started = performance.now();
    const answer = await post(url, 10_000);
    assert.equal(answer.statusCode, 500);
    assert.equal(answer.body, 'x'.repeat(1024));
    assert.ok(performance.now() - started < 5000, 'answered without reading the rest');
  });

  it('times out the whole exchange: no answer, or headers then a stalled body', async () => {
    const silent = await serve((request) => request.resume());
    await assert.rejects(post(silent, 300), (error: Error) => error.name === 'TimeoutError' && error.message === 'no answer within 0.3 s');
    const stalled = await serve((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      response.write('partial');
    });
    await assert.rejects(post(stalled, 300), { name: 'TimeoutError' });
  });

  it('follows no redirect and fails a refused connection', async () => {
    const url = await serve((request, response) => {
      request.resume();
      response.writeHead(307, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    });
    assert.deepEqual(await post(url), { statusCode: 307, body: '' });
    const closed = await serve(() => undefined);
    const port = closed.port;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    await assert.rejects(post(new URL(`http://127.0.0.1:${port}/hooks`)), { code: 'ECONNREFUSED' });
  });
});
