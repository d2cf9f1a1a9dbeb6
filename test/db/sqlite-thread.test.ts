/**
 * The jobs connection on SQLite (db/sqlite-thread.ts): statements built by Kysely run in a worker
 * thread over its own connection to the same file. What the request connection writes, it reads
 * at once, and the other way round; rows come back with their types (text, integers, nulls,
 * blobs as Buffers, camelCase names); a constraint error keeps SQLite's code; a transaction sent
 * in one message commits or rolls back as a whole, and an interactive one is refused; queries
 * wait their turn on the one connection; both connections writing at once lose nothing and wait
 * out no busy timeout; the event loop keeps running while a long statement runs; a thread that
 * died is replaced at the next query; and closing the database stops the thread.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { type Kysely, sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { dialectOf } from '../../src/db/dialect.ts';
import { executeInOneTransaction } from '../../src/db/sqlite-thread.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-sqlite-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Tables {
  notes: { id: number; authorName: string; body: string | null; attachment: Buffer | null };
  counters: { name: string; n: number };
}

let database: DatabaseHandle;
let main: Kysely<Tables>;
let jobs: Kysely<Tables>;
before(async () => {
  database = openDatabase({ kind: 'sqlite', file: path.join(dir, 'thread.sqlite') });
  main = database.db as unknown as Kysely<Tables>;
  jobs = database.jobs as unknown as Kysely<Tables>;
  await sql`create table notes (id integer primary key, author_name text not null unique, body text, attachment blob)`.execute(main);
});
after(async () => database.close());

describe('the SQLite jobs connection', () => {
  it('is a second connection in another thread that sees the first one’s commits, and the other way round', async () => {
    assert.notEqual(database.jobs, database.db);
    assert.equal(dialectOf(database.jobs), 'sqlite');
    await main.insertInto('notes').values({ id: 1, authorName: 'ana', body: 'from the request connection', attachment: null }).execute();
    assert.deepEqual(await jobs.selectFrom('notes').select(['id', 'authorName', 'body']).where('id', '=', 1).executeTakeFirst(), { id: 1, authorName: 'ana', body: 'from the request connection' });
    const updated = await jobs.updateTable('notes').set({ body: 'from the jobs thread' }).where('id', '=', 1).returning(['id', 'body']).execute();
    assert.deepEqual(updated, [{ id: 1, body: 'from the jobs thread' }]);
    assert.equal((await main.selectFrom('notes').select('body').where('id', '=', 1).executeTakeFirstOrThrow()).body, 'from the jobs thread');
  });

  it('answers types as the request connection does: integers, nulls, unicode, blobs as Buffers, affected counts', async () => {
    const attachment = Buffer.from([0, 1, 2, 254, 255]);
    const inserted = await jobs.insertInto('notes').values({ id: 2, authorName: 'Zoë 東京 🚀', body: null, attachment }).executeTakeFirst();
    assert.equal(inserted.numInsertedOrUpdatedRows, 1n);
    assert.equal(inserted.insertId, 2n);
    const fromJobs = await jobs.selectFrom('notes').selectAll().where('id', '=', 2).executeTakeFirstOrThrow();
    const fromMain = await main.selectFrom('notes').selectAll().where('id', '=', 2).executeTakeFirstOrThrow();
    assert.deepEqual(fromJobs, fromMain);
    assert.ok(Buffer.isBuffer(fromJobs.attachment));
    assert.deepEqual(fromJobs.attachment, attachment);
    const deleted = await jobs.deleteFrom('notes').where('id', 'in', [2, 999]).executeTakeFirst();
    assert.equal(deleted.numDeletedRows, 1n);
  });

  it('keeps SQLite’s error code, and the connection works after an error', async () => {
    await assert.rejects(jobs.insertInto('notes').values({ id: 3, authorName: 'ana', body: null, attachment: null }).execute(), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SQLITE_CONSTRAINT_UNIQUE');
      assert.match(error.message, /UNIQUE constraint failed: notes\.author_name/);
      return true;
    });
    await assert.rejects(sql`select * from no_such_table`.execute(jobs), /no such table/);
    assert.equal((await jobs.selectFrom('notes').select('id').where('id', '=', 1).executeTakeFirst())?.id, 1);
  });

  it('runs a transaction in one message, committed as a whole or rolled back as a whole', async () => {
    const insert = (id: number, authorName: string) => jobs.insertInto('notes').values({ id, authorName, body: null, attachment: null });
    await executeInOneTransaction(database.jobs, [insert(10, 'ten'), insert(11, 'eleven')]);
    await assert.rejects(executeInOneTransaction(database.jobs, [insert(12, 'twelve'), insert(13, 'ten')]), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    const ids = (await main.selectFrom('notes').select('id').where('id', '>=', 10).orderBy('id').execute()).map((row) => row.id);
    assert.deepEqual(ids, [10, 11]);
    // The same call on the request connection is an ordinary transaction, with the same outcome.
    await assert.rejects(executeInOneTransaction(database.db, [main.insertInto('notes').values({ id: 14, authorName: 'fourteen', body: null, attachment: null }), insert(15, 'ten')]));
    assert.equal(await main.selectFrom('notes').select('id').where('id', '=', 14).executeTakeFirst(), undefined);
  });

  it('refuses an interactive transaction, which could hold the write lock while the event loop waits for it', async () => {
    await assert.rejects(
      jobs.transaction().execute(async () => undefined),
      /the jobs connection runs no interactive transactions/,
    );
    assert.equal((await jobs.selectFrom('notes').select('id').where('id', '=', 1).executeTakeFirst())?.id, 1, 'the connection is free after the refusal');
  });

  it('runs queries one at a time on its connection, and loses nothing while both connections write at once', async () => {
    await sql`create table counters (name text primary key, n integer not null)`.execute(main);
    await sql`insert into counters values ('hits', 0)`.execute(main);
    const fromJobs = () => executeInOneTransaction(database.jobs, [
        jobs.updateTable('counters').set((eb) => ({ n: eb('n', '+', 1) })).where('name', '=', 'hits'),
        jobs.selectFrom('counters').select('n'),
      ]);
    // The request connection reads then writes in its own transaction, across awaits.
    const fromMain = () =>
      main.transaction().execute(async (trx) => {
        const row = await sql<{ n: number }>`select n from counters where name = 'hits'`.execute(trx);
        await sql`update counters set n = ${row.rows[0]!.n + 1} where name = 'hits'`.execute(trx);
      });
    const started = performance.now();
    await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? fromMain() : i % 3 === 1 ? fromJobs() : sql`select 1`.execute(jobs))));
    const total = await sql<{ n: number }>`select n from counters where name = 'hits'`.execute(jobs);
    assert.equal(total.rows[0]!.n, 200);
    assert.ok(performance.now() - started < 3000, `took ${(performance.now() - started).toFixed(0)} ms: a connection waited out the busy timeout`);
  });

  it('leaves the event loop free while a long statement runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    // A recursive count that keeps SQLite busy for a while on the jobs thread.
    const result = await sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000) select count(*) as n from c`.execute(jobs);
    const took = performance.now() - started;
    clearInterval(timer);
    assert.equal(result.rows[0]!.n, 3_000_000);
    assert.ok(took > 100, `the statement took ${took.toFixed(0)} ms: too short to tell`);
    assert.ok(ticks >= (took / 5) * 0.3, `${ticks} timer ticks in ${took.toFixed(0)} ms: the event loop was held`);
  });

  it('starts a new thread when its thread died: the query in flight fails, the next ones work', async () => {
    const other = openDatabase({ kind: 'sqlite', file: path.join(dir, 'dying.sqlite') });
    try {
      const threads: Worker[] = [];
      const noticeThread = (worker: Worker) => threads.push(worker);
      process.on('worker', noticeThread);
      await sql`create table kept (v text)`.execute(other.db);
      await sql`insert into kept (v) values ('before')`.execute(other.jobs);
      process.off('worker', noticeThread);
      // Threads are announced once online, checkpointers of this file's databases among them:
      // the jobs thread is the newest.
      const jobsThread = threads.reduce((newest, worker) => (worker.threadId > newest.threadId ? worker : newest));
      // A long statement on the thread while the thread is killed.
      const inFlight = sql`with recursive c(x) as (select 1 union all select x + 1 from c where x < 50000000) select count(*) as n from c`.execute(other.jobs);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await jobsThread.terminate();
      await assert.rejects(inFlight, /the SQLite jobs thread has stopped/);
      await sql`insert into kept (v) values ('after')`.execute(other.jobs);
      const rows = await sql<{ v: string }>`select v from kept order by rowid`.execute(other.jobs);
      assert.deepEqual(rows.rows, [{ v: 'before' }, { v: 'after' }]);
    } finally {
      await other.close();
    }
  });

  it('stops with the database and refuses queries after', async () => {
    const other = openDatabase({ kind: 'sqlite', file: path.join(dir, 'closing.sqlite') });
    await sql`select 1`.execute(other.jobs);
    const started = Date.now();
    await other.close();
    assert.ok(Date.now() - started < 1500, `close took ${Date.now() - started} ms`);
    await assert.rejects(sql`select 1`.execute(other.jobs));
  });
});
