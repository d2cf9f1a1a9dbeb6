/**
 * The bulk helpers against the real database: rows stored exactly as a plain one-row INSERT stores
 * them (quotes, backslashes, braces, nulls, unicode, JSON, integers, timestamps), one statement
 * per call on PostgreSQL whatever the row count, chunks under SQLite's parameter limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Insertable, type KyselyPlugin, sql } from 'kysely';
import { insertRows, isOneOf } from '../../src/db/bulk-insert.ts';
import type { Db } from '../../src/db/database.ts';
import { encodeJson } from '../../src/db/dialect.ts';
import type { EnrollmentTokenTable, MdmUserTable } from '../../src/db/schema.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { ON_POSTGRES } from '../helpers/database.ts';
import { createMdmUser, createOrganization, type TestOrganization } from '../helpers/factories.ts';
import { createToken } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

/** `db` with a count of the statements run through it. */
function counting(db: Db): { db: Db; statements: () => number } {
  let statements = 0;
  // Counted as results come back: statements written as text (SQLite's multi-row inserts) skip
  // the plugins' query transform, never the result one.
  const plugin: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      statements += 1;
      return args.result;
    },
  };
  return { db: db.withPlugin(plugin), statements: () => statements };
}

let idCounter = 0;
const nextId = () => `f${(++idCounter).toString(16).padStart(23, '0')}`;

const USER_COLUMNS = {
  id: 'text', organizationId: 'text', email: 'text', emailNormalized: 'text', name: 'text', tags: 'json', language: 'text',
  managedAppleId: 'text', metadata: 'json', createdAt: 'timestamp', updatedAt: 'timestamp',
} as const;

/** Values that need quoting or escaping in an array literal, or that look like something else. */
const AWKWARD_TEXT = [
  `O'Brien "the" \\ back\\\\slash`,
  '{braces}, commas, (parens)',
  'NULL',
  '',
  ' leading and trailing spaces ',
  'tab\tnew\nline\rreturn',
  '日本語 ñ émoji 🎉 \u{1F600} zero-width\u200b',
  '\\"',
  null,
];
const AWKWARD_JSON = [
  encodeJson([]),
  encodeJson({}),
  encodeJson(['a"b', 'c\\d', '{}', 'ü', null, 1.5, true]),
  encodeJson({ 'k"ey': 'v\\al', nested: { list: [1, 2.5, false, null], text: '🎉\n\t"' }, empty: '' }),
  encodeJson('a JSON string'),
  encodeJson(null),
];
const TIMES = ['2026-01-02T03:04:05.678Z', '1999-12-31T23:59:59.999Z', '2026-06-30T12:00:00.000Z'];

function userRows(org: TestOrganization, count: number, varied: boolean): Array<Insertable<MdmUserTable>> {
  return Array.from({ length: count }, (_, i) => {
    const pick = <T>(values: readonly T[]) => values[varied ? i % values.length : 2 % values.length]!;
    const email = `bulk-${nextId()}@example.com`;
    return {
      id: nextId(),
      organizationId: org.id,
      email,
      emailNormalized: email,
      name: pick(AWKWARD_TEXT),
      tags: pick(AWKWARD_JSON),
      language: pick(['en', 'es', 'de']),
      managedAppleId: pick([...AWKWARD_TEXT].reverse()),
      metadata: pick([...AWKWARD_JSON].reverse()),
      createdAt: pick(TIMES),
      updatedAt: pick([...TIMES].reverse()),
    };
  });
}

/**
 * Every column of the rows with these ids, as stored, without the columns that differ by design.
 * On PostgreSQL also the database's own text of each row (exact to the microsecond and the jsonb
 * value, whatever the driver parses).
 */
