#!/usr/bin/env node
// The `enrolld` command. The sources are TypeScript run through tsx's loader, so a fresh
// `npm ci` needs no build step before `npm start` or `npx enrolld`.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
await runCli(process.argv);
