/**
 * SQLite checkpoints run on a worker thread: committed pages reach the database file without any
 * request's commit paying for the copy, and closing the database stops the thread.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.ts';
import { BACKSTOP_PAGES } from '../../src/db/sqlite-checkpointer.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-checkpointer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite checkpointer', () => {
  it('copies committed pages into the database file in the background, far below the backstop', async () => {
    const file = path.join(dir, 'checkpoints.sqlite');
    const database = openDatabase({ kind: 'sqlite', file });
    try {
      const before = statSync(file).size;
      await sql`create table filler (id integer primary key, body text not null)`.execute(database.db);
      // About 500 pages of 4 KiB in 100 commits: a twentieth of the backstop, so no commit
      // checkpoints by itself, and without the worker every page would stay in the -wal file.
      const body = 'x'.repeat(4000);
      for (let round = 0; round < 100; round++) {
        await database.db.transaction().execute(async (trx) => {
          for (let i = 0; i < 5; i++) await sql`insert into filler (body) values (${body})`.execute(trx);
        });
      }
      assert.ok(500 < BACKSTOP_PAGES / 10);
      const deadline = Date.now() + 5000;
      while (statSync(file).size < before + 500 * 4000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(statSync(file).size >= before + 500 * 4000, `database file ${statSync(file).size} bytes: the pages were not checkpointed`);
      const rows = await sql<{ n: number }>`select count(*) as n from filler`.execute(database.db);
      assert.equal(rows.rows[0]!.n, 500);
    } finally {
      await database.close();
    }
  });

  it('stops with the database: close resolves promptly and the data stays readable', async () => {
    const file = path.join(dir, 'close.sqlite');
    const first = openDatabase({ kind: 'sqlite', file });
    await sql`create table t (v text)`.execute(first.db);
    await sql`insert into t (v) values ('kept')`.execute(first.db);
    const started = Date.now();
    await first.close();
    assert.ok(Date.now() - started < 1500, `close took ${Date.now() - started} ms`);
    const second = openDatabase({ kind: 'sqlite', file });
    try {
      const rows = await sql<{ v: string }>`select v from t`.execute(second.db);
      assert.deepEqual(rows.rows, [{ v: 'kept' }]);
    } finally {
      await second.close();
    }
  });
});
