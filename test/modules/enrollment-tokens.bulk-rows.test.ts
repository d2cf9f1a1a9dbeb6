/**
 * A bulk request stores every row — user, token, tags, invitation — exactly as the single
 * requests store them for the same input: same values in every column, as the database holds
 * them (on PostgreSQL compared as the server's own text of each row too). The clock is held
 * still, so the timestamps must match as well.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { sql } from 'kysely';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { ON_POSTGRES } from '../helpers/database.ts';
import { createMdmUser, createOrganization } from '../helpers/factories.ts';
import { call } from '../helpers/http.ts';
import { createPolicy, createToken, minimalBody, PLATFORMS, POLICY_FIELDS, tokensUrl } from '../helpers/tokens.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

type Table = 'mdm_users' | 'enrollment_tokens' | 'enrollment_token_tags' | 'email_outbox';
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The rows of `table` whose `key` column is `value`, every column but `without`, sorted; on
 * PostgreSQL followed by the server's text of the same rows (jsonb and timestamptz as stored).
 */
async function rowsOf(table: Table, key: string, value: string, without: string[]): Promise<unknown[]> {
  const db = ctx.database.db;
  const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)} where ${sql.ref(key)} = ${value}`.execute(db)).rows;
  const strip = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).filter(([column]) => !without.includes(camel(column)) && !without.includes(column)));
  const result: unknown[] = rows.map(strip).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (ON_POSTGRES) {
    const texts = await sql<{ text: string }>`select (to_jsonb(t) - ${sql.val(without.map(snake))}::text[])::text as text from ${sql.table(table)} t where ${sql.ref(`t.${snake(key)}`)} = ${value} order by 1`.execute(db);
    result.push(...texts.rows.map((row) => row.text));
  }
  return result;
}

describe('bulk rows match single-create rows', () => {
  before(() => mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-03-04T05:06:07.089Z') }));
  after(() => mock.timers.reset());

  for (const platform of PLATFORMS) {
    it(`${platform}: users, tokens, tag rows and invitations are stored alike, column by column`, async () => {
      const org = await createOrganization(ctx.app);
      const policy = await createPolicy(ctx.app, org, platform);
      const fields = {
        ...minimalBody(platform),
        [POLICY_FIELDS[platform].main]: policy.id,
        sendEmail: true,
        displayName: `Fleet "A" \\ {b}, NULL 🎉`,
        tags: ['wave "1"', 'ü', 'x\\y', 'NULL'],
        duration: 3600,
        language: 'es',
        emailText: 'Hola "amigo"\nline\\2\t{}',
      };
      // Single requests: a user created on its own, then a token for that user.
      const single = await createMdmUser(ctx.app, org, { email: `single-${platform}@example.com`, language: 'es' });
      const singleToken = await createToken(ctx.app, org, platform, single.id, fields);
      // Bulk: the same body for that user (existing) and two new addresses (users created on the way).
      const newEmails = [`bulk-a-${platform}@example.com`, `bulk-b-${platform}@example.com`];
      const response = await call(ctx.app, 'POST', `${tokensUrl(org, platform)}/bulk`, { token: org.adminToken, body: { ...fields, userEmails: [single.email, ...newEmails] } });
      assert.equal(response.statusCode, 200, JSON.stringify(response.body));
      assert.deepEqual({ ...response.body.data, tokens: response.body.data.tokens.length }, { total: 3, success: 3, fail: 0, failures: [], tokens: 3 });

      const db = ctx.database.db;
      const bulkTokens = await db.selectFrom('enrollmentTokens').select(['id', 'mdmUserId']).where('organizationId', '=', org.id).where('id', '!=', singleToken.id).execute();
      assert.equal(bulkTokens.length, 3);
      const newUsers = await db.selectFrom('mdmUsers').select('id').where('organizationId', '=', org.id).where('emailNormalized', 'in', newEmails).execute();
      assert.equal(newUsers.length, 2);

      for (const user of newUsers) {
        assert.deepEqual(await rowsOf('mdm_users', 'id', user.id, ['id', 'email', 'emailNormalized']), await rowsOf('mdm_users', 'id', single.id, ['id', 'email', 'emailNormalized']));
      }
      for (const token of bulkTokens) {
        const withoutUser = token.mdmUserId === single.id ? [] : ['mdmUserId'];
        assert.deepEqual(
          await rowsOf('enrollment_tokens', 'id', token.id, ['id', 'enrollCode', ...withoutUser]),
          await rowsOf('enrollment_tokens', 'id', singleToken.id, ['id', 'enrollCode', ...withoutUser]),
        );
        const tags = await rowsOf('enrollment_token_tags', 'token_id', token.id, ['tokenId']);
        assert.equal(tags.length, ON_POSTGRES ? 8 : 4);
        assert.deepEqual(tags, await rowsOf('enrollment_token_tags', 'token_id', singleToken.id, ['tokenId']));
        const invitations = await rowsOf('email_outbox', 'token_id', token.id, ['id', 'tokenId', 'messageId']);
        assert.equal(invitations.length, ON_POSTGRES ? 2 : 1);
        assert.deepEqual(invitations, await rowsOf('email_outbox', 'token_id', singleToken.id, ['id', 'tokenId', 'messageId']));
        const [outbox] = await db.selectFrom('emailOutbox').select(['id', 'messageId']).where('tokenId', '=', token.id).execute();
        assert.match(outbox!.messageId, new RegExp(`^<${outbox!.id}\\.${token.id}@.+>$`));
      }
    });
  }
});
