/**
 * The driver floor: the same Fastify and validator as the framework ceiling, plus the same SQL
 * statements enrolld runs for a request (key lookup, reads, the write transaction), written
 * straight against the driver (better-sqlite3, or node-postgres with named statements). No
 * enrolld code runs. It shows how much of the distance to the framework ceiling is the
 * database's own work — which no implementation on this stack avoids — and how much is enrolld's.
 *
 *   POST /create  single create: key, user and enterprise reads, the organization's webhook
 *                 subscriptions, token + tag insert, commit
 *   POST /redeem  key, token read, webhook subscriptions, conditional claim, device + audit
 *                 inserts, commit, enterprise
 *   GET /page/:code  token (by public code), organization and enterprise reads, then the same HTML
 *                 as enrolld renders, sent from memory (rendering is enrolld's own work)
 *
 * On PostgreSQL enrolld keeps keys, organizations, enterprises and webhook subscriptions in a per-process cache
 * (db/row-cache.ts); the floor then reads each of them once as well. There enrolld also inserts a
 * token with its tags in one statement, and redeems a PENDING token (claim, device, audit row) in
 * one statement after reading it; the floor runs the same statements.
 *   POST /minimal-transaction  the least durable write there is: one transaction holding one
 *                 single-row INSERT into a two-column table (no index but its key, no trigger),
 *                 committed as every write here is (PostgreSQL: fsync and synchronous_commit on).
 *                 What a request that must commit something costs at the least on this database.
 */
import SQLite from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { BACKSTOP_PAGES } from '../src/db/sqlite-checkpointer.ts';
import { validatorCompiler } from '../src/http/validation.ts';
import { generateEnrollCode } from '../src/lib/enroll-code.ts';
import { newId } from '../src/lib/ids.ts';
import { hashSecret } from '../src/lib/secrets.ts';
import { tokenSchemas } from '../src/modules/enrollment-tokens/enrollment-tokens.schemas.ts';
import { RedeemBody } from '../src/modules/redemption/redemption.schemas.ts';
import { PLATFORM_ADAPTERS } from '../src/platforms/index.ts';

type Row = Record<string, unknown>;

/** Just enough of a driver: one row, a write, and a transaction on one connection. */
interface Runner {
  one(text: string, values: unknown[]): Promise<Row | undefined>;
  run(text: string, values: unknown[]): Promise<number>;
  transaction<T>(work: (runner: Runner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function sqliteRunner(file: string): Runner {
  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('temp_store = MEMORY');
  // As enrolld's connection: checkpoints are left to the checkpointer thread enrolld runs on this
  // same file in this process (db/sqlite-checkpointer.ts), this one only a backstop.
  connection.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const statements = new Map<string, SQLite.Statement>();
  const prepared = (text: string) => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = connection.prepare(text)));
    return statement;
  };
  const runner: Runner = {
    one: async (text, values) => prepared(text).get(...values) as Row | undefined,
    run: async (text, values) => prepared(text).run(...values).changes,
    // Every statement is synchronous, so nothing else runs on the connection in between.
    async transaction(work) {
      prepared('begin immediate').run();
      try {
        const result = await work(runner);
        prepared('commit').run();
        return result;
      } catch (error) {
        prepared('rollback').run();
        throw error;
      }
    },
    close: async () => void connection.close(),
  };
  return runner;
}

