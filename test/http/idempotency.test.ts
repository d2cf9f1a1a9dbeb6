/**
 * Idempotency-Key on the API's POSTs: a retried request answers the first answer without doing
 * the work again; the same key with another body is refused; a duplicate racing the first is
 * refused or answered the first answer, never run twice; keys are per API key and last 24 hours
 * (an injectable clock); a second API node on the same database sees the same keys.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createIdempotencyService, fingerprintOf } from '../../src/modules/idempotency/idempotency.service.ts';
import { createServices } from '../../src/services.ts';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const bulkUrl = (org: { id: string }) => `${tokensUrl(org, 'windows')}/bulk`;
const bulkBody = (emails: string[]) => ({ sendEmail: false, userEmails: emails });

async function tokenCount(app: FastifyInstance, org: TestOrganization): Promise<number> {
  const listed = await call(app, 'GET', `${tokensUrl(org, 'windows')}?limit=1`, { token: org.adminToken });
  return listed.body.data.totalDocs;
}

function post(app: FastifyInstance, org: TestOrganization, url: string, body: unknown, key: string, token = org.adminToken) {
  return call(app, 'POST', url, { token, body, headers: { 'idempotency-key': key } });
}

describe('Idempotency-Key', () => {
  it('answers a retried bulk with the first answer, creating nothing more', async () => {
    const org = await createOrganization(ctx.app);
    const emails = Array.from({ length: 50 }, (_, i) => `retry-${i}@example.com`);
    const first = await post(ctx.app, org, bulkUrl(org), bulkBody(emails), 'bulk-2026-12-01-a');
    assert.equal(first.statusCode, 200, JSON.stringify(first.body));
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const again = await post(ctx.app, org, bulkUrl(org), bulkBody(emails), 'bulk-2026-12-01-a');
    assert.equal(again.statusCode, 200);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.body, first.body);
    assert.equal(await tokenCount(ctx.app, org), 50, 'every token created once');

    // Without a key, the same request is a new one.
    await call(ctx.app, 'POST', bulkUrl(org), { token: org.adminToken, body: bulkBody(['other@example.com']) });
    assert.equal(await tokenCount(ctx.app, org), 51);
  });

  it('gives a retried single create the same token, and a retried client mistake the same error', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const body = { mdmUserId: user.id, sendEmail: false };
    const first = await post(ctx.app, org, tokensUrl(org, 'windows'), body, 'one');
    const again = await post(ctx.app, org, tokensUrl(org, 'windows'), body, 'one');
    assert.equal(again.body.data.id, first.body.data.id);
    assert.equal(await tokenCount(ctx.app, org), 1);

    const missing = { mdmUserId: 'ffffffffffffffffffffffff', sendEmail: false };
    const refused = await post(ctx.app, org, tokensUrl(org, 'windows'), missing, 'two');
    assert.equal(refused.statusCode, 404);
    const refusedAgain = await post(ctx.app, org, tokensUrl(org, 'windows'), missing, 'two');
    assert.equal(refusedAgain.statusCode, 404);
    assert.equal(refusedAgain.headers['idempotent-replayed'], 'true');
  });

  it('refuses the same key with another body (422, 5301) or another path, writing nothing', async () => {
    const org = await createOrganization(ctx.app);
    await post(ctx.app, org, bulkUrl(org), bulkBody(['a@example.com']), 'k');
    for (const [url, body] of [
      [bulkUrl(org), bulkBody(['b@example.com'])],
      [`${tokensUrl(org, 'apple')}/bulk`, bulkBody(['a@example.com'])],
    ] as const) {
      const other = await post(ctx.app, org, url, body, 'k');
      assert.equal(other.statusCode, 422, JSON.stringify(other.body));
      assert.equal(other.body.error.code, 5301);
    }
    assert.equal(await tokenCount(ctx.app, org), 1);
    const apple = await call(ctx.app, 'GET', `${tokensUrl(org, 'apple')}?limit=1`, { token: org.adminToken });
    assert.equal(apple.body.data.totalDocs, 0);
  });

  it('keeps keys per API key', async () => {
    const org = await createOrganization(ctx.app);
    const second = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/service-accounts`, { token: org.adminToken, body: { name: 'second', role: 'admin' } });
    assert.equal(second.statusCode, 200, JSON.stringify(second.body));
    await post(ctx.app, org, bulkUrl(org), bulkBody(['a@example.com']), 'shared');
    const other = await post(ctx.app, org, bulkUrl(org), bulkBody(['z@example.com']), 'shared', second.body.data.token);
    assert.equal(other.statusCode, 200, 'another key, another scope');
    assert.equal(other.headers['idempotent-replayed'], undefined);
    assert.equal(await tokenCount(ctx.app, org), 2);
  });

  it('runs racing duplicates once: the others are refused (409, 5302) or answered the first answer', async () => {
    const org = await createOrganization(ctx.app);
    const emails = Array.from({ length: 400 }, (_, i) => `race-${i}@example.com`);
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(ctx.app, org, bulkUrl(org), bulkBody(emails), 'race')));
    const ran = answers.filter((a) => a.statusCode === 200 && a.headers['idempotent-replayed'] === undefined);
    assert.equal(ran.length, 1, answers.map((a) => a.statusCode).join(','));
    for (const answer of answers) {
      if (answer === ran[0]) continue;
      if (answer.statusCode === 409) assert.equal(answer.body.error.code, 5302);
      else assert.deepEqual([answer.statusCode, answer.body], [200, ran[0]!.body]);
    }
    assert.equal(await tokenCount(ctx.app, org), 400);
  });

  it('refuses a repeat while the first still runs (409, 5302); takes over a key whose first request was abandoned', async () => {
    let now = new Date('2027-02-01T08:00:00Z');
    const services = createServices(ctx.database, ctx.config);
    services.idempotency = createIdempotencyService({ db: ctx.database.db, now: () => now });
    const app = await buildApp({ config: ctx.config, database: ctx.database, services });
    try {
      const org = await createOrganization(app);
      const body = bulkBody(['slow@example.com']);
      // The first request with this key is running (on this node or another): its key is taken.
      const running = await services.idempotency.start('root', 'held', fingerprintOf('POST', bulkUrl(org), body));
      assert.equal(running.kind, 'first');
      const repeat = await call(app, 'POST', bulkUrl(org), { token: ROOT_KEY, body, headers: { 'idempotency-key': 'held' } });
      assert.equal(repeat.statusCode, 409, JSON.stringify(repeat.body));
      assert.equal(repeat.body.error.code, 5302);
      assert.equal(await tokenCount(app, org), 0, 'not run twice');
      // Its node renews the lease while the work goes on: still taken after the first lease.
      now = new Date('2027-02-01T08:00:10Z');
      if (running.kind === 'first') await running.renew();
      now = new Date('2027-02-01T08:00:20Z');
      const stillRunning = await call(app, 'POST', bulkUrl(org), { token: ROOT_KEY, body, headers: { 'idempotency-key': 'held' } });
      assert.equal(stillRunning.statusCode, 409, 'a renewed lease keeps the key');
      // Its node died (no more renewals): once the lease lapses the key is taken over and the request runs.
      now = new Date('2027-02-01T08:00:25Z');
      const retaken = await call(app, 'POST', bulkUrl(org), { token: ROOT_KEY, body, headers: { 'idempotency-key': 'held' } });
      assert.equal(retaken.statusCode, 200, JSON.stringify(retaken.body));
      assert.equal(retaken.headers['idempotent-replayed'], undefined);
      assert.equal(await tokenCount(app, org), 1);
    } finally {
      await app.close();
    }
  });

  it('answers a retried bulk from its own transaction when the node died between the commit and the answer', async () => {
    let now = new Date('2027-03-01T08:00:00Z');
    const services = createServices(ctx.database, ctx.config);
    const real = createIdempotencyService({ db: ctx.database.db, now: () => now });
    // The node dies right after the bulk's transaction commits: nothing it would do afterwards
    // (write the answer as it is sent, or free the key) reaches the database.
    services.idempotency = {
      async start(scope, key, fingerprint) {
        const started = await real.start(scope, key, fingerprint);
        if (started.kind !== 'first') return started;
        return { ...started, finish: async (status, body, within) => (within ? started.finish(status, body, within) : undefined), abandon: async () => undefined, renew: async () => undefined };
      },
    };
    const app = await buildApp({ config: ctx.config, database: ctx.database, services });
    try {
      const org = await createOrganization(app);
      const body = bulkBody(['a@example.com', 'b@example.com', 'c@example.com']);
      const first = await post(app, org, bulkUrl(org), body, 'crash');
      assert.equal(first.statusCode, 200, JSON.stringify(first.body));
      // The client never heard that answer; it retries once the dead node's lease has lapsed.
      now = new Date('2027-03-01T08:01:00Z');
      const retried = await post(app, org, bulkUrl(org), body, 'crash');
      assert.equal(retried.statusCode, 200, JSON.stringify(retried.body));
      assert.equal(retried.headers['idempotent-replayed'], 'true', 'answered, not done again');
      assert.deepEqual(retried.body.data.tokens, first.body.data.tokens);
      assert.equal(await tokenCount(app, org), 3);
    } finally {
      await app.close();
    }
  });

  it('is documented on every POST of the API', async () => {
    const document = (await call(ctx.app, 'GET', '/openapi.json')).body;
    const posts = Object.entries(document.paths as Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>)
      // Signing in (no key yet, nothing a retry could make twice) is the one POST without it.
      .filter(([path]) => path.startsWith('/v1/') && path !== '/v1/session')
      .flatMap(([path, operations]) => (operations.post ? [[path, operations.post] as const] : []));
    assert.ok(posts.length > 20);
    for (const [path, operation] of posts) {
      assert.ok(operation.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key'), `POST ${path}`);
    }
    assert.ok(!JSON.stringify(document.paths['/hooks/step-ca/scep-challenge'] ?? {}).includes('idempotency-key'), 'not on the hooks other programs call');
    assert.ok(!JSON.stringify(document.paths['/v1/session']).includes('idempotency-key'), 'nor on signing in');
  });

  it('refuses a malformed key naming the header', async () => {
    const org = await createOrganization(ctx.app);
    for (const key of ['', 'x'.repeat(256), 'with space']) {
      const response = await post(ctx.app, org, bulkUrl(org), bulkBody(['a@example.com']), key);
      assert.equal(response.statusCode, 400, `${JSON.stringify(key)}: ${JSON.stringify(response.body)}`);
      assert.ok(response.body.error.data.errors.some((e: { path: string }) => e.path === '/headers/idempotency-key'));
    }
    assert.equal(await tokenCount(ctx.app, org), 0);
  });

  it('forgets a key after 24 hours (injectable clock)', async () => {
    let now = new Date('2027-01-01T08:00:00Z');
    const services = createServices(ctx.database, ctx.config);
    services.idempotency = createIdempotencyService({ db: ctx.database.db, now: () => now });
    const app = await buildApp({ config: ctx.config, database: ctx.database, services });
    try {
      const org = await createOrganization(app);
      await post(app, org, bulkUrl(org), bulkBody(['a@example.com']), 'day');
      now = new Date('2027-01-02T07:59:00Z');
      assert.equal((await post(app, org, bulkUrl(org), bulkBody(['a@example.com']), 'day')).headers['idempotent-replayed'], 'true', 'kept for 24 hours');
      assert.equal((await post(app, org, bulkUrl(org), bulkBody(['b@example.com']), 'day')).statusCode, 422);
      now = new Date('2027-01-02T08:00:01Z');
      const later = await post(app, org, bulkUrl(org), bulkBody(['b@example.com']), 'day');
      assert.equal(later.statusCode, 200, 'a day later the key is free for another request');
      assert.equal(later.headers['idempotent-replayed'], undefined);
      assert.equal(await tokenCount(app, org), 2);
    } finally {
      await app.close();
    }
  });

  it('holds across API nodes on one database', async () => {
    const database = openDatabase(ctx.config.database);
    const node = await buildApp({ config: ctx.config, database, services: createServices(database, ctx.config) });
    try {
      const org = await createOrganization(ctx.app);
      const first = await post(ctx.app, org, bulkUrl(org), bulkBody(['a@example.com', 'b@example.com']), 'two-nodes');
      const onOtherNode = await post(node, org, bulkUrl(org), bulkBody(['a@example.com', 'b@example.com']), 'two-nodes');
      assert.equal(onOtherNode.headers['idempotent-replayed'], 'true');
      assert.deepEqual(onOtherNode.body, first.body);
      assert.equal((await post(node, org, bulkUrl(org), bulkBody(['c@example.com']), 'two-nodes')).statusCode, 422);
      assert.equal(await tokenCount(node, org), 2);
    } finally {
      await node.close();
      await database.close();
    }
  });
});
