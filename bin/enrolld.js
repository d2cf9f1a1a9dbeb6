#!/usr/bin/env node
// The `enrolld` command. Node 22.18+ and 24 run the TypeScript sources as they are (type
// stripping: every source file uses only erasable syntax, which `npm run typecheck` enforces),
// so nothing is compiled at run time and no build step comes between `npm ci` and `npm start`.
// An older Node (20, for development only) has no type stripping: then tsx, a dev dependency,
// registers its loader first.
if (!process.features.typescript) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { runCli } = await import('../src/cli.ts');
await runCli(process.argv);
