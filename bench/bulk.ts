/**
 * bench:bulk — one bulk request with 10,000 new addresses (invitations on), against its storage
 * ceiling: the same rows (users + tokens + tag rows + the invitations' outbox rows) inserted
 * directly with the same driver into an identically migrated database with the same indexes and
 * triggers, in one transaction. Both are measured in this run on this machine. Then the same
 * request in an organization with a webhook endpoint subscribed to `enrollment_token.created`,
 * against the same ceiling plus the rows that endpoint adds (an event per token, with the very
 * bodies enrolld stored, and a delivery per event): the same target of ≤ 2.
 *
 * SQLite: the ceiling is better-sqlite3 multi-row statements prepared once per chunk size.
 * With BENCH_DATABASE_URL=postgres://… both run on PostgreSQL: enrolld through its pool; three
 * ceilings through one node-postgres client, each in a fresh schema. The figure's: one INSERT …
 * SELECT per table, a scalar parameter for each column with the same value in every row and,
 * for each column that varies, its values as one JSON array parameter read back with
 * json_array_elements_text (as enrolld writes them). Reported beside it: the same with a
 * PostgreSQL array per varying column, unnested, and multi-row INSERTs (a parameter per value,
 * in chunks under the 65,535-parameter limit).
 *
 * Usage: npm run bench:bulk [-- --runs 5 --size 10000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { createServices } from '../src/services.ts';
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

async function freshDatabase(dir: string, name: string, allowPrivateWebhooks = false) {
  const target = await benchDatabase(dir, name);
  dropAfterwards.push(target.drop);
  const config = loadConfig({ DATABASE_URL: target.url, LOG_LEVEL: 'silent', ...(allowPrivateWebhooks ? { ENROLLD_WEBHOOK_ALLOW_PRIVATE: 'true' } : {}), ...postgresEnv() });
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  return { config, database, target };
}

/** Where the bench's endpoint points: nothing delivers during the bench (no worker runs). */
const ENDPOINT_URL = 'http://127.0.0.1:9/hooks';

/**
 * enrolld: a real HTTP request to a listening server. Returns ms, the RSS peak growth and, with
 * `webhook` (an endpoint subscribed to the created events), the event bodies it stored.
 */
async function measureEnrolld(dir: string, run: number, webhook: boolean) {
  const { config, database } = await freshDatabase(dir, `enrolld-${webhook ? 'webhook-' : ''}${run}`, webhook);
  const services = createServices(database, config);
  const org = await services.organizations.create({ name: 'Bench', slug: `bench-${run}` });
  const key = await services.serviceAccounts.create(org.id, { name: 'bench', role: 'admin' }, { kind: 'root' });
  if (webhook) await services.webhooks.create(org.id, { url: ENDPOINT_URL, eventTypes: ['enrollment_token.created'] });
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
  const events = webhook ? await database.db.selectFrom('webhookEvents').select('payload').orderBy('id').execute() : [];
  if (webhook && events.length !== SIZE + 1) throw new Error(`${events.length} events stored`); // + the warm-up's
  await app.close();
  await database.close();
  return { ms: elapsed, rssGrowthMb: mb(rssPeak - rssBefore), eventBodies: events.slice(1).map((event) => event.payload) };
}

/** A table's rows as arrays in column order, with each column's PostgreSQL type (for unnest). */
interface TableRows {
  table: string;
  columns: Array<[name: string, type: string]>;
  rows: unknown[][];
}

/**
 * The rows a bulk request of SIZE new addresses with invitations writes, per table, in insert
 * order; with `eventBodies`, also the webhook event (that body) and delivery of each token.
 */
