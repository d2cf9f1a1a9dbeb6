import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { ROLE_PERMISSIONS } from '../../src/auth/permissions.ts';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createKey, createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { securitySuite } from '../helpers/security.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const keysUrl = (org: { id: string }) => `/v1/organizations/${org.id}/service-accounts`;

describe('service accounts', () => {
  it('creates a key with a role, shows the token once, and the token works', async () => {
    const org = await createOrganization(ctx.app);
    const created = await call(ctx.app, 'POST', keysUrl(org), { token: org.adminToken, body: { name: 'ci', role: 'developer' } });
    assert.equal(created.statusCode, 200);
    const { token, ...account } = created.body.data;
    assert.match(token, /^enrd_[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
    assert.equal(account.role, 'developer');
    assert.deepEqual(account.permissions, [...ROLE_PERMISSIONS.developer]);
    assert.equal(account.tokenPrefix, token.slice(0, 11));
    assert.equal(account.revokedAt, null);

    const listed = await call(ctx.app, 'GET', keysUrl(org), { token: org.adminToken });
    const row = listed.body.data.items.find((k: { id: string }) => k.id === account.id);
    assert.deepEqual(row, account);
    assert.ok(!JSON.stringify(listed.body).includes(token), 'the token is never listed');

    const used = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token });
    assert.equal(used.statusCode, 200);
  });

  it('creates a key with explicit permissions and wildcards, enforced exactly', async () => {
    const org = await createOrganization(ctx.app);
    const token = await createKey(ctx.app, org.id, { permissions: ['mdm.global.mdmUser.list', 'mdm.apple.*'] });
    assert.equal((await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token })).statusCode, 200);
    const create = await call(ctx.app, 'POST', `/v1/organizations/${org.id}/mdm/users`, { token, body: { email: 'a@example.com' } });
    assert.equal(create.statusCode, 403);
    assert.equal(create.body.error.code, 4003);
  });

  it('refuses unknown permissions, both role and permissions, and neither', async () => {
    const org = await createOrganization(ctx.app);
    const cases: Array<[unknown, string]> = [
      [{ name: 'x', permissions: ['mdm.global.mdmUser.list', 'mdm.nothing.here'] }, '/body/permissions/1'],
      [{ name: 'x', permissions: ['zzz*'] }, '/body/permissions/0'],
      [{ name: 'x', role: 'admin', permissions: ['*'] }, '/body/role'],
      [{ name: 'x' }, '/body/role'],
      [{ name: 'x', role: 'owner' }, '/body/role'],
      [{ name: '', role: 'admin' }, '/body/name'],
    ];
    for (const [body, path] of cases) {
      const response = await call(ctx.app, 'POST', keysUrl(org), { token: org.adminToken, body });
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(response.body.error.data.errors[0].path, path, JSON.stringify(response.body));
    }
    const listed = await call(ctx.app, 'GET', keysUrl(org), { token: ROOT_KEY });
    assert.equal(listed.body.data.totalDocs, 1, 'only the factory admin key exists');
  });

  it('does not let a key grant permissions it lacks', async () => {
    const org = await createOrganization(ctx.app);
    const limited = await createKey(ctx.app, org.id, {
      permissions: ['base.organization.serviceAccount.create', 'mdm.global.mdmUser.list'],
    });
    const escalate = await call(ctx.app, 'POST', keysUrl(org), { token: limited, body: { name: 'x', role: 'admin' } });
    assert.equal(escalate.statusCode, 403);
    assert.equal(escalate.body.error.code, 4003);
    const same = await call(ctx.app, 'POST', keysUrl(org), { token: limited, body: { name: 'x', permissions: ['mdm.global.mdmUser.list'] } });
    assert.equal(same.statusCode, 200);
  });

  it('revokes a key: it stops working at once, and revoking again answers the same', async () => {
    const org = await createOrganization(ctx.app);
    const created = await call(ctx.app, 'POST', keysUrl(org), { token: org.adminToken, body: { name: 'temp', role: 'viewer' } });
    const { id, token } = created.body.data;
    assert.equal((await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token })).statusCode, 200);
    const revoked = await call(ctx.app, 'DELETE', `${keysUrl(org)}/${id}`, { token: org.adminToken });
    assert.equal(revoked.statusCode, 200);
    assert.match(revoked.body.data.revokedAt, /Z$/);
    const refused = await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.body.error.code, 4004);
    const again = await call(ctx.app, 'DELETE', `${keysUrl(org)}/${id}`, { token: org.adminToken });
    assert.equal(again.body.data.revokedAt, revoked.body.data.revokedAt);
  });

  it("answers 404/3001 when revoking another organization's key", async () => {
    const org = await createOrganization(ctx.app);
    const other = await createOrganization(ctx.app);
    const foreign = await call(ctx.app, 'POST', keysUrl(other), { token: other.adminToken, body: { name: 'x', role: 'viewer' } });
    const response = await call(ctx.app, 'DELETE', `${keysUrl(org)}/${foreign.body.data.id}`, { token: org.adminToken });
    assert.equal(response.statusCode, 404);
    assert.equal(response.body.error.code, 3001);
    const stillWorks = await call(ctx.app, 'GET', `/v1/organizations/${other.id}/mdm/users`, { token: foreign.body.data.token });
    assert.equal(stillWorks.statusCode, 200);
  });

  it('never writes a plaintext token to the database files', async () => {
    const org = await createOrganization(ctx.app);
    const created = await call(ctx.app, 'POST', keysUrl(org), { token: org.adminToken, body: { name: 'secret', role: 'admin' } });
    const token: string = created.body.data.token;
    const secretPart = token.slice(12);
    const stored = await ctx.database.db.selectFrom('serviceAccounts').select(['tokenHash']).where('id', '=', created.body.data.id).executeTakeFirstOrThrow();
    assert.match(stored.tokenHash, /^[0-9a-f]{64}$/);
    if (ctx.config.database.kind === 'postgres') {
      // Every stored row of the table, as PostgreSQL renders it.
      const { rows } = await sql<{ row: string }>`select cast(s as text) as row from service_accounts s`.execute(ctx.database.db);
      assert.ok(rows.some((r) => r.row.includes(stored.tokenHash)), 'the search looks where the key row really is');
      assert.ok(rows.every((r) => !r.row.includes(secretPart)));
      return;
    }
    const file = ctx.config.database.file;
    let bytesSearched = 0;
    for (const path of [file, `${file}-wal`]) {
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path);
      bytesSearched += bytes.length;
      assert.equal(bytes.indexOf(secretPart), -1, `token found in ${path}`);
      assert.equal(bytes.indexOf(Buffer.from(secretPart, 'utf16le')), -1);
    }
    assert.ok(bytesSearched > 0);
    assert.ok(
      readFileSync(`${file}-wal`).includes(stored.tokenHash) || readFileSync(file).includes(stored.tokenHash),
      'the search looks where the key row really is',
    );
  });

  securitySuite(() => ctx.app, { method: 'POST', url: keysUrl, permission: 'base.organization.serviceAccount.create', body: () => ({ name: 'x', permissions: ['base.organization.serviceAccount.create'] }) });
  securitySuite(() => ctx.app, { method: 'GET', url: keysUrl, permission: 'base.organization.serviceAccount.list' });
  securitySuite(() => ctx.app, {
    method: 'DELETE',
    url: async (org) => {
      const created = await call(ctx.app, 'POST', keysUrl(org), { token: ROOT_KEY, body: { name: 'victim', role: 'viewer' } });
      return `${keysUrl(org)}/${created.body.data.id}`;
    },
    permission: 'base.organization.serviceAccount.remove',
  });
});
