import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';

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

  const withSegment = async (org: TestOrganization) => `${url(org)}/${(await create(org, { name: 's' })).body.data.id}`;
  securitySuite(() => ctx.app, { method: 'POST', url, permission: 'mdm.global.segment.create', body: () => ({ name: 's' }) });
  securitySuite(() => ctx.app, { method: 'GET', url, permission: 'mdm.global.segment.list' });
  securitySuite(() => ctx.app, { method: 'GET', url: withSegment, permission: 'mdm.global.segment.get' });
  securitySuite(() => ctx.app, { method: 'PUT', url: withSegment, permission: 'mdm.global.segment.update', body: () => ({ name: 't' }) });
  securitySuite(() => ctx.app, { method: 'DELETE', url: withSegment, permission: 'mdm.global.segment.remove' });
});