function postgresRunner(url: string): Runner {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const numbered = (text: string) => {
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  };
  const on = (client: pg.Pool | pg.PoolClient): Omit<Runner, 'transaction' | 'close'> => ({
    one: async (text, values) => (await client.query({ name: hashSecret(text).slice(0, 40), text: numbered(text), values })).rows[0],
    run: async (text, values) => (await client.query({ name: hashSecret(text).slice(0, 40), text: numbered(text), values })).rowCount ?? 0,
  });
  return {
    ...on(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work({ ...on(client), transaction: () => Promise.reject(new Error('nested')), close: async () => undefined });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

// The key and its organization, and a token and its user, each in one statement whose second
// table is read by primary key in scalar subqueries, as enrolld reads them (a join with a bound
// parameter is re-prepared by SQLite at every execution).
const organizationColumn = (column: string) => `(select o.${column} from organizations o where o.id = k.organization_id) as org_${column}`;
const KEY_SQL = `select k.*, ${['slug', 'name', 'plan', 'email_domains', 'created_at', 'updated_at'].map(organizationColumn).join(', ')} from service_accounts k where k.token_hash = ? and k.revoked_at is null`;
const ENTERPRISE_SQL = 'select * from enterprises where organization_id = ? and platform = ?';
const TOKEN_COLUMNS =
  'id, organization_id, platform, enterprise_id, mdm_user_id, display_name, tags, state, policy_id, segment_id, options, send_email, email_text, language, enroll_code, email_status, email_attempts, email_sent_at, email_last_error, device_id, created_at, updated_at, expire_at';
// By the unique key alone, the scope checked on the row, as enrolld does (see its token reads).
const TOKEN_BY_CODE_SQL =
  'select t.*, (select u.email from mdm_users u where u.id = t.mdm_user_id) as user_email, (select u.name from mdm_users u where u.id = t.mdm_user_id) as user_name from enrollment_tokens t where t.enroll_code = ?';
const TOKEN_PLACEHOLDERS = TOKEN_COLUMNS.split(', ').map(() => '?').join(', ');
const TAG_COLUMNS = 'token_id, organization_id, tag, platform, state, created_at, expire_at';
// PostgreSQL: the token and its tags in one statement (tags from the row the insert returns).
const TOKEN_WITH_TAGS_SQL =
  `with t as (insert into enrollment_tokens (${TOKEN_COLUMNS}) values (${TOKEN_PLACEHOLDERS}) on conflict (enroll_code) do nothing ` +
  'returning id, organization_id, platform, state, created_at, expire_at), ' +
  `g as (insert into enrollment_token_tags (${TAG_COLUMNS}) select t.id, t.organization_id, unnest(cast(? as text[])), t.platform, t.state, t.created_at, t.expire_at from t) ` +
  'select count(*) as inserted from t';
const DEVICE_COLUMNS = 'id, organization_id, platform, token_id, serial_number, udid, imei, model, os_version, created_at';
const ATTEMPT_COLUMNS = 'id, organization_id, platform, token_id, code, outcome, client_address, device, created_at';
// PostgreSQL: claim, device row and audit row in one statement, each insert reading the row before it.
const CLAIM_AND_RECORD_SQL =
  "with c as (update enrollment_tokens set state = 'DONE', device_id = ?, updated_at = ? where id = ? and state = 'PENDING' and expire_at > ? returning id), " +
  `d as (insert into devices (${DEVICE_COLUMNS}) select ?::text, ?::text, 'apple', c.id, ?::text, null, null, null, null, ?::timestamptz from c returning id, token_id) ` +
  `insert into token_redemptions (${ATTEMPT_COLUMNS}) select ?::text, ?::text, 'apple', d.token_id, ?::text, 'REDEEMED', ?::text, ?::jsonb, ?::timestamptz from d returning id`;
const SUBSCRIPTIONS_SQL = 'select id, event_types from webhook_endpoints where organization_id = ? and disabled_at is null';
const inScope = (row: Row | undefined, organizationId: string) => (row && row.organization_id === organizationId && row.platform === 'apple' ? row : undefined);

/** The rows enrolld caches on PostgreSQL: read once per process there, at every request on SQLite. */
function rarelyChanging(db: Runner, cached: boolean) {
  const remembered = new Map<string, Row | undefined>();
  return async (sqlText: string, params: unknown[]) => {
    if (!cached) return db.one(sqlText, params);
    const key = `${sqlText}\0${params.join('\0')}`;
    if (!remembered.has(key)) remembered.set(key, await db.one(sqlText, params));
    return remembered.get(key);
  };
}

/** Start the floor server on 127.0.0.1 over an enrolld database (SQLite file or PostgreSQL URL). */
export async function startDriverFloor(databaseUrl: string, pageHtml: string): Promise<{ base: string; app: FastifyInstance; close(): Promise<void> }> {
  const onPostgres = databaseUrl.startsWith('postgres');
  const db = onPostgres ? postgresRunner(databaseUrl) : sqliteRunner(databaseUrl.replace(/^sqlite:/, ''));
  const readRarelyChanging = rarelyChanging(db, onPostgres);
  const keyOf = (authorization: string | undefined) => readRarelyChanging(KEY_SQL, [hashSecret((authorization ?? '').replace(/^Bearer /, ''))]);
  const enterpriseOf = (organizationId: string) => readRarelyChanging(ENTERPRISE_SQL, [organizationId, 'apple']);
  // Whether any webhook endpoint hears of the change (the bench's organizations have none).
  const subscriptionsOf = (organizationId: string) => readRarelyChanging(SUBSCRIPTIONS_SQL, [organizationId]);
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  await db.run('create table if not exists bench_minimal_transactions (id text primary key, created_at text not null)', []);

  app.post('/minimal-transaction', async () => {
    const id = newId();
    await db.transaction((trx) => trx.run('insert into bench_minimal_transactions (id, created_at) values (?, ?)', [id, new Date().toISOString()]));
    return { status: true, data: { id } };
  });

  app.post('/create', { schema: { body: tokenSchemas(PLATFORM_ADAPTERS.apple).createBody } }, async (request, reply) => {
    const key = await keyOf(request.headers.authorization);
    if (!key) return reply.code(401).send({ status: false });
    const body = request.body as { mdmUserId: string; displayName?: string; tags?: string[]; duration?: number; language?: string };
    const organizationId = key.organization_id as string;
    const enterprise = await enterpriseOf(organizationId);
    const token = await db.transaction(async (trx) => {
      const now = new Date().toISOString();
      const user = await trx.one('select id, organization_id, email, name from mdm_users where id = ?', [body.mdmUserId]);
      if (user?.organization_id !== organizationId) throw new Error('user not in organization');
      await subscriptionsOf(organizationId);
      const row = [newId(), organizationId, 'apple', enterprise!.id, user!.id, body.displayName ?? '', JSON.stringify(body.tags ?? []), 'PENDING', null, null, '{}', 0, '', body.language ?? 'en', generateEnrollCode(), 'NONE', 0, null, null, null, now, now, new Date(Date.now() + (body.duration ?? 86_400) * 1000).toISOString()];
      if (onPostgres) {
        await trx.one(TOKEN_WITH_TAGS_SQL, [...row, [...new Set(body.tags ?? [])]]);
      } else {
        await trx.run(`insert into enrollment_tokens (${TOKEN_COLUMNS}) values (${TOKEN_PLACEHOLDERS}) on conflict (enroll_code) do nothing`, row);
        for (const tag of body.tags ?? []) await trx.run(`insert into enrollment_token_tags (${TAG_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?)`, [row[0], organizationId, tag, 'apple', 'PENDING', now, row[22]]);
      }
      return { id: row[0], enrollCode: row[14], user, enterprise: enterprise!.id, createdAt: now };
    });
    return { status: true, data: token };
  });

  app.post('/redeem', { schema: { body: RedeemBody } }, async (request, reply) => {
    const key = await keyOf(request.headers.authorization);
    if (!key) return reply.code(401).send({ status: false });
    const { code, device } = request.body as { code: string; device: { serialNumber?: string } };
    const organizationId = key.organization_id as string;
    // As enrolld's common case: read the token, then claim it with the device and audit rows
    // (every code the bench sends is PENDING; the refusals' path is not measured).
    const now = new Date().toISOString();
    const token = inScope(await db.one(TOKEN_BY_CODE_SQL, [code]), organizationId);
    const deviceId = newId();
    const identity = JSON.stringify(device);
    let won = false;
    if (token?.state === 'PENDING') {
      await subscriptionsOf(organizationId);
      if (onPostgres) {
        won = (await db.one(CLAIM_AND_RECORD_SQL, [deviceId, now, token.id, now, deviceId, organizationId, device.serialNumber ?? null, now, newId(), organizationId, code, request.ip, identity, now])) !== undefined;
      } else {
        won = await db.transaction(async (trx) => {
          if ((await trx.run("update enrollment_tokens set state = 'DONE', device_id = ?, updated_at = ? where id = ? and state = 'PENDING' and expire_at > ?", [deviceId, now, token.id, now])) !== 1) return false;
          await trx.run(`insert into devices (${DEVICE_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [deviceId, organizationId, 'apple', token.id, device.serialNumber ?? null, null, null, null, null, now]);
          await trx.run(`insert into token_redemptions (${ATTEMPT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [newId(), organizationId, 'apple', token.id, code, 'REDEEMED', request.ip, identity, now]);
          return true;
        });
      }
    }
    const result = { token: won ? { ...token, state: 'DONE', deviceId } : null, deviceId };
    if (!result.token) return reply.code(404).send({ status: false });
    const enterprise = await enterpriseOf(organizationId);
    return { status: true, data: { token: { ...result.token, enterprise: enterprise!.id }, device: { id: result.deviceId } } };
  });

  app.get('/page/:code', async (request, reply) => {
    const token = await db.one(TOKEN_BY_CODE_SQL, [(request.params as { code: string }).code]);
    if (token?.platform !== 'apple') return reply.code(404).send('');
    await readRarelyChanging('select * from organizations where id = ?', [token.organization_id]);
    await enterpriseOf(token.organization_id as string);
    return reply.type('text/html; charset=utf-8').send(pageHtml);
  });

  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    base,
    app,
    async close() {
      await app.close();
      await db.run('drop table bench_minimal_transactions', []);
      await db.close();
    },
  };
}
