/**
 * bench:bulk — one bulk request with 10,000 new addresses, against its storage ceiling: the same
 * rows (users + tokens + tag rows) inserted directly with the same driver (better-sqlite3
 * multi-row statements prepared once, in one transaction, into an identically migrated database
 * with the same indexes and triggers). Both are measured in this run on this machine; the figure
 * that matters is the ratio.
 *
 * With BENCH_DATABASE_URL=postgres://… both run on PostgreSQL: enrolld through its pool, the
 * ceiling as multi-row INSERTs through one node-postgres client in one transaction.
 *
 * Usage: npm run bench:bulk [-- --runs 5 --size 10000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { buildApp, createServices } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { generateEnrollCode } from '../src/lib/enroll-code.ts';
import { newId } from '../src/lib/ids.ts';
import { benchDatabase, databaseLabel, ON_POSTGRES, postgresEnv } from './bench-database.ts';
import { emitJson, type Figure, formatTable } from './report.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, size: { type: 'string', default: '10000' }, json: { type: 'boolean', default: false } } });
const RUNS = Number(values.runs);
const SIZE = Number(values.size);
const TAGS = ['bench'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => bytes / 1024 / 1024;

const dropAfterwards: Array<() => Promise<void>> = [];

async function freshDatabase(dir: string, name: string) {
  const target = await benchDatabase(dir, name);
  dropAfterwards.push(target.drop);
  const config = loadConfig({ DATABASE_URL: target.url, LOG_LEVEL: 'silent', ...postgresEnv() });
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  return { config, database, target };
}

/** enrolld: a real HTTP request to a listening server. Returns ms and the RSS peak growth. */
async function measureEnrolld(dir: string, run: number) {
  const { config, database } = await freshDatabase(dir, `enrolld-${run}`);
  const services = createServices(database, config);
  const org = await services.organizations.create({ name: 'Bench', slug: `bench-${run}` });
  const key = await services.serviceAccounts.create(org.id, { name: 'bench', role: 'admin' }, { kind: 'root' });
  const app = await buildApp({ config, database });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `${address}/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens/bulk`;
  const send = (emails: string[]) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sendEmail: true, tags: TAGS, userEmails: emails }),
    });
  await (await send(['warmup@bench.example.com'])).json(); // JIT and statement caches warm, as in a running server

  const emails = Array.from({ length: SIZE }, (_, i) => `user${i}.run${run}@bench.example.com`);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const response = await send(emails);
  const body = (await response.json()) as { data?: { success: number } };
  const elapsed = performance.now() - started;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  if (body.data?.success !== SIZE) throw new Error(`bulk failed: ${JSON.stringify(body).slice(0, 300)}`);
  await app.close();
  await database.close();
  return { ms: elapsed, rssGrowthMb: mb(rssPeak - rssBefore) };
}

/** The rows a bulk request of SIZE new addresses writes, as arrays in column order. */
function ceilingRows(run: number) {
  const now = new Date().toISOString();
  const expireAt = new Date(Date.now() + 86_400_000).toISOString();
  const orgId = newId();
  const enterpriseId = newId();
  const users = Array.from({ length: SIZE }, (_, i) => {
    const email = `user${i}.run${run}@bench.example.com`;
    return [newId(), orgId, email, email, null, '[]', 'en', null, '{}', now, now];
  });
  const tokens = users.map((user) => [
    newId(), orgId, 'apple', enterpriseId, user[0], '', JSON.stringify(TAGS), 'PENDING', null, null,
    '{"admPolicyAssignments":[],"profiles":[],"applications":[],"admVppLocationId":null}', 1, '', 'en', generateEnrollCode(), 'QUEUED', 0, null, null, null, now, now, expireAt,
  ]);
  const userColumns = ['id', 'organization_id', 'email', 'email_normalized', 'name', 'tags', 'language', 'managed_apple_id', 'metadata', 'created_at', 'updated_at'];
  const tokenColumns = [
    'id', 'organization_id', 'platform', 'enterprise_id', 'mdm_user_id', 'display_name', 'tags', 'state', 'policy_id', 'segment_id', 'options', 'send_email',
    'email_text', 'language', 'enroll_code', 'email_status', 'email_attempts', 'email_sent_at', 'email_last_error', 'device_id', 'created_at', 'updated_at', 'expire_at',
  ];
  // Tag rows carry the token's platform, state and expiry, as enrolld writes them (migration 0007).
  const tagRows = tokens.flatMap((token) => TAGS.map((tag) => [token[0], orgId, tag, 'apple', 'PENDING', now, expireAt]));
  const tagColumns = ['token_id', 'organization_id', 'tag', 'platform', 'state', 'created_at', 'expire_at'];
  return { orgId, enterpriseId, now, users, tokens, tagRows, userColumns, tokenColumns, tagColumns };
}

