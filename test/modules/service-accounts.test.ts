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

  it('lets a key revoke only keys whose permissions it holds itself (403/4003), the root key any', async () => {
    const org = await createOrganization(ctx.app);
    const remover = await createKey(ctx.app, org.id, { permissions: ['base.organization.serviceAccount.remove', 'mdm.global.mdmUser.list'] });
    const admin = await call(ctx.app, 'POST', keysUrl(org), { token: ROOT_KEY, body: { name: 'admin', role: 'admin' } });
    const viewer = await call(ctx.app, 'POST', keysUrl(org), { token: ROOT_KEY, body: { name: 'viewer', role: 'viewer' } });
    const weaker = await call(ctx.app, 'POST', keysUrl(org), { token: ROOT_KEY, body: { name: 'weaker', permissions: ['mdm.global.mdmUser.list'] } });

    for (const stronger of [admin, viewer]) {
      const refused = await call(ctx.app, 'DELETE', `${keysUrl(org)}/${stronger.body.data.id}`, { token: remover });
      assert.equal(refused.statusCode, 403, JSON.stringify(refused.body));
      assert.deepEqual([refused.body.error.code, refused.body.error.message], [4003, 'Forbidden: a key cannot revoke a key holding permissions it does not hold itself']);
      assert.equal((await call(ctx.app, 'GET', `/v1/organizations/${org.id}/mdm/users`, { token: stronger.body.data.token })).statusCode, 200, 'the stronger key still works');
    }
    const revoked = await call(ctx.app, 'DELETE', `${keysUrl(org)}/${weaker.body.data.id}`, { token: remover });
    assert.equal(revoked.statusCode, 200, 'a key whose permissions it holds');
    const byAdmin = await call(ctx.app, 'DELETE', `${keysUrl(org)}/${viewer.body.data.id}`, { token: org.adminToken });
    assert.equal(byAdmin.statusCode, 200);
    const byRoot = await call(ctx.app, 'DELETE', `${keysUrl(org)}/${admin.body.data.id}`, { token: ROOT_KEY });
    assert.equal(byRoot.statusCode, 200);
  });

  it("never lets an organization key revoke the organization's last admin key; the root key and the CLI can", async () => {
    const org = await createOrganization(ctx.app);
    const listed = await call(ctx.app, 'GET', keysUrl(org), { token: ROOT_KEY });
    const factoryAdminId: string = listed.body.data.items[0].id;
    // `*` expands to every permission: an admin key as much as the admin role.
    const wildcard = await call(ctx.app, 'POST', keysUrl(org), { token: ROOT_KEY, body: { name: 'all', permissions: ['*'] } });

    const first = await call(ctx.app, 'DELETE', `${keysUrl(org)}/${wildcard.body.data.id}`, { token: org.adminToken });
    assert.equal(first.statusCode, 200, 'another admin key is left');
    const self = await call(ctx.app, 'DELETE', `${keysUrl(org)}/${factoryAdminId}`, { token: org.adminToken });
    assert.equal(self.statusCode, 403, JSON.stringify(self.body));
    assert.deepEqual([self.body.error.code, self.body.error.message], [4003, "Forbidden: this is the organization's last admin key; only the root key can revoke it"]);
    assert.equal((await call(ctx.app, 'GET', keysUrl(org), { token: org.adminToken })).statusCode, 200, 'the last admin key still works');

    const byRoot = await call(ctx.app, 'DELETE', `${keysUrl(org)}/${factoryAdminId}`, { token: ROOT_KEY });
    assert.equal(byRoot.statusCode, 200);
    assert.match(byRoot.body.data.revokedAt, /Z$/);
  });

  it('lets exactly one of two concurrent revocations of the last two admin keys succeed', async () => {
    // Several organizations at once, so the two transactions of each really overlap on PostgreSQL.
    const rounds = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const org = await createOrganization(ctx.app);
        const second = await call(ctx.app, 'POST', keysUrl(org), { token: ROOT_KEY, body: { name: 'second admin', role: 'admin' } });
        const listed = await call(ctx.app, 'GET', keysUrl(org), { token: ROOT_KEY });
        const firstId = listed.body.data.items.find((k: any) => k.id !== second.body.data.id).id;
        // Each admin key revokes the other at the same moment.
        const answers = await Promise.all([
          call(ctx.app, 'DELETE', `${keysUrl(org)}/${second.body.data.id}`, { token: org.adminToken }),
          call(ctx.app, 'DELETE', `${keysUrl(org)}/${firstId}`, { token: second.body.data.token }),
        ]);
        const live = await ctx.database.db.selectFrom('serviceAccounts').select('id').where('organizationId', '=', org.id).where('revokedAt', 'is', null).execute();
        return { statuses: answers.map((a) => a.statusCode).sort(), live: live.length };
      }),
    );
    for (const round of rounds) {
      assert.equal(round.statuses.filter((status) => status === 200).length, 1, JSON.stringify(round.statuses));
      assert.ok(round.statuses.every((status) => status === 200 || status === 403 || status === 401), JSON.stringify(round.statuses));
      assert.equal(round.live, 1, 'one admin key is left');
    }
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
      // A victim the key holding just `remove` may revoke: it holds no permission beyond that one.
      const created = await call(ctx.app, 'POST', keysUrl(org), { token: ROOT_KEY, body: { name: 'victim', permissions: ['base.organization.serviceAccount.remove'] } });
      return `${keysUrl(org)}/${created.body.data.id}`;
    },
    permission: 'base.organization.serviceAccount.remove',
  });
});
