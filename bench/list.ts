/**
 * bench:list — page 1 of filtered token lists at 10,000 and at 1,000,000 tokens in one
 * organization, each request answering its page and the exact `totalDocs`. The indexes make the
 * page an index range scan; the count still reads every matching index entry, which is what the
 * ratio column shows.
 *
 * Usage: npm run bench:list [-- --sizes 10000,1000000 --repeat 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { buildApp } from '../src/app.ts';
import { createServices } from '../src/services.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { generateEnrollCode } from '../src/lib/enroll-code.ts';
import { newId } from '../src/lib/ids.ts';
import { emitJson, type Figure } from './report.ts';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '10000,1000000' }, repeat: { type: 'string', default: '20' }, json: { type: 'boolean', default: false } },
});
const SIZES = values.sizes!.split(',').map(Number);
const REPEAT = Number(values.repeat);
const USERS = 10_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Fill the organization with `size` tokens straight through the driver (setup, not measured). */
function seed(file: string, organizationId: string, enterpriseId: string, size: number) {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('temp_store = MEMORY');
  const now = Date.now();
  const users: string[] = [];
  const insertUser = db.prepare(
    `insert into mdm_users (id, organization_id, email, email_normalized, name, tags, language, managed_apple_id, metadata, created_at, updated_at) values (?, ?, ?, ?, null, '[]', 'en', null, '{}', ?, ?)`,
  );
  const insertToken = db.prepare(
    `insert into enrollment_tokens (id, organization_id, platform, enterprise_id, mdm_user_id, display_name, tags, state, policy_id, segment_id, options, send_email, email_text, language, enroll_code, email_status, email_attempts, created_at, updated_at, expire_at) values (?, ?, 'apple', ?, ?, ?, '["t"]', ?, null, null, '{"admPolicyAssignments":[],"profiles":[],"applications":[],"admVppLocationId":null}', 0, '', 'en', ?, 'NONE', 0, ?, ?, ?)`,
  );
  const insertTag = db.prepare(`insert into enrollment_token_tags (token_id, organization_id, tag, platform, state, created_at, expire_at) values (?, ?, ?, 'apple', ?, ?, ?)`);
  db.transaction(() => {
    const created = new Date(now - 1000).toISOString();
    for (let i = 0; i < USERS; i++) {
      const id = newId();
      users.push(id);
      insertUser.run(id, organizationId, `user${i}@list.example.com`, `user${i}@list.example.com`, created, created);
    }
    for (let i = 0; i < size; i++) {
      const id = newId();
      const created = new Date(now - (size - i) * 10).toISOString();
      const state = i % 10 === 0 ? 'DELETED' : i % 10 === 1 ? 'DONE' : 'PENDING';
      // Ten tokens, spread over the whole range, belong to user 0 and carry the tag "rare" at any
      // size; every hundredth carries "common" (so its matches grow with the table).
      const isRare = i % (size / 10) === 0;
      const expireAt = new Date(now + 86_400_000).toISOString();
      insertToken.run(id, organizationId, enterpriseId, users[isRare ? 0 : 1 + (i % (USERS - 1))], `device ${i}`, state, generateEnrollCode(), created, created, expireAt);
      if (isRare) insertTag.run(id, organizationId, 'rare', state, created, expireAt);
      if (i % 100 === 7) insertTag.run(id, organizationId, 'common', state, created, expireAt);
    }
  })();
  db.pragma('optimize');
  db.close();
  return users;
}

const dir = mkdtempSync(path.join(tmpdir(), 'enrolld-bench-list-'));
try {
  const results: Array<{ size: number; filter: string; totalMs: number }> = [];
  for (const size of SIZES) {
    const file = path.join(dir, `list-${size}.sqlite`);
    const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent' });
    const database = openDatabase(config.database);
    await migrateToLatest(database.db);
    const services = createServices(database, config);
    const org = await services.organizations.create({ name: 'List', slug: 'list' });
    const enterprise = await services.enterprises.getOrCreate(org.id, 'apple');
    const key = await services.serviceAccounts.create(org.id, { name: 'b', role: 'admin' }, { kind: 'root' });
    const started = performance.now();
    const users = seed(file, org.id, enterprise.id, size);
    console.log(`seeded ${size} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const app = await buildApp({ config, database });
    const filters: Record<string, string> = {
      'default (newest first)': '',
      'state=PENDING': 'state=PENDING',
      'mdm-user (10 matches)': `mdm-user=${users[0]}`,
      'tags=rare (10 matches)': 'tags=rare',
      'tags=common (1% match)': 'tags=common',
      'sort=displayName:asc': 'sort=displayName:asc',
    };
    for (const [label, query] of Object.entries(filters)) {
      const url = `/v1/organizations/${org.id}/mdm/apple/enterprise/enrollment-tokens?${query}`;
      const headers = { authorization: `Bearer ${key.token}` };
      await app.inject({ url, headers });
      const timings: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const t0 = performance.now();
        const response = await app.inject({ url, headers });
        timings.push(performance.now() - t0);
        if (response.statusCode !== 200) throw new Error(response.body);
      }
      results.push({ size, filter: label, totalMs: median(timings) });
    }
    await app.close();
    await database.close();
  }
  console.log('\nfilter                   ' + SIZES.map((s) => `${s} tokens (ms)`.padStart(20)).join('') + '   ratio');
  for (const label of [...new Set(results.map((r) => r.filter))]) {
    const row = SIZES.map((size) => results.find((r) => r.size === size && r.filter === label)!.totalMs);
    console.log(label.padEnd(25) + row.map((ms) => ms.toFixed(2).padStart(20)).join('') + '   ' + (row.at(-1)! / row[0]!).toFixed(1));
  }
  console.log(`\nmedian of ${REPEAT} requests each, page 1 with limit 25 and the exact totalDocs count (app.inject, SQLite)`);
  if (values.json) {
    // The ceiling of a list at the large size is the same list at the small size: indexes should
    // make page 1 cost the same (target: within 2×, or under 10 ms at both sizes).
    const small = SIZES[0]!;
    const large = SIZES.at(-1)!;
    const figures: Figure[] = [...new Set(results.map((r) => r.filter))].map((label) => {
      const at = (size: number) => results.find((r) => r.size === size && r.filter === label)!.totalMs;
      return { figure: `list page 1, ${label} (ms at ${large} vs ${small})`, enrolld: at(large), ceiling: at(small), target: '≤ 2× or < 10 ms', ok: at(large) <= 2 * at(small) || at(large) < 10, digits: 2 };
    });
    emitJson(figures, 'SQLite (WAL, synchronous=NORMAL)');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