async function stored(table: 'mdm_users' | 'enrollment_tokens', ids: string[], without: string[]): Promise<unknown[]> {
  const db = ctx.database.db;
  const rows = (await db.selectFrom(table === 'mdm_users' ? 'mdmUsers' : 'enrollmentTokens').selectAll().where('id', 'in', ids).execute()) as Array<Record<string, unknown>>;
  const byId = new Map(rows.map((row) => [row.id as string, row]));
  const strip = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).filter(([key]) => !without.includes(key)));
  const result: unknown[] = ids.map((id) => strip(byId.get(id)!));
  if (ON_POSTGRES) {
    const snake = without.map((key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
    const texts = await sql<{ id: string; text: string }>`select id, (to_jsonb(t) - ${sql.val(snake)}::text[])::text as text from ${sql.table(table)} t where id = any(${sql.val(ids)}::text[])`.execute(db);
    const textById = new Map(texts.rows.map((row) => [row.id, row.text]));
    result.push(...ids.map((id) => textById.get(id)));
  }
  return result;
}

/** The same rows under other ids and addresses, inserted one by one with a plain INSERT … VALUES. */
function twins<R extends { id: string }>(rows: R[], rename: (row: R) => Partial<R>): R[] {
  return rows.map((row) => ({ ...row, id: nextId(), ...rename(row) }));
}

describe('insertRows', () => {
  for (const varied of [true, false]) {
    it(`stores users exactly as a one-row INSERT does (${varied ? 'every column varying' : 'columns constant across rows'})`, async () => {
      const org = await createOrganization(ctx.app);
      const rows = userRows(org, 40, varied);
      const singles = twins(rows, () => {
        const email = `single-${nextId()}@example.com`;
        return { email, emailNormalized: email };
      });
      const inserted = await ctx.database.db.transaction().execute((trx) => insertRows(trx, 'mdmUsers', USER_COLUMNS, rows));
      assert.equal(inserted, rows.length);
      for (const row of singles) await ctx.database.db.insertInto('mdmUsers').values(row).execute();
      const without = ['id', 'email', 'emailNormalized'];
      assert.deepEqual(
        await stored('mdm_users', rows.map((row) => row.id), without),
        await stored('mdm_users', singles.map((row) => row.id), without),
      );
    });
  }

  it('stores integer, JSON and timestamp token columns exactly as a one-row INSERT does, nulls included', async () => {
    const org = await createOrganization(ctx.app);
    const user = await createMdmUser(ctx.app, org);
    const template = await createToken(ctx.app, org, 'apple', user.id);
    const { enterpriseId } = await ctx.database.db.selectFrom('enrollmentTokens').select('enterpriseId').where('id', '=', template.id).executeTakeFirstOrThrow();
    const rows: Array<Insertable<EnrollmentTokenTable>> = Array.from({ length: 30 }, (_, i) => ({
      id: nextId(),
      organizationId: org.id,
      platform: 'apple',
      enterpriseId,
      mdmUserId: user.id,
      displayName: AWKWARD_TEXT[i % AWKWARD_TEXT.length] ?? '',
      tags: AWKWARD_JSON[i % AWKWARD_JSON.length]!,
      state: ['PENDING', 'DONE'][i % 2]!,
      policyId: i % 3 === 0 ? null : `policy-${i}`,
      segmentId: [null, 0, -1, 2_147_483_647][i % 4]!,
      options: AWKWARD_JSON[(i + 3) % AWKWARD_JSON.length]!,
      sendEmail: i % 2,
      emailText: AWKWARD_TEXT[(i + 1) % AWKWARD_TEXT.length] ?? '',
      language: 'en',
      enrollCode: `CODE${nextId().slice(-8)}`,
      emailStatus: 'QUEUED',
      emailAttempts: i,
      emailSentAt: i % 2 ? null : TIMES[i % TIMES.length]!,
      emailLastError: AWKWARD_TEXT[(i + 2) % AWKWARD_TEXT.length]!,
      emailDeferredReason: null,
      deviceId: null,
      createdAt: TIMES[0]!,
      updatedAt: TIMES[i % TIMES.length]!,
      expireAt: TIMES[(i + 1) % TIMES.length]!,
    }));
    const singles = twins(rows, () => ({ enrollCode: `SNGL${nextId().slice(-8)}` }));
    const columns = Object.fromEntries(
      Object.keys(rows[0]!).map((key) => [
        key,
        ['tags', 'options'].includes(key) ? 'json' : ['segmentId', 'sendEmail', 'emailAttempts'].includes(key) ? 'integer' : /At$/.test(key) ? 'timestamp' : 'text',
      ]),
    ) as Record<keyof EnrollmentTokenTable, 'text'>;
    await ctx.database.db.transaction().execute((trx) => insertRows(trx, 'enrollmentTokens', columns, rows));
    for (const row of singles) await ctx.database.db.insertInto('enrollmentTokens').values(row).execute();
    const without = ['id', 'enrollCode'];
    assert.deepEqual(
      await stored('enrollment_tokens', rows.map((row) => row.id), without),
      await stored('enrollment_tokens', singles.map((row) => row.id), without),
    );
  });

  it('inserts 12,000 rows in one statement on PostgreSQL (chunks under the parameter limit on SQLite)', async () => {
    const org = await createOrganization(ctx.app);
    const rows = userRows(org, 12_000, true);
    const { db, statements } = counting(ctx.database.db);
    assert.equal(await db.transaction().execute((trx) => insertRows(trx, 'mdmUsers', USER_COLUMNS, rows)), 12_000);
    assert.equal(statements(), ON_POSTGRES ? 1 : Math.ceil(12_000 / Math.floor(30_000 / 11)));
    const count = await ctx.database.db.selectFrom('mdmUsers').select((eb) => eb.fn.countAll<number>().as('n')).where('organizationId', '=', org.id).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 12_000);
  });

  it('skips rows that conflict on the given key and answers how many went in', async () => {
    const org = await createOrganization(ctx.app);
    const existing = await createMdmUser(ctx.app, org, { email: 'taken@example.com' });
    const rows = userRows(org, 3, true);
    rows[1] = { ...rows[1]!, email: 'Taken@example.com', emailNormalized: 'taken@example.com' };
    const inserted = await ctx.database.db.transaction().execute((trx) => insertRows(trx, 'mdmUsers', USER_COLUMNS, rows, { skipConflictsOn: ['organizationId', 'emailNormalized'] }));
    assert.equal(inserted, 2);
    const kept = await ctx.database.db.selectFrom('mdmUsers').select(['id', 'email']).where('emailNormalized', '=', 'taken@example.com').where('organizationId', '=', org.id).execute();
    assert.deepEqual(kept, [{ id: existing.id, email: 'taken@example.com' }]);
  });

  it('stores a lone UTF-16 surrogate as U+FFFD, as a single insert does, rather than refusing the bulk', async () => {
    const org = await createOrganization(ctx.app);
    const rows = userRows(org, 3, true).map((row, i) => ({ ...row, name: `half ${i} \ud83d of an emoji` }));
    assert.equal(await ctx.database.db.transaction().execute((trx) => insertRows(trx, 'mdmUsers', USER_COLUMNS, rows)), 3);
    const [single] = userRows(org, 1, false);
    await ctx.database.db.transaction().execute((trx) => insertRows(trx, 'mdmUsers', USER_COLUMNS, [{ ...single!, name: 'half 3 \ud83d of an emoji' }]));
    const stored = await ctx.database.db.selectFrom('mdmUsers').select('name').where('organizationId', '=', org.id).orderBy('name').execute();
    assert.deepEqual(stored.map((row) => row.name), [0, 1, 2, 3].map((i) => `half ${i} \ufffd of an emoji`));
  });

  it('inserts rows that are all alike (no column varies) and skips the repeats on conflict', async () => {
    const org = await createOrganization(ctx.app);
    const [row] = userRows(org, 1, false);
    const inserted = await ctx.database.db
      .transaction()
      .execute((trx) => insertRows(trx, 'mdmUsers', USER_COLUMNS, [row!, { ...row! }, { ...row! }], { skipConflictsOn: ['id'] }));
    assert.equal(inserted, 1);
  });

  it('inserts nothing for no rows, and refuses rows whose columns differ from the list', async () => {
    const org = await createOrganization(ctx.app);
    const { db, statements } = counting(ctx.database.db);
    assert.equal(await insertRows(db, 'mdmUsers', USER_COLUMNS, []), 0);
    assert.equal(statements(), 0);
    const [row] = userRows(org, 1, true);
    const { managedAppleId: _dropped, ...missing } = row!;
    await assert.rejects(() => insertRows(db, 'mdmUsers', USER_COLUMNS, [missing, missing]), /row columns .* differ/);
  });
});

