/**
 * Token counters under concurrency: PostgreSQL spreads each count over per-backend shards
 * (migration 0006), so concurrent creates and redemptions do not queue on one row. Counts stay
 * exact, and the migration's down folds the shards back into one row per key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { decodeJson, encodeJson } from '../../src/db/dialect.ts';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.ts';
import { newId } from '../../src/lib/ids.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { ON_POSTGRES } from '../helpers/database.ts';
import { createMdmUser, createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

async function counterRows(organizationId: string) {
  return ctx.database.db.selectFrom('enrollmentTokenCounts').select(['state', 'shard', 'n']).where('organizationId', '=', organizationId).execute();
}

async function totals(org: { id: string; adminToken: string }) {
  const answer: Record<string, number> = {};
  for (const state of ['PENDING', 'DONE']) {
    const listed = await call(ctx.app, 'GET', tokensUrl(org, 'apple'), { token: org.adminToken, query: { state } });
    answer[state] = listed.body.data.totalDocs;
  }
  return answer;
}

describe('token counters under concurrency', () => {
  it('stay exact through concurrent creates and redemptions, and through the shard migration down and up', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const created = await Promise.all(
      Array.from({ length: 40 }, () => call(ctx.app, 'POST', tokensUrl(org, 'apple'), { token: org.adminToken, body: { mdmUserId: user.id, sendEmail: false } })),
    );
    assert.ok(created.every((r) => r.statusCode === 200));
    const redeemed = await Promise.all(
      created.slice(0, 15).map((r, i) =>
        call(ctx.app, 'POST', `${tokensUrl(org, 'apple')}/redeem`, { token: org.adminToken, body: { code: r.body.data.enrollCode, device: { serialNumber: `SN-${i}` } } }),
      ),
    );
    assert.ok(redeemed.every((r) => r.statusCode === 200));
    assert.deepEqual(await totals(org), { PENDING: 25, DONE: 15 });
    if (ON_POSTGRES) {
      const shards = new Set((await counterRows(org.id)).map((row) => row.shard));
      assert.ok(shards.size > 1, `concurrent writers used several shards (${[...shards]})`);
    }

    await migrateTo(ctx.database.db, '0005_apple_enrollment');
    const folded = await ctx.database.db.selectFrom('enrollmentTokenCounts').select(['state', 'n']).where('organizationId', '=', org.id).execute();
    assert.deepEqual(Object.fromEntries(folded.map((row) => [row.state, Number(row.n)])), { PENDING: 25, DONE: 15 }, 'one row per key, holding the sum');
    // The schema is now older than the code (later migrations add columns it reads), so the token
    // is written and counted in SQL, as the schema of 0005 has them.
    const template = await sql<Record<string, unknown>>`select * from enrollment_tokens where id = ${created[20]!.body.data.id}`.execute(ctx.database.db);
    const copy: Record<string, unknown> = { ...template.rows[0]!, id: newId(), enrollCode: 'SHARDFOLD001' };
    for (const column of ['tags', 'options']) copy[column] = encodeJson(decodeJson(copy[column]));
    const columns = Object.keys(copy);
    await sql`insert into enrollment_tokens (${sql.join(columns.map((c) => sql.ref(c)))}) values (${sql.join(columns.map((c) => copy[c]))})`.execute(ctx.database.db);
    const counted = await ctx.database.db.selectFrom('enrollmentTokenCounts').select(['state', 'n']).where('organizationId', '=', org.id).execute();
    assert.deepEqual(Object.fromEntries(counted.map((row) => [row.state, Number(row.n)])), { PENDING: 26, DONE: 15 }, 'the single-row triggers count again');

    await migrateToLatest(ctx.database.db);
    await call(ctx.app, 'POST', tokensUrl(org, 'apple'), { token: org.adminToken, body: { mdmUserId: user.id, sendEmail: false } });
    assert.deepEqual(await totals(org), { PENDING: 27, DONE: 15 });
  });
});
