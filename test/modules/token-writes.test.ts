/** The write paths that only races and collisions reach, driven directly against a real database. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJson, encodeJson } from '../../src/db/dialect.ts';
import { generateEnrollCode, normalizeEnrollCode } from '../../src/lib/enroll-code.ts';
import { createInvitationQueue } from '../../src/modules/email/invitations.ts';
import { insertWithUniqueCodes } from '../../src/modules/enrollment-tokens/token-writes.ts';
import { createTestContext, ROOT_KEY, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { createToken, tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const invitations = createInvitationQueue({ mailDomain: 'example.com' });

describe('enroll codes', () => {
  it('are 12 Crockford base32 characters, spread over the whole alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateEnrollCode();
      assert.match(code, /^[0-9A-HJKMNP-TV-Z]{12}$/);
      for (const c of code) seen.add(c);
    }
    assert.equal(seen.size, 32);
  });

  it('normalise what people type: case, I/L/O read-alikes, dashes and spaces', () => {
    assert.equal(normalizeEnrollCode('abcd-efgh-jkmn'), 'ABCDEFGHJKMN');
    assert.equal(normalizeEnrollCode('oil0 oil0 oil0'), '011001100110');
    assert.equal(normalizeEnrollCode('ABCDEFGHJKM'), null);
    assert.equal(normalizeEnrollCode('ABCDEFGHJKMU'), null, 'U is not in the alphabet');
  });
});

/** A new row for insertWithUniqueCodes shaped like a stored token, with its own id and a given code. */
async function rowLike(tokenId: string, id: string, enrollCode: string) {
  const [template] = await ctx.database.db.selectFrom('enrollmentTokens').selectAll().where('id', '=', tokenId).execute();
  const { id: _id, enrollCode: _code, ...rest } = template as any;
  // Rows read back from PostgreSQL carry parsed JSON and Dates; writes take them encoded (as the code does).
  for (const column of ['tags', 'options']) rest[column] = encodeJson(decodeJson(rest[column]));
  for (const column of ['createdAt', 'updatedAt', 'expireAt']) rest[column] = new Date(rest[column]).toISOString();
  return { ...rest, id, enrollCode };
}

describe('collisions and races', () => {
  it('gives a row whose code is already taken a fresh code, leaving the rest as they were', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const existing = await createToken(ctx.app, org, 'apple', user.id);
    const colliding = await rowLike(existing.id, '0000000000000000000000a1', existing.enrollCode);
    const fresh = await rowLike(existing.id, '0000000000000000000000a2', generateEnrollCode());
    const stored = await ctx.database.db.transaction().execute((trx) => insertWithUniqueCodes(trx, org.id, [colliding, fresh], ['x'], invitations));
    const rows = await ctx.database.db.selectFrom('enrollmentTokens').select(['id', 'enrollCode']).where('id', 'in', [colliding.id, fresh.id]).execute();
    const byId = new Map(rows.map((r) => [r.id, r.enrollCode]));
    assert.equal(byId.size, 2);
    assert.notEqual(byId.get(colliding.id), existing.enrollCode);
    assert.equal(byId.get(fresh.id), fresh.enrollCode);
    // What it answers is what was stored (single create answers from it without reading back).
    assert.deepEqual(
      stored.map((row) => [row.id, row.enrollCode]),
      [colliding.id, fresh.id].map((id) => [id, byId.get(id)]),
    );
    const tagged = await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { tags: 'x' } });
    assert.equal(tagged.body.data?.totalDocs, 2, JSON.stringify(tagged.body));
  });

  it('gives a lone row (the single-create statement) a fresh code when its code is taken, and answers the stored code', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const existing = await createToken(ctx.app, org, 'apple', user.id);
    const lone = await rowLike(existing.id, '0000000000000000000000b1', existing.enrollCode);
    const [stored] = await ctx.database.db.transaction().execute((trx) => insertWithUniqueCodes(trx, org.id, [lone], ['solo'], invitations));
    const row = await ctx.database.db.selectFrom('enrollmentTokens').select('enrollCode').where('id', '=', lone.id).executeTakeFirstOrThrow();
    assert.notEqual(row.enrollCode, existing.enrollCode);
    assert.equal(stored!.enrollCode, row.enrollCode);
    const tagged = await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { tags: 'solo' } });
    assert.deepEqual(tagged.body.data?.items.map((t: { id: string }) => t.id), [lone.id]);
  });

  it('uses the existing user when another request created the same address first', async () => {
    const org = await createOrganization(ctx.app);
    const winner = await createMdmUser(ctx.app, org, { email: 'race@example.com', language: 'it' });
    const ids = new Map<string, { id: string; language: 'en' | 'es' | 'fr' | 'de' | 'it' | 'pt' }>();
    // The address was free when this request looked, and taken before it inserted.
    await ctx.database.db.transaction().execute((trx) =>
      ctx.services.mdmUsers.createByEmail(trx, org.id, [{ email: 'Race@example.com', normalized: 'race@example.com' }, { email: 'new@example.com', normalized: 'new@example.com' }], 'en', new Date().toISOString(), ids),
    );
    assert.deepEqual(ids.get('race@example.com'), { id: winner.id, language: 'it' }, 'with the language it was made in');
    assert.match(ids.get('new@example.com')!.id, /^[0-9a-f]{24}$/);
  });
});

