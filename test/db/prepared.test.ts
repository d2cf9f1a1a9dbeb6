/** Prepared queries against the real database: values fill in, results come back camelCased, misuse is refused. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { prepareQuery } from '../../src/db/prepared.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createOrganization } from '../helpers/factories.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const bySlug = prepareQuery((db, a: { slug: string }) => db.selectFrom('organizations').select(['id', 'slug', 'createdAt']).where('slug', '=', a.slug));
const renamed = prepareQuery((db, a: { id: string; name: string; when: string }) =>
  db.updateTable('organizations').set({ name: a.name, updatedAt: a.when }).where('id', '=', a.id).where('createdAt', '<=', a.when),
);

describe('prepareQuery', () => {
  it('runs the same statement with each call’s values and camelCases the rows', async () => {
    const first = await createOrganization(ctx.app);
    const second = await createOrganization(ctx.app);
    assert.deepEqual((await bySlug.first(ctx.database.db, { slug: first.slug }))?.id, first.id);
    assert.deepEqual((await bySlug.all(ctx.database.db, { slug: second.slug })).map((row) => row.slug), [second.slug]);
    assert.ok('createdAt' in (await bySlug.first(ctx.database.db, { slug: second.slug }))!);
    assert.equal(await bySlug.first(ctx.database.db, { slug: 'no-such-org' }), undefined);
  });

  it('counts the rows a write changed, with a value used twice, inside a transaction', async () => {
    const org = await createOrganization(ctx.app);
    const when = new Date(Date.now() + 1000).toISOString();
    const changed = await ctx.database.db.transaction().execute((trx) => renamed.run(trx, { id: org.id, name: 'Renamed', when }));
    assert.equal(changed, 1);
    assert.equal(await renamed.run(ctx.database.db, { id: '000000000000000000000000', name: 'x', when }), 0);
    const row = await ctx.database.db.selectFrom('organizations').select('name').where('id', '=', org.id).executeTakeFirstOrThrow();
    assert.equal(row.name, 'Renamed');
  });

  it('refuses a builder that branches on a value (the first call would fix the SQL for every later one)', async () => {
    const misuse = prepareQuery((db, a: { bySlug: boolean; slug: string }) => {
      const query = db.selectFrom('organizations').select('id');
      return a.bySlug ? query.where('slug', '=', a.slug) : query;
    });
    await assert.rejects(misuse.all(ctx.database.db, { bySlug: false, slug: 'x' }), /placeholders \[bySlug,slug\] compiled to parameters \[slug\]/);
  });

  it('refuses a query that reads or returns * (on PostgreSQL it would fail once its table gains a column)', async () => {
    const org = await createOrganization(ctx.app);
    const everyColumn = prepareQuery((db, a: { id: string }) => db.selectFrom('organizations').selectAll().where('id', '=', a.id));
    const everyKeyColumn = prepareQuery((db, a: { id: string }) =>
      db.selectFrom('serviceAccounts as k').innerJoin('organizations as o', 'o.id', 'k.organizationId').selectAll('k').select('o.slug').where('o.id', '=', a.id),
    );
    const returningAll = prepareQuery((db, a: { id: string; name: string }) => db.updateTable('organizations').set({ name: a.name }).where('id', '=', a.id).returningAll());
    await assert.rejects(everyColumn.first(ctx.database.db, { id: org.id }), /name the columns it reads/);
    await assert.rejects(everyKeyColumn.first(ctx.database.db, { id: org.id }), /name the columns it reads/);
    await assert.rejects(returningAll.first(ctx.database.db, { id: org.id, name: 'Renamed' }), /name the columns it reads/);
    const row = await ctx.database.db.selectFrom('organizations').select('name').where('id', '=', org.id).executeTakeFirstOrThrow();
    assert.equal(row.name, org.name, 'the refused update did not run');
    const counted = prepareQuery((db, a: { id: string }) => db.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '=', a.id));
    assert.equal(Number((await counted.first(ctx.database.db, { id: org.id }))?.n), 1, 'count(*) reads no column');
  });
});
