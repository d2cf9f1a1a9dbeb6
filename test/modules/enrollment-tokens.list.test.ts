/**
 * The token list planner: which indexes answer a list, and that every plan answers exactly what a
 * plain reading of the table does — the same tokens, in the same order, with the same totalDocs —
 * whatever the filters, including PENDING tokens past expiry that the sweeper has not marked yet.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listTokens, planTokenList } from '../../src/modules/enrollment-tokens/enrollment-tokens.list.ts';
import { effectiveState } from '../../src/modules/enrollment-tokens/enrollment-tokens.repository.ts';
import type { TokenFilters } from '../../src/modules/enrollment-tokens/enrollment-tokens.types.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createMdmUser, createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

describe('planTokenList', () => {
  const byCreation = { sortField: 'createdAt' };
  const cases: Array<[TokenFilters, { sortField: string }, ReturnType<typeof planTokenList>]> = [
    [{ showDeleted: false }, byCreation, { count: 'counters', page: 'query' }],
    [{ showDeleted: true, state: 'EXPIRED' }, byCreation, { count: 'counters', page: 'query' }],
    [{ showDeleted: false, tags: ['a'] }, byCreation, { count: 'tag-index', page: 'tag-index' }],
    [{ showDeleted: false, tags: ['a'], state: 'PENDING' }, byCreation, { count: 'tag-index', page: 'tag-index' }],
    [{ showDeleted: false, tags: ['a'] }, { sortField: 'displayName' }, { count: 'tag-index', page: 'query' }],
    [{ showDeleted: false, tags: ['a', 'b'] }, byCreation, { count: 'tag-index', page: 'query' }],
    [{ showDeleted: false, tags: ['a'], mdmUserId: 'u' }, byCreation, { count: 'rows', page: 'query' }],
    [{ showDeleted: false, policyId: 'p' }, byCreation, { count: 'rows', page: 'query' }],
    [{ showDeleted: false, search: 'laptop' }, byCreation, { count: 'rows', page: 'query' }],
  ];
  for (const [filters, page, plan] of cases) {
    it(`${JSON.stringify(filters)} sorted by ${page.sortField}: ${plan.count} count, ${plan.page} page`, () => {
      assert.deepEqual(planTokenList(filters, page), plan);
    });
  }
});

describe('listTokens', () => {
  it('answers every plan exactly as a plain reading of the table does', async () => {
    const org = await createOrganization(ctx.app);
    const alice = await createMdmUser(ctx.app, org, { email: 'alice@example.com' });
    const bob = await createMdmUser(ctx.app, org, { email: 'bob@example.com' });
    const create = async (user: { id: string }, displayName: string, tags: string[]) =>
      (await call(ctx.app, 'POST', tokensUrl(org, 'apple'), { token: org.adminToken, body: { mdmUserId: user.id, sendEmail: false, displayName, tags } })).body.data;
    const made = [];
    for (let i = 0; i < 12; i++) made.push(await create(i % 3 === 0 ? bob : alice, `${i % 2 ? 'Laptop' : 'Phone'} ${i}`, [['a'], ['a', 'b'], ['b'], []][i % 4]!));
    await call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/redeem`, { token: org.adminToken, body: { code: made[0].enrollCode, device: { serialNumber: 'L-1' } } });
    await call(ctx.app, 'DELETE', `${tokensUrl(org, 'apple')}/${made[1].id}`, { token: org.adminToken });
    // Past expiry, not yet marked by the sweeper: reads as EXPIRED everywhere.
    await ctx.database.db.updateTable('enrollmentTokens').set({ expireAt: new Date(Date.now() - 1000).toISOString() }).where('id', 'in', [made[2].id, made[5].id]).execute();

    const now = new Date().toISOString();
    const stored = await ctx.database.db
      .selectFrom('enrollmentTokens as t')
      .innerJoin('mdmUsers as u', 'u.id', 't.mdmUserId')
      .select(['t.id', 't.state', 't.expireAt', 't.mdmUserId', 't.displayName', 't.createdAt', 'u.email'])
      .where('t.organizationId', '=', org.id)
      .where('t.platform', '=', 'apple')
      .execute();
    const tagsOf = new Map(made.map((token) => [token.id, token.tags as string[]]));
    const plain = (filters: TokenFilters) =>
      stored
        .map((row) => ({ ...row, state: effectiveState(row.state, new Date(row.expireAt as string).toISOString(), now), created: new Date(row.createdAt as string).getTime() }))
        .filter((row) => (filters.state ? row.state === filters.state : filters.showDeleted || row.state !== 'DELETED'))
        .filter((row) => !filters.mdmUserId || row.mdmUserId === filters.mdmUserId)
        .filter((row) => !filters.tags || filters.tags.some((tag) => tagsOf.get(row.id)?.includes(tag)))
        .filter((row) => !filters.search || `${row.email} ${row.displayName}`.toLowerCase().includes(filters.search))
        .sort((x, y) => y.created - x.created || (y.id > x.id ? 1 : -1))
        .map((row) => row.id);

    const filterSets: TokenFilters[] = [
      { showDeleted: false },
      { showDeleted: true },
      ...(['PENDING', 'EXPIRED', 'DONE', 'DELETED'] as const).map((state) => ({ showDeleted: false, state })),
      { showDeleted: false, tags: ['a'] },
      { showDeleted: true, tags: ['b'] },
      { showDeleted: false, tags: ['a'], state: 'EXPIRED' },
      { showDeleted: false, tags: ['a', 'b'] },
      { showDeleted: false, mdmUserId: bob.id },
      { showDeleted: false, tags: ['a'], mdmUserId: alice.id },
      { showDeleted: false, search: 'laptop' },
      { showDeleted: false, search: 'bob@' },
    ];
    const plans = new Set<string>();
    for (const filters of filterSets) {
      const page = { page: 1, limit: 100, sortField: 'createdAt', sortDirection: 'desc' as const };
      plans.add(JSON.stringify(planTokenList(filters, page)));
      const { items, total } = await listTokens(ctx.database.db, org.id, 'apple', filters, page, now);
      const expected = plain(filters);
      assert.deepEqual(
        items.map((token) => token.id),
        expected,
        `the tokens of ${JSON.stringify(filters)}`,
      );
      assert.equal(total, expected.length, `totalDocs of ${JSON.stringify(filters)}`);
      // A short page: its own rows, the same totalDocs.
      const second = await listTokens(ctx.database.db, org.id, 'apple', filters, { ...page, page: 2, limit: 2 }, now);
      assert.deepEqual(second.items.map((token) => token.id), expected.slice(2, 4), `page 2 of ${JSON.stringify(filters)}`);
      assert.equal(second.total, expected.length);
    }
    assert.equal(plans.size, 4, 'the filter sets exercise every plan');
  });
});