function ceilingRows(run: number, eventBodies: readonly string[] | null) {
  const now = new Date().toISOString();
  const expireAt = new Date(Date.now() + 86_400_000).toISOString();
  const orgId = newId();
  const enterpriseId = newId();
  const endpointId = newId();
  const users = Array.from({ length: SIZE }, (_, i) => {
    const email = `user${i}.run${run}@bench.example.com`;
    return [newId(), orgId, email, email, null, '[]', 'en', null, '{}', now, now];
  });
  const tokens = users.map((user) => [
    newId(), orgId, 'apple', enterpriseId, user[0], '', JSON.stringify(TAGS), 'PENDING', null, null,
    '{"admPolicyAssignments":[],"profiles":[],"applications":[],"admVppLocationId":null}', 1, '', 'en', generateEnrollCode(), 'QUEUED', 0, null, null, null, null, now, now, expireAt,
  ]);
  // Tag rows carry the token's platform, state and expiry, as enrolld writes them (migration 0007).
  const tagRows = tokens.flatMap((token) => TAGS.map((tag) => [token[0], orgId, tag, 'apple', 'PENDING', now, expireAt]));
  const outboxRows = tokens.map((token) => {
    const id = newId();
    return [id, orgId, token[0], `<${id}.${token[0]}@bench.example.com>`, null, null, 'PENDING', 0, now, null, null, null, now, null];
  });
  const tables: TableRows[] = [
    {
      table: 'mdm_users',
      columns: [['id', 'text'], ['organization_id', 'text'], ['email', 'text'], ['email_normalized', 'text'], ['name', 'text'], ['tags', 'jsonb'], ['language', 'text'],
        ['managed_apple_id', 'text'], ['metadata', 'jsonb'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
      rows: users,
    },
    {
      table: 'enrollment_tokens',
      columns: [['id', 'text'], ['organization_id', 'text'], ['platform', 'text'], ['enterprise_id', 'text'], ['mdm_user_id', 'text'], ['display_name', 'text'],
        ['tags', 'jsonb'], ['state', 'text'], ['policy_id', 'text'], ['segment_id', 'integer'], ['options', 'jsonb'], ['send_email', 'integer'], ['email_text', 'text'],
        ['language', 'text'], ['enroll_code', 'text'], ['email_status', 'text'], ['email_attempts', 'integer'], ['email_sent_at', 'timestamptz'], ['email_last_error', 'text'],
        ['email_deferred_reason', 'text'], ['device_id', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['expire_at', 'timestamptz']],
      rows: tokens,
    },
    {
      table: 'enrollment_token_tags',
      columns: [['token_id', 'text'], ['organization_id', 'text'], ['tag', 'text'], ['platform', 'text'], ['state', 'text'], ['created_at', 'timestamptz'], ['expire_at', 'timestamptz']],
      rows: tagRows,
    },
    {
      table: 'email_outbox',
      columns: [['id', 'text'], ['organization_id', 'text'], ['token_id', 'text'], ['message_id', 'text'], ['language', 'text'], ['email_text', 'text'], ['status', 'text'],
        ['attempts', 'integer'], ['next_attempt_at', 'timestamptz'], ['lease_owner', 'text'], ['lease_until', 'timestamptz'], ['last_error', 'text'], ['created_at', 'timestamptz'],
        ['sent_at', 'timestamptz']],
      rows: outboxRows,
    },
  ];
  if (eventBodies) {
    const events = tokens.map((_, i) => [`evt_${newId()}`, orgId, 'enrollment_token.created', eventBodies[i], now]);
    const deliveries = events.map((event) => [`msg_${newId()}`, orgId, endpointId, event[0], 'enrollment_token.created', 'PENDING', 0, now, now]);
    tables.push(
      { table: 'webhook_events', columns: [['id', 'text'], ['organization_id', 'text'], ['type', 'text'], ['payload', 'text'], ['created_at', 'timestamptz']], rows: events },
      {
        table: 'webhook_deliveries',
        columns: [['id', 'text'], ['organization_id', 'text'], ['endpoint_id', 'text'], ['event_id', 'text'], ['event_type', 'text'], ['status', 'text'], ['attempts', 'integer'],
          ['next_attempt_at', 'timestamptz'], ['created_at', 'timestamptz']],
        rows: deliveries,
      },
    );
  }
  return { orgId, enterpriseId, endpointId, now, tables };
}

/** The organization, enterprise and (for the webhook rows) endpoint the ceiling's rows belong to. */
const PARENT_ROWS = [
  [`insert into organizations (id, slug, name, plan, created_at, updated_at) values (?, 'c', 'c', '{}', ?, ?)`, ['org', 'now', 'now']],
  [`insert into enterprises (id, organization_id, platform, name, configuration, settings, created_at, updated_at) values (?, ?, 'apple', 'e', '{}', '{}', ?, ?)`, ['enterprise', 'org', 'now', 'now']],
  [`insert into webhook_endpoints (id, organization_id, url, description, secret_sealed, created_at, updated_at) values (?, ?, '${ENDPOINT_URL}', '', 'sealed', ?, ?)`, ['endpoint', 'org', 'now', 'now']],
] as const;

/** Each parent row's statement (with `?` placeholders) and values, in insert order. */
function parentRows(ids: { orgId: string; enterpriseId: string; endpointId: string; now: string }): Array<[string, unknown[]]> {
  const value = { org: ids.orgId, enterprise: ids.enterpriseId, endpoint: ids.endpointId, now: ids.now };
  return PARENT_ROWS.map(([statement, names]) => [statement, names.map((name) => value[name])]);
}

type CeilingKind = 'multi-row' | 'json' | 'unnest';

/** The ceiling: the same rows through the same driver, in one transaction. Returns ms. */
async function measureCeiling(dir: string, run: number, kind: CeilingKind, eventBodies: readonly string[] | null) {
  const name = `ceiling-${kind}-${eventBodies ? 'webhook-' : ''}${run}`;
  const { database, target } = await freshDatabase(dir, name);
  await database.close();
  const rows = ceilingRows(run, eventBodies);
  if (ON_POSTGRES) return measurePostgresCeiling(target.url, kind, rows);
  const db = new SQLite(path.join(dir, `${name}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY'); // as src/db/database.ts sets it
  const { tables } = rows;
  for (const [statement, values] of parentRows(rows)) db.prepare(statement).run(values);
  // The fastest way this driver inserts these rows: multi-row INSERTs prepared once per chunk
  // size, parameters bound straight from arrays, in one transaction.
  const multiRowInsert = ({ table, columns, rows }: TableRows) => {
    const perChunk = Math.floor(30_000 / columns.length);
    const statements = new Map<number, SQLite.Statement>();
    const statementFor = (count: number) => {
      let statement = statements.get(count);
      if (!statement) {
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        statement = db.prepare(`insert into ${table} (${columns.map(([name]) => name).join(', ')}) values ${Array.from({ length: count }, () => tuple).join(', ')}`);
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
    for (const table of tables) multiRowInsert(table);
  })();
  const elapsed = performance.now() - started;
  db.close();
  return elapsed;
}

/**
 * PostgreSQL's ceilings, through one node-postgres client in one transaction: one `INSERT …
 * SELECT` per table, its varying columns as JSON arrays or as PostgreSQL arrays (see
 * selectInsert), or multi-row INSERTs (a parameter per value, in chunks under the
 * 65,535-parameter limit).
 */
async function measurePostgresCeiling(url: string, kind: CeilingKind, rows: ReturnType<typeof ceilingRows>) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { tables } = rows;
  const numbered = (statement: string) => {
    let parameter = 0;
    return statement.replace(/\?/g, () => `$${++parameter}`);
  };
  for (const [statement, values] of parentRows(rows)) await client.query(numbered(statement), values);
  const multiRowInsert = async ({ table, columns, rows }: TableRows) => {
    const perChunk = Math.floor(30_000 / columns.length);
    for (let i = 0; i < rows.length; i += perChunk) {
      const chunk = rows.slice(i, i + perChunk);
      const tuples = chunk.map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
      await client.query(`insert into ${table} (${columns.map(([name]) => name).join(', ')}) values ${tuples.join(', ')}`, chunk.flat());
    }
  };
  // A column with the same value in every row is bound once as a scalar; the others as one
  // parameter each: a JSON array (json) or a PostgreSQL array (unnest), read side by side.
  const selectInsert = async ({ table, columns, rows }: TableRows) => {
    const parameters: unknown[] = [];
    const sources: string[] = [];
    const selected = columns.map(([, type], c) => {
      const first = rows[0]![c];
      if (rows.every((row) => row[c] === first)) {
        parameters.push(first);
        return `$${parameters.length}::${type}`;
      }
      const values = rows.map((row) => row[c]);
      parameters.push(kind === 'json' ? JSON.stringify(values) : values);
      sources.push(kind === 'json' ? `json_array_elements_text($${parameters.length}::json)` : `$${parameters.length}::${type}[]`);
      const alias = `u.c${sources.length - 1}`;
      return kind === 'json' && type !== 'text' ? `${alias}::${type}` : alias;
    });
    const aliases = sources.map((_, i) => `c${i}`).join(', ');
    const source = kind === 'json' ? `rows from (${sources.join(', ')})` : `unnest(${sources.join(', ')})`;
    await client.query(`insert into ${table} (${columns.map(([name]) => name).join(', ')}) select ${selected.join(', ')} from ${source} as u(${aliases})`, parameters);
  };
  const insert = kind === 'multi-row' ? multiRowInsert : selectInsert;
  const started = performance.now();
  await client.query('begin');
  for (const table of tables) await insert(table);
  await client.query('commit');
  const elapsed = performance.now() - started;
  await client.end();
  return elapsed;
}

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-bench-'));
try {
  const enrolld: number[] = [];
  const enrolldWebhook: number[] = [];
  const rss: number[] = [];
  // SQLite has one ceiling (multi-row statements); PostgreSQL the JSON-array one (as enrolld
  // writes), and PostgreSQL arrays and multi-row INSERTs beside it for comparison.
  const kinds: CeilingKind[] = ON_POSTGRES ? ['json', 'unnest', 'multi-row'] : ['multi-row'];
  const ceilings = new Map<CeilingKind, number[]>(kinds.map((kind) => [kind, []]));
  const ceilingWebhook: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const measured = await measureEnrolld(dir, run, false);
    enrolld.push(measured.ms);
    rss.push(measured.rssGrowthMb);
    for (const kind of kinds) ceilings.get(kind)!.push(await measureCeiling(dir, run, kind, null));
    const hooked = await measureEnrolld(dir, run, true);
    enrolldWebhook.push(hooked.ms);
    ceilingWebhook.push(await measureCeiling(dir, run, kinds[0]!, hooked.eventBodies));
  }
  const ceiling = ceilings.get(kinds[0]!)!;
  const ratio = median(enrolld) / median(ceiling);
  const figures: Figure[] = [
    { figure: `bulk ${SIZE} (ms, median of ${RUNS})`, enrolld: median(enrolld), ceiling: median(ceiling), target: '≤ 2', ok: ratio <= 2 },
    ...(ON_POSTGRES
      ? [
          { figure: `bulk ${SIZE} vs unnest, PostgreSQL arrays (ms)`, enrolld: median(enrolld), ceiling: median(ceilings.get('unnest')!), target: 'reported', ok: true },
          { figure: `bulk ${SIZE} vs multi-row INSERT (ms)`, enrolld: median(enrolld), ceiling: median(ceilings.get('multi-row')!), target: 'reported', ok: true },
        ]
      : []),
    { figure: `bulk ${SIZE} wall time (ms)`, enrolld: median(enrolld), ceiling: null, target: '< 1000', ok: median(enrolld) < 1000 },
    { figure: `bulk ${SIZE} RSS growth (MB, max of ${RUNS})`, enrolld: Math.max(...rss), ceiling: null, target: '< 100', ok: Math.max(...rss) < 100, digits: 1 },
    { figure: `bulk ${SIZE} with a subscribed webhook (ms, median of ${RUNS})`, enrolld: median(enrolldWebhook), ceiling: median(ceilingWebhook), target: '≤ 2', ok: median(enrolldWebhook) / median(ceilingWebhook) <= 2 },
  ];
  console.log(formatTable(figures));
  const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`\nruns (ms): enrolld ${list(enrolld)} | ${kinds.map((kind) => `ceiling ${kind} ${list(ceilings.get(kind)!)}`).join(' | ')}`);
  console.log(`runs with a subscribed webhook (ms): enrolld ${list(enrolldWebhook)} | ceiling ${list(ceilingWebhook)}`);
  console.log(`machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}, ${databaseLabel()}`);
  if (values.json) emitJson(figures, databaseLabel());
} finally {
  for (const drop of dropAfterwards) await drop();
  rmSync(dir, { recursive: true, force: true });
}
