// Loads the benchmarks the way `enrolld` loads its sources (bin/enrolld.js): Node 24 and 22.19+
// run TypeScript themselves (type stripping), so the code measured is the code production runs;
// a Node without type stripping registers tsx, a development dependency, first. (tsx on a Node
// that strips types would still compile every source through esbuild, wrapping each function it
// names — a per-call cost production does not pay.)
if (!process.features.typescript) {
  const { register } = await import('tsx/esm/api');
  register();
}
