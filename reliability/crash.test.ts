/**
 * Crash safety: `enrolld serve` is killed with SIGKILL while 2,000-address bulk requests are in
 * flight, at several moments. After a restart the invariants hold: each bulk wrote everything or
 * nothing (tokens, their users, their outbox rows), every token with sendEmail has exactly one
 * outbox row, no token lacks its user, codes are unique, and (SQLite) the file passes
 * integrity_check. The worker side (SIGKILL mid-delivery) is covered by test/email-processes and
 * test/scale-out. Runs on SQLite, and on PostgreSQL in that pass.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { ROOT_KEY, TEST_SECRET_KEY } from '../test/helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database.ts';
import { startServerProcess } from '../test/helpers/process.ts';

const BULK = 2000;
const KILL_AFTER_MS = [5, 40, 120, 250, 500, 1500];

describe('SIGKILL of an API node during bulk requests', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-crash-'));
  let database: TestDatabase;
  after(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves every bulk all-or-nothing and the invariants intact', async (t) => {
    database = await createTestDatabase(dir);
    const env = { DATABASE_URL: database.url, ENROLLD_ROOT_KEY: ROOT_KEY, ENROLLD_SECRET_KEY: TEST_SECRET_KEY, ENROLLD_DATA_DIR: dir };
    let server = await startServerProcess(env, ['--no-worker']);
    const headers = { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json' };
    assert.equal((await fetch(`${server.baseUrl}/v1/organizations`, { method: 'POST', headers, body: JSON.stringify({ name: 'Crash', slug: 'crash' }) })).status, 200);

    const outcomes: string[] = [];
    for (const [round, delay] of KILL_AFTER_MS.entries()) {
      const userEmails = Array.from({ length: BULK }, (_, i) => `r${round}-${i}@crash.example.com`);
      const request = fetch(`${server.baseUrl}/v1/organizations/crash/mdm/apple/enterprise/enrollment-tokens/bulk`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ sendEmail: true, tags: [`round-${round}`], userEmails }),
      }).then(
        (response) => `answered ${response.status}`,
        () => 'connection lost',
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      server.process.kill('SIGKILL');
      outcomes.push(`${delay} ms: ${await request}`);
      await server.stop();
      server = await startServerProcess(env, ['--no-worker']);
    }
    await server.stop();
    t.diagnostic(outcomes.join('; '));

    const check = openDatabase(loadConfig({ DATABASE_URL: database.url, ENROLLD_SECRET_KEY: TEST_SECRET_KEY }).database);
    try {
      for (const round of KILL_AFTER_MS.keys()) {
        const { rows } = await sql<{ tokens: number; users: number; outbox: number }>`
          select (select count(*) from enrollment_token_tags where tag = ${`round-${round}`}) as tokens,
                 (select count(*) from mdm_users where email like ${`r${round}-%`}) as users,
                 (select count(*) from email_outbox o join enrollment_token_tags g on g.token_id = o.token_id where g.tag = ${`round-${round}`}) as outbox`.execute(check.db);
        const { tokens, users, outbox } = rows[0]!;
        assert.ok([0, BULK].includes(Number(tokens)), `round ${round}: ${tokens} tokens — a bulk is all or nothing`);
        assert.equal(Number(users), Number(tokens), `round ${round}: its users came and went with its tokens`);
        assert.equal(Number(outbox), Number(tokens), `round ${round}: one invitation per token`);
      }
      const totals = (
        await sql<{ orphans: number; codes: number; tokens: number; unqueued: number }>`
          select (select count(*) from enrollment_tokens t where not exists (select 1 from mdm_users u where u.id = t.mdm_user_id)) as orphans,
                 (select count(distinct enroll_code) from enrollment_tokens) as codes,
                 (select count(*) from enrollment_tokens) as tokens,
                 (select count(*) from enrollment_tokens t where t.send_email = 1 and not exists (select 1 from email_outbox o where o.token_id = t.id)) as unqueued`.execute(check.db)
      ).rows[0]!;
      assert.equal(Number(totals.orphans), 0, 'no token without its user');
      assert.equal(Number(totals.codes), Number(totals.tokens), 'codes unique');
      assert.equal(Number(totals.unqueued), 0, 'no token lost its invitation');
      if (check.dialect === 'sqlite') {
        const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(check.db);
        assert.equal(Object.values(integrity.rows[0]!)[0], 'ok');
      }
    } finally {
      await check.close();
    }
  });
});
