/**
 * The per-process caches of keys, organizations and enterprises (PostgreSQL): what one node holds
 * in memory stops being served the moment any writer — another node, a hand-written UPDATE —
 * commits a change, and nothing is served while the process cannot hear about changes.
 *
 * The caches' entries live 10 s, and every wait for a change below is bounded at 2 s: a test
 * passes only when the notice did the work, never the expiry.
 */
import assert from 'node:assert/strict';
import SQLite from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { createServices } from '../../src/services.ts';
import { CHANGE_LISTENER_NAME, type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { hashSecret } from '../../src/lib/secrets.ts';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { ON_POSTGRES, withAdmin } from '../helpers/database.ts';
import { createKey, createMdmUser, createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { until } from '../helpers/process.ts';

const NOTICE_DEADLINE_MS = 2000;

let ctx: TestContext;
/** A second API node on the same database. */
let other: { app: FastifyInstance; database: DatabaseHandle };

const urlOf = (context: TestContext) => (context.config.database.kind === 'postgres' ? context.config.database.url : '');

/** A client of its own, like psql: what it commits reaches the nodes only as a notice. */
const byHand = <T>(work: (client: pg.Client) => Promise<T>, url = urlOf(ctx)): Promise<T> => withAdmin(url, work);

/**
 * Revoke with triggers off (session_replication_role = replica): no notice is sent, so only a
 * process that reads the key again sees the revocation.
 */
const revokeWithoutNotice = (token: string, url?: string) =>
  byHand(async (client) => {
    await client.query('set session_replication_role = replica');
    await client.query('update service_accounts set revoked_at = now() where token_hash = $1', [hashSecret(token)]);
  }, url);

const usersUrl = (organizationId: string) => `/v1/organizations/${organizationId}/mdm/users`;
const status = async (app: FastifyInstance, token: string, organizationId: string) => (await call(app, 'GET', usersUrl(organizationId), { token })).statusCode;

/** Use the key on node A until it is served from A's cache (A listens from its first lookup on). */
async function cachedOnA(token: string, organizationId: string): Promise<void> {
  assert.equal(await status(ctx.app, token, organizationId), 200);
  await until(() => ctx.database.changeNotices.listening(), NOTICE_DEADLINE_MS, 'node A to listen for changes');
  assert.equal(await status(ctx.app, token, organizationId), 200);
}

/** Revoke the key `token` through the API of `app` (found by its prefix in the key list). */
async function revokeThrough(app: FastifyInstance, org: { id: string; adminToken: string }, token: string): Promise<void> {
  const keys = await call(app, 'GET', `/v1/organizations/${org.id}/service-accounts`, { token: org.adminToken });
  const id = keys.body.data.items.find((key: { tokenPrefix: string }) => token.startsWith(key.tokenPrefix)).id;
  assert.equal((await call(app, 'DELETE', `/v1/organizations/${org.id}/service-accounts/${id}`, { token: ROOT_KEY })).statusCode, 200);
}

async function refusedOnAWithin(token: string, organizationId: string, what: string): Promise<number> {
  const started = Date.now();
  await until(async () => (await status(ctx.app, token, organizationId)) === 401, NOTICE_DEADLINE_MS, what);
  return Date.now() - started;
}

describe('caches kept by change notices', { skip: !ON_POSTGRES && 'PostgreSQL only: nothing is cached on SQLite' }, () => {
  before(async () => {
    ctx = await createTestContext();
    const database = openDatabase(ctx.config.database);
    other = { database, app: await buildApp({ config: ctx.config, database, services: createServices(database, ctx.config) }) };
  });
  after(async () => {
    await other.app.close();
    await other.database.close();
    await ctx.close();
  });

  it('refuses a key revoked on this node at once, on the very next request', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createKey(ctx.app, org.id, { role: 'developer' });
    await cachedOnA(token, org.id);
    await revokeThrough(ctx.app, org, token);
    assert.equal(await status(ctx.app, token, org.id), 401);
  });

  it('refuses a key revoked on another node as soon as the notice arrives', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createKey(ctx.app, org.id, { role: 'developer' });
    await cachedOnA(token, org.id);
    await revokeThrough(other.app, org, token);
    await refusedOnAWithin(token, org.id, 'node A to refuse the key revoked on node B');
  });

  it('refuses a key revoked by hand in the database (psql, a script)', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createKey(ctx.app, org.id, { role: 'developer' });
    await cachedOnA(token, org.id);
    await byHand((client) => client.query('update service_accounts set revoked_at = now() where token_hash = $1', [hashSecret(token)]));
    await refusedOnAWithin(token, org.id, 'node A to refuse the key revoked by hand');
  });

  it('serves the key from memory, and any committed change to the cached tables empties it', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createKey(ctx.app, org.id, { role: 'developer' });
    await cachedOnA(token, org.id);
    // Node A keeps accepting the key revoked without a notice: it no longer reads it at each request.
    await revokeWithoutNotice(token);
    assert.equal(await status(ctx.app, token, org.id), 200, 'served from the cache');
    // Any notice empties the cache: here an unrelated organization's rename on node B.
    const unrelated = await createOrganization(other.app);
    await call(other.app, 'PUT', `/v1/organizations/${unrelated.id}`, { token: ROOT_KEY, body: { name: 'Renamed' } });
    await refusedOnAWithin(token, org.id, 'node A to re-read the key after a notice');
  });

  it('ignores the changes of another deployment sharing the database in another schema', async () => {
    // Another enrolld on the same database, in a schema of its own: its writes send notices on
    // the same channel, naming its schema. It is made (and migrated) before the key is cached:
    // on a busy machine that takes seconds, and the cache's entries also expire after 10 s.
    const neighbour = await createTestContext();
    const org = await createOrganization(ctx.app);
    const token = await createKey(ctx.app, org.id, { role: 'developer' });
    await cachedOnA(token, org.id);
    await revokeWithoutNotice(token);
    const generation = ctx.database.changeNotices.generation;
    try {
      const foreign = await createOrganization(neighbour.app);
      await call(neighbour.app, 'PUT', `/v1/organizations/${foreign.id}`, { token: ROOT_KEY, body: { name: 'Renamed next door' } });
      await byHand((client) => client.query(`update organizations set name = 'By hand next door' where id = $1`, [foreign.id]), urlOf(neighbour));
      await new Promise((resolve) => setTimeout(resolve, 300)); // the notices arrive within milliseconds
      assert.equal(ctx.database.changeNotices.generation, generation, 'no notice of the other schema counted');
      assert.equal(await status(ctx.app, token, org.id), 200, 'still served from the cache');
    } finally {
      await neighbour.close();
    }
    // A change in this deployment's own schema still empties it.
    await byHand((client) => client.query(`update organizations set name = 'Renamed here' where id = $1`, [org.id]));
    await refusedOnAWithin(token, org.id, 'node A to re-read the key after a notice of its own schema');
  });

  it('forgets everything when its listening connection is lost, and serves from memory again once back', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createKey(ctx.app, org.id, { role: 'developer' });
    await cachedOnA(token, org.id);
    const before = ctx.database.changeNotices.generation;
    const { rowCount } = await byHand((client) =>
      client.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [`${CHANGE_LISTENER_NAME} ${process.pid}`]),
    );
    assert.ok(rowCount! >= 1, 'the listening connections of this process were found');
    await until(() => ctx.database.changeNotices.generation !== before, NOTICE_DEADLINE_MS, 'node A to notice the lost connection');
    // A revocation that sends no notice, made while node A may not be listening yet: A must not
    // answer from what it held before the connection was lost.
    await revokeWithoutNotice(token);
    assert.equal(await status(ctx.app, token, org.id), 401);
    await until(() => ctx.database.changeNotices.listening(), 5000, 'node A to listen again');
    const fresh = await createKey(ctx.app, org.id, { role: 'developer' });
    await cachedOnA(fresh, org.id);
  });

  it('applies an organization plan changed on another node to the next requests', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createKey(ctx.app, org.id, { role: 'admin' });
    const user = await createMdmUser(ctx.app, org);
    const tokensUrl = `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens`;
    const create = () => call(ctx.app, 'POST', tokensUrl, { token, body: { sendEmail: false, mdmUserId: user.id } });
    assert.equal((await create()).statusCode, 200);
    await until(() => ctx.database.changeNotices.listening(), NOTICE_DEADLINE_MS, 'node A to listen for changes');
    assert.equal((await create()).statusCode, 200);
    const updated = await call(other.app, 'PUT', `/v1/organizations/${org.id}`, { token: ROOT_KEY, body: { plan: { features: ['android'] } } });
    assert.equal(updated.statusCode, 200, JSON.stringify(updated.body));
    await until(async () => (await create()).body.error?.code === 5050, NOTICE_DEADLINE_MS, 'node A to refuse apple tokens after the plan change (5050)');
  });

  it('shows an enterprise changed on another node', async () => {
    const org = await createOrganization(ctx.app);
    const url = `/v1/organizations/${org.id}/mdm/apple/enterprise`;
    assert.equal((await call(ctx.app, 'GET', url, { token: org.adminToken })).statusCode, 200);
    await until(() => ctx.database.changeNotices.listening(), NOTICE_DEADLINE_MS, 'node A to listen for changes');
    assert.notEqual((await call(ctx.app, 'GET', url, { token: org.adminToken })).body.data.name, 'Renamed on B');
    const renamed = await call(other.app, 'PUT', url, { token: org.adminToken, body: { name: 'Renamed on B' } });
    assert.equal(renamed.statusCode, 200, JSON.stringify(renamed.body));
    await until(async () => (await call(ctx.app, 'GET', url, { token: org.adminToken })).body.data.name === 'Renamed on B', NOTICE_DEADLINE_MS, 'node A to show the new name');
  });
});

