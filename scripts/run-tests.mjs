#!/usr/bin/env node
// Runs every test/**/*.test.ts file with node's built-in test runner (TypeScript run natively, or
// through tsx on a Node without type stripping): once on SQLite,
// and once more on PostgreSQL when TEST_DATABASE_URL is set (ENROLLD_TEST_DIALECT=postgres makes
// each test context use its own schema there; see test/helpers/database.ts).
// (Node 20's --test does not expand globs itself.) Extra arguments are passed to node, e.g.
// `npm test -- --test-name-pattern=bulk`; a path argument ending in .test.ts narrows the files.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

// `--reliability` runs the reliability suite (reliability/) instead of the tests (test/).
const args = process.argv.slice(2);
const suite = args.includes('--reliability') ? 'reliability' : 'test';
const named = args.filter((a) => a.endsWith('.test.ts'));
const passThrough = args.filter((a) => !a.endsWith('.test.ts') && a !== '--reliability');
const files = named.length > 0
  ? named
  : readdirSync(suite, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
      .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
      .sort();

// Node 22.18+ and 24 strip the types themselves; Node 20 (development only) needs tsx's loader.
const TYPESCRIPT_LOADER = process.features.typescript ? [] : ['--import', 'tsx'];

// The reliability suite runs one file at a time: its soak measures the server's throughput and
// memory, which the fuzzer running beside it on a two-core machine disturbed (120 of 150 req/s).
const CONCURRENCY = suite === 'reliability' ? 1 : 2;

const dialects = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
let failed = false;
for (const dialect of dialects) {
  console.log(`# database: ${dialect}`);
  const result = spawnSync(
    process.execPath,
    // A test that hangs fails after six minutes instead of holding CI until its time runs out.
    // Node 22 applies this timeout to each file as a whole, not only to each test: the browser
    // console file takes about three minutes on a slow two-core host (each of its two full flows
    // ~50 s), and failed at the two minutes this used to be.
    [...TYPESCRIPT_LOADER, '--test', `--test-concurrency=${CONCURRENCY}`, '--test-timeout=360000', ...passThrough, ...files],
    { stdio: 'inherit', env: { ...process.env, ENROLLD_TEST_DIALECT: dialect } },
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