describe('token counters', () => {
  /** The trigger-maintained counts must equal a real GROUP BY, whatever happened. */
  async function assertCountersExact(organizationId: string) {
    const db = ctx.database.db;
    const counted = await db
      .selectFrom('enrollmentTokens')
      .select(['platform', 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('organizationId', '=', organizationId)
      .groupBy(['platform', 'state'])
      .execute();
    // A count is the sum of its shards (PostgreSQL keeps one row per backend shard).
    const kept = (
      await db
        .selectFrom('enrollmentTokenCounts')
        .select(['platform', 'state', (eb) => eb.fn.sum<number>('n').as('n')])
        .where('organizationId', '=', organizationId)
        .groupBy(['platform', 'state'])
        .execute()
    ).filter((row) => Number(row.n) !== 0);
    const key = (rows: Array<{ platform: string; state: string; n: number | string | bigint }>) => rows.map((r) => `${r.platform}/${r.state}=${Number(r.n)}`).sort();
    assert.deepEqual(key(kept), key(counted));
  }

  it('stay exact through creates, bulks, revocations, state changes and cascading deletes', async () => {
    const org = await createOrganization(ctx.app);
    const keep = await createMdmUser(ctx.app, org);
    const leave = await createMdmUser(ctx.app, org);
    const leaving = await createToken(ctx.app, org, 'windows', leave.id);
    await createToken(ctx.app, org, 'apple', keep.id);
    const revoked = await createToken(ctx.app, org, 'apple', keep.id);
    await call(ctx.app, 'POST', `${tokensUrl(org, 'android')}/bulk`, { token: org.adminToken, body: { sendEmail: false, managementMode: 'COPE', userEmails: ['a@example.com', 'b@example.com'] } });
    await call(ctx.app, 'DELETE', `${tokensUrl(org, 'apple')}/${revoked.id}`, { token: org.adminToken });
    await ctx.database.db.updateTable('enrollmentTokens').set({ state: 'DONE' }).where('id', '=', leaving.id).execute();
    await assertCountersExact(org.id);
    const removed = await call(ctx.app, 'DELETE', `/v1/organizations/${org.id}/mdm/users/${leave.id}`, { token: org.adminToken });
    assert.equal(removed.statusCode, 200, 'a user with only a DONE token can go');
    await assertCountersExact(org.id);
    const listed = await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { 'show-deleted': 'true' } });
    assert.equal(listed.body.data.totalDocs, 2);
  });

  it('are dropped with their organization', async () => {
    const org = await createOrganization(ctx.app);
    await createToken(ctx.app, org, 'apple', (await createMdmUser(ctx.app, org)).id);
    await call(ctx.app, 'DELETE', `/v1/organizations/${org.id}`, { token: ROOT_KEY });
    const left = await ctx.database.db.selectFrom('enrollmentTokenCounts').selectAll().where('organizationId', '=', org.id).execute();
    assert.deepEqual(left, []);
  });
});

describe('expiry sweeper', () => {
  it('persists EXPIRED for PENDING tokens past expiry only, in batches, keeping reads and counters unchanged', async () => {
    const org = await createOrganization(ctx.app);
    await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/bulk`, {
      token: org.adminToken,
      body: { sendEmail: false, userEmails: Array.from({ length: 1203 }, (_, i) => `sweep${i}@example.com`) },
    });
    const live = await createToken(ctx.app, org, 'apple', (await createMdmUser(ctx.app, org)).id);
    const past = new Date(Date.now() - 1000).toISOString();
    await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: past }).where('organizationId', '=', org.id).where('id', '!=', live.id).execute();
    const countsBefore = await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { state: 'EXPIRED', limit: 1 } });
    assert.equal(countsBefore.body.data.totalDocs, 1203, 'read as EXPIRED before any sweep');

    const swept = await ctx.services.enrollmentTokens.expireDue();
    assert.ok(swept >= 1203);
    const stored = await ctx.database.db.selectFrom('enrollmentTokens').select('state').where('organizationId', '=', org.id).execute();
    assert.equal(stored.filter((t) => t.state === 'EXPIRED').length, 1203);
    assert.equal(stored.filter((t) => t.state === 'PENDING').length, 1);
    const countsAfter = await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { state: 'EXPIRED', limit: 1 } });
    assert.equal(countsAfter.body.data.totalDocs, 1203);
    assert.equal((await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { state: 'PENDING' } })).body.data.totalDocs, 1);
    assert.equal(await ctx.services.enrollmentTokens.expireDue(), 0, 'nothing left to sweep');
  });
});