describe('isOneOf', () => {
  it('finds rows by 12,000 values in one statement, quotes and unicode included', async () => {
    const org = await createOrganization(ctx.app);
    const rows = userRows(org, 50, true).map((row, i) => {
      const email = `${AWKWARD_TEXT[i % AWKWARD_TEXT.length] ?? 'null'}-${i}@example.com`;
      return { ...row, email, emailNormalized: email };
    });
    await ctx.database.db.transaction().execute((trx) => insertRows(trx, 'mdmUsers', USER_COLUMNS, rows));
    const wanted = [...rows.map((row) => row.emailNormalized), ...Array.from({ length: 11_950 }, (_, i) => `absent-${i}@example.com`)];
    const { db, statements } = counting(ctx.database.db);
    const found = new Map<string, string>();
    for (const condition of isOneOf(db, 'emailNormalized', wanted)) {
      for (const user of await db.selectFrom('mdmUsers').select(['id', 'emailNormalized']).where('organizationId', '=', org.id).where(condition).execute()) {
        found.set(user.emailNormalized, user.id);
      }
    }
    assert.equal(statements(), 1);
    assert.deepEqual(found, new Map(rows.map((row) => [row.emailNormalized, row.id])));
    assert.deepEqual(isOneOf(db, 'emailNormalized', []), []);
  });
});
