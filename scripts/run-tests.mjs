#!/usr/bin/env node
// Runs every test/**/*.test.ts file with node's built-in test runner through tsx.
// (Node 20's --test does not expand globs itself.) Extra arguments are passed to node, e.g.
// `npm test -- --test-name-pattern=bulk`; a path argument ending in .test.ts narrows the files.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const named = args.filter((a) => a.endsWith('.test.ts'));
const passThrough = args.filter((a) => !a.endsWith('.test.ts'));
const files = named.length > 0
  ? named
  : readdirSync('test', { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
      .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
      .sort();

const result = spawnSync(
  process.execPath,
  // A test that hangs fails after two minutes instead of holding CI until its time runs out.
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...passThrough, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
