/**
 * Soak: `enrolld serve` (with its worker, delivering to the dev mailbox) under a moderate,
 * steady mix of requests — create a token with an invitation, list tokens, open an enrollment
 * page, read a user — for SOAK_SECONDS (default 60), measured in windows of 10 s. Every answer
 * must be a 2xx; the server's resident memory must level off (growth over the last windows
 * bounded) and the p99 latency must not drift upwards. SQLite pass only (bounded CI time).
 */
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import autocannon from 'autocannon';
import { ROOT_KEY } from '../test/helpers/app.ts';
import { ON_POSTGRES } from '../test/helpers/database.ts';
import { startServerProcess, type RunningServer } from '../test/helpers/process.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const WINDOW_SECONDS = 10;
// A moderate load, well below what the server can take, so that what is measured is memory and
// latency over time and not saturation: this mix (creates with invitations, lists, Android
// enrollment pages with their QR codes, user reads) peaked at ~140-150 req/s on the slowest CI
// host seen (2 cores shared with the load generator), where a rate of 150 failed to be kept.
const RATE = 100; // requests per second, across all connections
// Enough connections that the rate is the server's to keep, not the client's (4 connections at
// ~30 ms a request could not send much more than 130 a second).
const CONNECTIONS = 8;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

describe('soak', { skip: ON_POSTGRES && 'SQLite pass only' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-soak-'));
  let server: RunningServer;
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`holds memory and latency steady for ${SECONDS} s`, { timeout: (SECONDS + 60) * 1000 }, async (t) => {
    server = await startServerProcess({
      DATABASE_URL: `sqlite:${path.join(dir, 'soak.sqlite')}`,
      ENROLLD_ROOT_KEY: ROOT_KEY,
      ENROLLD_ENROLL_RATE_LIMIT: '1000000',
      // A bounded old generation, so what is measured is memory the server keeps, not how far V8
      // lets the heap grow before collecting: on Node 24 RSS climbed ~30 MB per window unbounded
      // (300 → 420 MB in 60 s) and stayed flat at ~300 MB with the heap capped at 96 MB, with the
      // same rate and latency. A real leak now shows as errors or a p99 drift, and as RSS growth.
      NODE_OPTIONS: '--max-old-space-size=128',
    });
    const headers = { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json' };
    const post = async (url: string, body: unknown) => {
      const response = await fetch(`${server.baseUrl}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
      assert.equal(response.status, 200);
      return ((await response.json()) as { data: any }).data;
    };
    await post('/v1/organizations', { name: 'Soak', slug: 'soak' });
    const user = await post('/v1/organizations/soak/mdm/users', { email: 'soak@example.com', name: 'Soak' });
    const token = await post('/v1/organizations/soak/mdm/android/enterprise/enrollment-tokens', { mdmUserId: user.id, sendEmail: false, managementMode: 'DEVICE_OWNER' });
    const base = '/v1/organizations/soak';
    const requests = [
      { method: 'POST' as const, path: `${base}/mdm/windows/enterprise/enrollment-tokens`, headers, body: JSON.stringify({ mdmUserId: user.id, sendEmail: true, tags: ['soak'] }) },
      { method: 'GET' as const, path: `${base}/mdm/windows/enterprise/enrollment-tokens?tags=soak&limit=20`, headers },
      { method: 'GET' as const, path: `/enroll/android/${token.enrollCode}` },
      { method: 'GET' as const, path: `${base}/mdm/users/${user.id}`, headers },
    ];

    const windows: Array<{ rps: number; p99: number; rss: number; bad: number }> = [];
    for (let elapsed = 0; elapsed < SECONDS; elapsed += WINDOW_SECONDS) {
      const result = await autocannon({ url: server.baseUrl, connections: CONNECTIONS, overallRate: RATE, duration: WINDOW_SECONDS, requests });
      windows.push({ rps: result.requests.average, p99: result.latency.p99, rss: rssMb(server.process.pid!), bad: result.non2xx + result.errors });
    }
    t.diagnostic(windows.map((w, i) => `window ${i + 1}: ${w.rps.toFixed(0)} req/s, p99 ${w.p99} ms, RSS ${w.rss.toFixed(0)} MB, non-2xx ${w.bad}`).join(' | '));
    assert.equal(windows.reduce((sum, w) => sum + w.bad, 0), 0, 'every answer a 2xx');
    for (const w of windows) assert.ok(w.rps > RATE * 0.8, `the server kept up with ${RATE} req/s (${w.rps.toFixed(0)})`);
    const settled = windows.slice(1); // the first window includes warm-up (JIT, caches)
    // RSS swings with each GC cycle: compare the average of the first and the last two windows.
    const average = (ws: typeof windows) => ws.reduce((sum, w) => sum + w.rss, 0) / ws.length;
    const growth = average(settled.slice(-2)) - average(settled.slice(0, 2));
    assert.ok(growth < 60, `RSS levels off: ${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MB after warm-up`);
    const firstP99 = Math.max(settled[0]!.p99, 5);
    assert.ok(settled.at(-1)!.p99 <= firstP99 * 4, `p99 does not drift: ${settled[0]!.p99} → ${settled.at(-1)!.p99} ms`);
  });
});
