/**
 * A tag filter's totalDocs comes from the tag rows alone (they carry their token's platform,
 * creation, state and expiry, migration 0007), and one tag's pages sorted by creation are read
 * from the tag index. Both must agree with the general query through every state change, for one
 * tag and several, and survive the migration's down and up (backfill).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const QUERIES = [
  ...['a', 'b', 'a,b', 'c'].map((tags) => ({ tags })),
  ...['PENDING', 'DONE', 'EXPIRED', 'DELETED'].flatMap((state) => ['a', 'a,b'].map((tags) => ({ tags, state }))),
  { tags: 'a,b', 'show-deleted': 'true' },
];

/** For each query, totalDocs and the number of items actually listed (limit 500 holds them all). */
async function countsAndItems(org: TestOrganization, platform: 'apple' | 'android') {
  const answers: Record<string, [number, number]> = {};
  for (const query of QUERIES) {
    const listed = await call(ctx.app, 'GET', tokensUrl(org, platform), { token: org.adminToken, query: { ...query, limit: '500' } });
    assert.equal(listed.statusCode, 200, JSON.stringify(listed.body));
    answers[JSON.stringify(query)] = [listed.body.data.totalDocs, listed.body.data.items.length];
  }
  return answers;
}

function assertAgree(answers: Record<string, [number, number]>) {
  for (const [query, [total, items]] of Object.entries(answers)) assert.equal(total, items, `totalDocs for ${query}`);
}

describe('tag filter counts', () => {
  it('agree with the listed rows through redemption, revocation, expiry and tag edits, and through migration 0007 down and up', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const create = async (platform: 'apple' | 'android', tags: string[]) =>
      (await call(ctx.app, 'POST', tokensUrl(org, platform), { token: org.adminToken, body: { mdmUserId: user.id, sendEmail: false, tags, ...(platform === 'android' ? { managementMode: 'COPE' } : {}) } })).body.data;
    const tokens = [];
    for (const tags of [['a'], ['a', 'b'], ['b'], ['a'], ['a', 'b'], ['a'], []]) tokens.push(await create('apple', tags));
    await create('android', ['a']); // another platform: never counted for apple
    await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/bulk`, { token: org.adminToken, body: { sendEmail: false, tags: ['a', 'b'], userEmails: ['x@example.com', 'y@example.com'] } });

    await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/redeem`, { token: org.adminToken, body: { code: tokens[0].enrollCode, device: { serialNumber: 'T-1' } } });
    await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/redeem`, { token: org.adminToken, body: { code: tokens[1].enrollCode, device: { serialNumber: 'T-2' } } });
    await call(ctx.app, 'DELETE', `${tokensUrl(org, 'apple')}/${tokens[2].id}`, { token: org.adminToken });
    await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', tokens[3].id).execute();
    await call(ctx.app, 'PUT', `${tokensUrl(org, 'apple')}/${tokens[5].id}`, { token: org.adminToken, body: { tags: ['b', 'c'] } });

    const before = await countsAndItems(org, 'apple');
    assertAgree(before);
    assert.deepEqual(before['{"tags":"a"}'], [6, 6], 'a: redeemed 0 and 1, expired 3, pending 4, bulk ×2 — not the revoked, re-tagged or android ones');
    assert.deepEqual(before['{"tags":"a,b","state":"EXPIRED"}'], [1, 1]);

    // One tag sorted by creation is read from the tag index; adding a tag no token has sends the
    // same list through the general query. Every page must be the same, in the same order.
    for (const state of [undefined, 'PENDING', 'DONE']) {
      for (const sort of ['createdAt:desc', 'createdAt:asc']) {
        for (const page of ['1', '2', '3']) {
          const query = { sort, page, limit: '2', ...(state ? { state } : {}) };
          const fast = await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { ...query, tags: 'a' } });
          const general = await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { ...query, tags: 'a,no-such-tag' } });
          const ids = (answer: typeof fast) => answer.body.data.items.map((t: { id: string }) => t.id);
          assert.deepEqual(ids(fast), ids(general), JSON.stringify(query));
          assert.equal(fast.body.data.totalDocs, general.body.data.totalDocs);
        }
      }
    }

    await migrateTo(ctx.database.db, '0006_counter_shards');
    await migrateToLatest(ctx.database.db);
    assert.deepEqual(await countsAndItems(org, 'apple'), before, 'the backfill restores every tag row');
  });
});
