/**
 * A rolling upgrade on PostgreSQL, as real processes: an API node of the previous version keeps
 * serving authenticated reads, single creates and redemptions while the next version's migration
 * adds a column to every table. Warm pooled connections hold named (prepared) statements planned
 * before the change; not one request may fail because of it — with named statements on (the
 * default) and off (ENROLLD_PG_PREPARED_STATEMENTS=false, as behind PgBouncer).
 * (PostgreSQL pass only; bounded to a fixed number of rounds.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { ROOT_KEY, TEST_SECRET_KEY } from './helpers/app.ts';
import { createTestDatabase, ON_POSTGRES, type TestDatabase } from './helpers/database.ts';
import { type RunningServer, startServerProcess } from './helpers/process.ts';

/** Parallel request chains per round: more than the node's 10 pooled connections, so all are warm. */
const CHAINS = 12;
const WARM_ROUNDS = 3;
/** Rounds that must still succeed after the last column was added. */
const ROUNDS_AFTER = 4;
const MAX_ROUNDS = 60;
/** Between two tables' ALTERs, so the migration spans several rounds of requests. */
const ALTER_PAUSE_MS = 200;

interface Failure {
  request: string;
  status: number;
  body: string;
}

describe('a rolling upgrade adds columns under a running API node', { skip: !ON_POSTGRES && 'runs in the PostgreSQL pass' }, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  for (const preparedStatements of ['true', 'false']) {
    it(`answers every request while each table gains a column (ENROLLD_PG_PREPARED_STATEMENTS=${preparedStatements})`, async (t) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-upgrade-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const database: TestDatabase = await createTestDatabase(dir);
      cleanups.push(() => database.drop());
      const server: RunningServer = await startServerProcess(
        {
          DATABASE_URL: database.url,
          ENROLLD_SECRET_KEY: TEST_SECRET_KEY, ENROLLD_ROOT_KEY: ROOT_KEY, ENROLLD_DATA_DIR: dir,
          ENROLLD_PG_PREPARED_STATEMENTS: preparedStatements,
          ENROLLD_ENROLL_RATE_LIMIT: '1000000',
        },
        ['--no-worker'],
      );
      cleanups.push(() => server.stop());

      const failures: Failure[] = [];
      let answered = 0;
      const api = async (method: string, url: string, token: string, body?: unknown) => {
        const response = await fetch(`${server.baseUrl}${url}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        answered += 1;
        if (response.status < 200 || response.status > 299) failures.push({ request: `${method} ${url}`, status: response.status, body: text.slice(0, 300) });
        return response.ok ? (JSON.parse(text) as { data: any }).data : null;
      };

      const org = await api('POST', '/v1/organizations', ROOT_KEY, { name: 'Upgrade', slug: `upgrade-${preparedStatements}` });
      const key = await api('POST', `/v1/organizations/${org.id}/service-accounts`, ROOT_KEY, { name: 'mdm', role: 'admin' });
      const adminKey: string = key.token;
      const policy = await api('POST', `/v1/organizations/${org.id}/mdm/apple/enterprise/policies`, adminKey, { name: 'Policy' });
      const base = `/v1/organizations/${org.id}`;
      const tokens = `${base}/mdm/apple/enterprise/enrollment-tokens`;

      // One chain: every kind of request an API node serves on its hot paths, each table touched.
      let serial = 0;
      const chain = async () => {
        const n = (serial += 1);
        await api('GET', base, ROOT_KEY); // the organization read
        await api('GET', `${base}/mdm/apple/enterprise`, adminKey); // the key lookup, the enterprise read
        await api('GET', `${base}/service-accounts`, adminKey);
        const user = await api('POST', `${base}/mdm/users`, adminKey, { email: `user-${n}@example.com` });
        if (!user) return;
        await api('GET', `${base}/mdm/users/${user.id}`, adminKey);
        const token = await api('POST', tokens, adminKey, { mdmUserId: user.id, policyId: policy.id, tags: ['upgrade', `t${n % 3}`], sendEmail: n % 2 === 0 });
        if (!token) return;
        await api('GET', `${tokens}/${token.id}`, adminKey);
        const page = await fetch(`${server.baseUrl}/enroll/apple/${token.enrollCode}`); // the enrollment page
        answered += 1;
        if (!page.ok) failures.push({ request: 'GET /enroll/apple/<code>', status: page.status, body: (await page.text()).slice(0, 300) });
        else await page.arrayBuffer();
        await api('POST', `${tokens}/redeem`, adminKey, { code: token.enrollCode, device: { serialNumber: `SERIAL-${n}` } });
        await api('GET', `${tokens}/${token.id}/redemptions`, adminKey);
        await api('GET', `${base}/mdm/apple/enterprise/devices`, adminKey);
      };
      const round = () => Promise.all(Array.from({ length: CHAINS }, chain));

      for (let i = 0; i < WARM_ROUNDS; i += 1) await round();
      assert.deepEqual(failures, [], 'the node works before the upgrade');

      // The next version's migration, from another connection: a column on every table, one at a
      // time, while the rounds go on.
      const migrator = new pg.Client({ connectionString: database.url });
      await migrator.connect();
      cleanups.push(() => migrator.end());
      const { rows } = await migrator.query<{ name: string }>(
        "select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name",
      );
      const tables = rows.map((row) => row.name).filter((name) => !name.startsWith('kysely_'));
      assert.ok(tables.includes('service_accounts') && tables.includes('enrollment_tokens') && tables.length >= 14, tables.join());
      let altered = 0;
      const migration = (async () => {
        for (const table of tables) {
          await migrator.query(`alter table ${table} add column added_in_next_version text`);
          altered += 1;
          await new Promise((resolve) => setTimeout(resolve, ALTER_PAUSE_MS));
        }
      })();
      let migrated = false;
      void migration.then(() => (migrated = true), () => undefined);

      let rounds = 0;
      let roundsDuring = 0;
      let roundsAfter = 0;
      while (roundsAfter < ROUNDS_AFTER && rounds < MAX_ROUNDS) {
        const wasMigrated = migrated;
        await round();
        rounds += 1;
        if (wasMigrated) roundsAfter += 1;
        else roundsDuring += 1;
      }
      await migration;
      t.diagnostic(`${answered} requests; ${roundsDuring} rounds of ${CHAINS} chains while ${tables.length} tables were altered, ${roundsAfter} after; ${failures.length} failed`);
      assert.equal(altered, tables.length, 'the migration ran to its end');
      assert.equal(roundsAfter, ROUNDS_AFTER, `requests kept coming after the migration (${rounds} rounds)`);
      assert.ok(roundsDuring >= 2, `the migration ran while requests were served (${roundsDuring} rounds)`);
      assert.deepEqual(
        failures.slice(0, 5),
        [],
        `${failures.length} of ${answered} requests failed during the upgrade; server output:\n${server.output().slice(-2000)}`,
      );
      assert.ok(answered > (WARM_ROUNDS + ROUNDS_AFTER) * CHAINS * 10, `${answered} requests answered`);
    });
  }
});