/** The ceiling: the same rows through prepared statements of the same driver, in one transaction. */
async function measureCeiling(dir: string, run: number) {
  const { database, target } = await freshDatabase(dir, `ceiling-${run}`);
  await database.close();
  if (ON_POSTGRES) return measurePostgresCeiling(target.url, run);
  const db = new SQLite(path.join(dir, `ceiling-${run}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY'); // as src/db/database.ts sets it
  const { orgId, enterpriseId, now, users, tokens, tagRows, userColumns, tokenColumns, tagColumns } = ceilingRows(run);
  db.prepare(`insert into organizations (id, slug, name, plan, created_at, updated_at) values (?, ?, ?, ?, ?, ?)`).run(orgId, 'c', 'c', '{}', now, now);
  db.prepare(`insert into enterprises (id, organization_id, platform, name, configuration, settings, created_at, updated_at) values (?, ?, 'apple', 'e', '{}', '{}', ?, ?)`).run(enterpriseId, orgId, now, now);
  // The fastest way this driver inserts these rows: multi-row INSERTs prepared once per chunk
  // size, parameters bound straight from arrays, in one transaction.
  const multiRowInsert = (table: string, columns: string[], rows: unknown[][]) => {
    const perChunk = Math.floor(30_000 / columns.length);
    const statements = new Map<number, SQLite.Statement>();
    const statementFor = (count: number) => {
      let statement = statements.get(count);
      if (!statement) {
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        statement = db.prepare(`insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: count }, () => tuple).join(', ')}`);
        statements.set(count, statement);
      }
      return statement;
    };
    for (let i = 0; i < rows.length; i += perChunk) {
      const chunk = rows.slice(i, i + perChunk);
      statementFor(chunk.length).run(chunk.flat());
    }
  };
  const started = performance.now();
  db.transaction(() => {
    multiRowInsert('mdm_users', userColumns, users);
    multiRowInsert('enrollment_tokens', tokenColumns, tokens);
    multiRowInsert('enrollment_token_tags', tagColumns, tagRows);
  })();
  const elapsed = performance.now() - started;
  db.close();
  return elapsed;
}

/** PostgreSQL's ceiling: multi-row INSERTs through one node-postgres client, in one transaction. */
async function measurePostgresCeiling(url: string, run: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { orgId, enterpriseId, now, users, tokens, tagRows, userColumns, tokenColumns, tagColumns } = ceilingRows(run);
  await client.query(`insert into organizations (id, slug, name, plan, created_at, updated_at) values ($1, 'c', 'c', '{}', $2, $2)`, [orgId, now]);
  await client.query(`insert into enterprises (id, organization_id, platform, name, configuration, settings, created_at, updated_at) values ($1, $2, 'apple', 'e', '{}', '{}', $3, $3)`, [enterpriseId, orgId, now]);
  const multiRowInsert = async (table: string, columns: string[], rows: unknown[][]) => {
    const perChunk = Math.floor(30_000 / columns.length);
    for (let i = 0; i < rows.length; i += perChunk) {
      const chunk = rows.slice(i, i + perChunk);
      const tuples = chunk.map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
      await client.query(`insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}`, chunk.flat());
    }
  };
  const started = performance.now();
  await client.query('begin');
  await multiRowInsert('mdm_users', userColumns, users);
  await multiRowInsert('enrollment_tokens', tokenColumns, tokens);
  await multiRowInsert('enrollment_token_tags', tagColumns, tagRows);
  await client.query('commit');
  const elapsed = performance.now() - started;
  await client.end();
  return elapsed;
}

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-bench-'));
try {
  const enrolld: number[] = [];
  const ceiling: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const measured = await measureEnrolld(dir, run);
    enrolld.push(measured.ms);
    rss.push(measured.rssGrowthMb);
    ceiling.push(await measureCeiling(dir, run));
  }
  const ratio = median(enrolld) / median(ceiling);
  const figures: Figure[] = [
    { figure: `bulk ${SIZE} (ms, median of ${RUNS})`, enrolld: median(enrolld), ceiling: median(ceiling), target: '≤ 2', ok: ratio <= 2 },
    { figure: `bulk ${SIZE} wall time (ms)`, enrolld: median(enrolld), ceiling: null, target: '< 1000', ok: median(enrolld) < 1000 },
    { figure: `bulk ${SIZE} RSS growth (MB, max of ${RUNS})`, enrolld: Math.max(...rss), ceiling: null, target: '< 100', ok: Math.max(...rss) < 100, digits: 1 },
  ];
  console.log(formatTable(figures));
  console.log(`\nruns (ms): enrolld ${enrolld.map((x) => x.toFixed(0)).join(', ')} | ceiling ${ceiling.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}, ${databaseLabel()}`);
  if (values.json) emitJson(figures, databaseLabel());
} finally {
  for (const drop of dropAfterwards) await drop();
  rmSync(dir, { recursive: true, force: true });
}
