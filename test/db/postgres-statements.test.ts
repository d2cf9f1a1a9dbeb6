/**
 * Named statements on PostgreSQL while the schema changes under warm connections: a statement
 * whose result changes shape is prepared anew and run again (alone, and inside a transaction,
 * which runs again whole); statements reading `*` are never named; ENROLLD_PG_PREPARED_STATEMENTS
 * turns naming off. (PostgreSQL pass only.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { ON_POSTGRES } from '../helpers/database.ts';

/** The API's pool size (db/database.ts): this many transactions held at once use every connection. */
const POOL_SIZE = 10;

type AnyDb = Kysely<any>;

/**
 * Run `work` POOL_SIZE times at once, each holding its own pooled connection until all have run:
 * in a transaction, or on a plain connection (outside any transaction, as single queries run).
 */
async function onEveryConnection<T>(db: AnyDb, hold: 'transaction' | 'connection', work: (db: AnyDb) => Promise<T>): Promise<T[]> {
  let arrived = 0;
  let release!: () => void;
  const everyoneArrived = new Promise<void>((resolve) => (release = resolve));
  const held = async (on: AnyDb) => {
    const result = await work(on);
    // Counted per attempt: a transaction that runs again arrives again, and the barrier stays open.
    if ((arrived += 1) >= POOL_SIZE) release();
    await everyoneArrived;
    return result;
  };
  return Promise.all(
    Array.from({ length: POOL_SIZE }, () => (hold === 'transaction' ? db.transaction().execute(held) : db.connection().execute(held))),
  );
}

const probe = (db: AnyDb, id: string) => sql<{ id: string; n: string | number }>`select id, n from plan_probe where id = ${id}`.execute(db);
const preparedProbes = async (trx: AnyDb) =>
  (await sql<{ n: number }>`select count(*) as n from pg_prepared_statements where statement like ${'%from plan_probe%'}`.execute(trx)).rows[0]!.n;

describe('named statements across schema changes', { skip: !ON_POSTGRES && 'runs in the PostgreSQL pass' }, () => {
  let ctx: TestContext;
  let migrator: pg.Client;
  before(async () => {
    ctx = await createTestContext();
    await sql`create table plan_probe (id text primary key, n integer not null)`.execute(ctx.database.db);
    await sql`insert into plan_probe (id, n) values ('a', 1)`.execute(ctx.database.db);
    migrator = new pg.Client({ connectionString: ctx.config.database.kind === 'postgres' ? ctx.config.database.url : '' });
    await migrator.connect();
  });
  after(async () => {
    await migrator?.end();
    await ctx?.close();
  });

  it('runs a transaction again when a statement it prepared earlier changed its result type', async () => {
    const warm = await onEveryConnection(ctx.database.db, 'connection', async (on) => {
      await probe(on, 'a');
      return preparedProbes(on);
    });
    assert.deepEqual(warm, Array(POOL_SIZE).fill(1), 'every connection holds the statement, named');

    await migrator.query('alter table plan_probe alter column n type bigint');
    let attempts = 0;
    const read = await onEveryConnection(ctx.database.db, 'transaction', async (trx) => {
      const id = `t${(attempts += 1)}`;
      const row = (await probe(trx, 'a')).rows[0];
      await sql`insert into plan_probe (id, n) values (${id}, 2)`.execute(trx);
      return row;
    });
    assert.deepEqual(read, Array(POOL_SIZE).fill({ id: 'a', n: 1 }), 'every transaction answered, bigint now');
    assert.ok(attempts > POOL_SIZE, `transactions refused on a stale statement ran again (${attempts} attempts)`);
    const { rows } = await migrator.query("select count(*)::int as n from plan_probe where id like 't%'");
    assert.equal(rows[0].n, POOL_SIZE, 'a refused attempt left nothing behind: one row per transaction');
  });

  it('runs a single query again when its statement changed its result type', async () => {
    const warm = await onEveryConnection(ctx.database.db, 'connection', async (on) => {
      await probe(on, 'a');
      return preparedProbes(on);
    });
    assert.ok(warm.every((count) => count >= 1), 'every connection holds the statement, named');
    await migrator.query('alter table plan_probe alter column n type numeric');
    const answers = await Promise.all(Array.from({ length: POOL_SIZE * 3 }, () => probe(ctx.database.db, 'a')));
    assert.ok(answers.every((answer) => answer.rows[0]?.id === 'a' && Number(answer.rows[0].n) === 1));
  });

  it('never names a statement that reads *, so a new column changes nothing', async () => {
    const star = (db: AnyDb) => sql<{ id: string }>`select * from plan_probe where id = ${'a'}`.execute(db);
    const named = await onEveryConnection(ctx.database.db, 'connection', async (on) => {
      await star(on);
      return (await sql<{ n: number }>`select count(*) as n from pg_prepared_statements where statement like ${'select * %'}`.execute(on)).rows[0]!.n;
    });
    assert.deepEqual(named, Array(POOL_SIZE).fill(0));
    await migrator.query('alter table plan_probe add column added_later text');
    const rows = await onEveryConnection(ctx.database.db, 'connection', async (on) => (await star(on)).rows[0]);
    assert.ok(rows.every((row) => row && 'addedLater' in row), 'each answer has the new column');
  });

  it('names no statement at all with ENROLLD_PG_PREPARED_STATEMENTS=false (PgBouncer in transaction mode)', async () => {
    const unnamed = await createTestContext({ ENROLLD_PG_PREPARED_STATEMENTS: 'false' });
    try {
      await sql`create table plan_probe (id text primary key, n integer not null)`.execute(unnamed.database.db);
      const counts = await onEveryConnection(unnamed.database.db, 'transaction', async (trx) => {
        await probe(trx, 'a');
        return (await sql<{ n: number }>`select count(*) as n from pg_prepared_statements`.execute(trx)).rows[0]!.n;
      });
      assert.deepEqual(counts, Array(POOL_SIZE).fill(0));
    } finally {
      await unnamed.close();
    }
  });
});