describe('ENROLLD_PG_LISTEN_URL=off', { skip: !ON_POSTGRES && 'PostgreSQL only' }, () => {
  it('caches nothing: a key revoked without any notice is refused on the next request', async () => {
    const uncached = await createTestContext({ ENROLLD_PG_LISTEN_URL: 'off' });
    try {
      const org = await createOrganization(uncached.app);
      const token = await createKey(uncached.app, org.id, { role: 'developer' });
      assert.equal(await status(uncached.app, token, org.id), 200);
      assert.equal(await status(uncached.app, token, org.id), 200);
      await revokeWithoutNotice(token, urlOf(uncached));
      assert.equal(await status(uncached.app, token, org.id), 401);
    } finally {
      await uncached.close();
    }
  });
});

describe('keys on SQLite', { skip: ON_POSTGRES && 'SQLite only' }, () => {
  it('refuses a key revoked by another connection on the very next request (nothing is cached)', async () => {
    const sqlite = await createTestContext();
    try {
      const org = await createOrganization(sqlite.app);
      const token = await createKey(sqlite.app, org.id, { role: 'developer' });
      assert.equal(await status(sqlite.app, token, org.id), 200);
      assert.equal(await status(sqlite.app, token, org.id), 200);
      const file = sqlite.config.database.kind === 'sqlite' ? sqlite.config.database.file : '';
      const connection = new SQLite(file);
      connection.prepare('update service_accounts set revoked_at = ? where token_hash = ?').run(new Date().toISOString(), hashSecret(token));
      connection.close();
      assert.equal(await status(sqlite.app, token, org.id), 401);
    } finally {
      await sqlite.close();
    }
  });
});
