import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';
import { MAX_SEGMENT_DEPTH } from '../../src/modules/segments/segments.service.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const url = (org: { id: string }) => `/v1/organizations/${org.id}/segments`;
const create = async (org: TestOrganization, body: Record<string, unknown>) => call(ctx.app, 'POST', url(org), { token: org.adminToken, body });

describe('segments', () => {
  it('creates segments with integer ids and parents, lists, updates and deletes them', async () => {
    const org = await createOrganization(ctx.app);
    const parent = (await create(org, { name: 'Europe' })).body.data;
    assert.ok(Number.isInteger(parent.id) && parent.id > 0);
    const child = (await create(org, { name: 'Spain', parentId: String(parent.id) })).body.data;
    assert.equal(child.parentId, parent.id);
    const listed = await call(ctx.app, 'GET', url(org), { token: org.adminToken, query: { sort: 'id:asc' } });
    assert.deepEqual(listed.body.data.items.map((s: { name: string }) => s.name), ['Europe', 'Spain']);
    const renamed = await call(ctx.app, 'PUT', `${url(org)}/${child.id}`, { token: org.adminToken, body: { name: 'España', parentId: null } });
    assert.deepEqual([renamed.body.data.name, renamed.body.data.parentId], ['España', null]);
    assert.equal((await call(ctx.app, 'DELETE', `${url(org)}/${parent.id}`, { token: org.adminToken })).statusCode, 200);
    assert.equal((await call(ctx.app, 'GET', `${url(org)}/${parent.id}`, { token: org.adminToken })).body.error.code, 3001);
  });

  it("refuses an unknown or another organization's parent (404) and cycles (400)", async () => {
    const org = await createOrganization(ctx.app);
    const other = await createOrganization(ctx.app);
    const foreign = (await create(other, { name: 'x' })).body.data;
    assert.equal((await create(org, { name: 'a', parentId: foreign.id })).body.error.code, 3001);
    assert.equal((await create(org, { name: 'a', parentId: 1.5 })).body.error.code, 3000);
    const a = (await create(org, { name: 'a' })).body.data;
    const b = (await create(org, { name: 'b', parentId: a.id })).body.data;
    const cycle = await call(ctx.app, 'PUT', `${url(org)}/${a.id}`, { token: org.adminToken, body: { parentId: b.id } });
    assert.equal(cycle.statusCode, 400);
    assert.equal(cycle.body.error.data.errors[0].path, '/body/parentId');
    const self = await call(ctx.app, 'PUT', `${url(org)}/${a.id}`, { token: org.adminToken, body: { parentId: a.id } });
    assert.equal(self.statusCode, 400);
    assert.equal((await call(ctx.app, 'GET', `${url(org)}/${foreign.id}`, { token: org.adminToken })).body.error.code, 3001);
  });

  it('two concurrent updates that would close a cycle (A → B, B → A): exactly one wins, no cycle is stored', async () => {
    const org = await createOrganization(ctx.app);
    for (let round = 0; round < 8; round++) {
      const a = (await create(org, { name: `a${round}` })).body.data;
      const b = (await create(org, { name: `b${round}` })).body.data;
      const [first, second] = await Promise.all([
        call(ctx.app, 'PUT', `${url(org)}/${a.id}`, { token: org.adminToken, body: { parentId: b.id } }),
        call(ctx.app, 'PUT', `${url(org)}/${b.id}`, { token: org.adminToken, body: { parentId: a.id } }),
      ]);
      assert.deepEqual([first.statusCode, second.statusCode].sort(), [200, 400], `round ${round}: ${first.statusCode} ${second.statusCode}`);
      const refused = first.statusCode === 400 ? first : second;
      assert.equal(refused.body.error.data.errors[0].path, '/body/parentId');
      const stored = await ctx.database.db.selectFrom('segments').select(['id', 'parentId']).where('id', 'in', [a.id, b.id]).execute();
      assert.equal(stored.filter((row) => row.parentId !== null).length, 1, 'one of the two has a parent, the other none');
    }
  });

  it('a cycle already stored makes nothing hang: the request that meets it gets a clear 400, the server keeps answering', async () => {
    const org = await createOrganization(ctx.app);
    const a = (await create(org, { name: 'a' })).body.data;
    const b = (await create(org, { name: 'b', parentId: a.id })).body.data;
    const c = (await create(org, { name: 'c' })).body.data;
    // What an older version could store through two concurrent updates.
    await ctx.database.db.updateTable('segments').set({ parentId: b.id }).where('id', '=', a.id).execute();

    const started = Date.now();
    const [intoCycle, createInto, health] = await Promise.all([
      call(ctx.app, 'PUT', `${url(org)}/${c.id}`, { token: org.adminToken, body: { parentId: a.id } }),
      create(org, { name: 'd', parentId: b.id }),
      call(ctx.app, 'GET', '/healthz'),
    ]);
    assert.ok(Date.now() - started < 5_000, 'answered promptly');
    assert.equal(health.statusCode, 200);
    for (const response of [intoCycle, createInto]) {
      assert.equal(response.statusCode, 400);
      assert.equal(response.body.error.code, 3000);
      assert.match(response.body.error.data.errors[0].message, /cycle/);
    }
    // The listing still works, and the cycle can be broken.
    assert.equal((await call(ctx.app, 'GET', url(org), { token: org.adminToken })).body.data.totalDocs, 3);
    const repaired = await call(ctx.app, 'PUT', `${url(org)}/${a.id}`, { token: org.adminToken, body: { parentId: null } });
    assert.equal(repaired.statusCode, 200);
    assert.equal((await call(ctx.app, 'PUT', `${url(org)}/${c.id}`, { token: org.adminToken, body: { parentId: b.id } })).statusCode, 200);
  });

  it(`refuses a parent chain deeper than ${MAX_SEGMENT_DEPTH} levels`, async () => {
    const org = await createOrganization(ctx.app);
    let parentId: number | null = null;
    for (let level = 0; level < MAX_SEGMENT_DEPTH; level++) {
      const created = await create(org, { name: `level ${level}`, parentId });
      assert.equal(created.statusCode, 200);
      parentId = created.body.data.id;
    }
    const deepest = await create(org, { name: 'one too deep', parentId });
    assert.equal(deepest.statusCode, 400);
    assert.match(deepest.body.error.data.errors[0].message, /deeper than 64 levels/);
  });

  it('refuses segment ids beyond the database integer range as input (400, not 500)', async () => {
    const org = await createOrganization(ctx.app);
    for (const id of ['2147483648', '99999999999999999999']) {
      const response = await call(ctx.app, 'GET', `${url(org)}/${id}`, { token: org.adminToken });
      assert.equal(response.statusCode, 400, id);
      assert.equal(response.body.error.data.errors[0].path, '/params/segmentId');
    }
    const hugeParent = await create(org, { name: 'x', parentId: 1e20 });
    assert.equal(hugeParent.statusCode, 400);
    assert.equal(hugeParent.body.error.data.errors[0].path, '/body/parentId');
  });

  const withSegment = async (org: TestOrganization) => `${url(org)}/${(await create(org, { name: 's' })).body.data.id}`;
  securitySuite(() => ctx.app, { method: 'POST', url, permission: 'mdm.global.segment.create', body: () => ({ name: 's' }) });
  securitySuite(() => ctx.app, { method: 'GET', url, permission: 'mdm.global.segment.list' });
  securitySuite(() => ctx.app, { method: 'GET', url: withSegment, permission: 'mdm.global.segment.get' });
  securitySuite(() => ctx.app, { method: 'PUT', url: withSegment, permission: 'mdm.global.segment.update', body: () => ({ name: 't' }) });
  securitySuite(() => ctx.app, { method: 'DELETE', url: withSegment, permission: 'mdm.global.segment.remove' });
});
