/**
 * Tag rows carry their token's platform, creation time, state and expiry, and one index serves
 * tag filters: (organization, tag, platform, created, token, state, expiry). A list filtered by
 * one tag then reads its page (newest first) and its totalDocs from that index alone; before,
 * each match cost a token lookup and the page a sort of every match (a tag on 1 % of 1,000,000
 * tokens: ~75 ms). Triggers keep state and expiry in step (dialect.ts); creation never changes.
 */
import { type Kysely, sql } from 'kysely';
import { columnTypes, dialectOf, dropTagSyncStatements, tagSyncStatements } from '../dialect.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  await db.schema.alterTable('enrollment_token_tags').addColumn('platform', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('enrollment_token_tags').addColumn('state', 'text', (c) => c.notNull().defaultTo('')).execute();
  for (const column of ['created_at', 'expire_at']) {
    await db.schema.alterTable('enrollment_token_tags').addColumn(column, columnTypes(dialect).timestamp).execute();
  }
  await sql`update enrollment_token_tags set platform = t.platform, state = t.state, created_at = t.created_at, expire_at = t.expire_at
    from enrollment_tokens t where t.id = enrollment_token_tags.token_id`.execute(db);
  await db.schema.dropIndex('enrollment_token_tags_org_tag_idx').execute();
  await db.schema
    .createIndex('enrollment_token_tags_filter_idx')
    .on('enrollment_token_tags')
    .columns(['organization_id', 'tag', 'platform', 'created_at', 'token_id', 'state', 'expire_at'])
    .execute();
  for (const statement of tagSyncStatements(dialect)) await sql.raw(statement).execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of dropTagSyncStatements(dialectOf(db))) await sql.raw(statement).execute(db);
  await db.schema.dropIndex('enrollment_token_tags_filter_idx').execute();
  await db.schema.createIndex('enrollment_token_tags_org_tag_idx').on('enrollment_token_tags').columns(['organization_id', 'tag', 'token_id']).execute();
  for (const column of ['expire_at', 'created_at', 'state', 'platform']) await db.schema.alterTable('enrollment_token_tags').dropColumn(column).execute();
}
