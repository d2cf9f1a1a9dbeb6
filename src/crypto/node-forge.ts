/**
 * node-forge, loaded the first time a certificate is generated or read for signing, or a profile
 * is signed: most processes never do either, and loading it took every start-up about 30 ms
 * (42 modules, 865 KB of source). Required synchronously (node-forge is CommonJS), so the
 * functions that use it stay synchronous.
 */
import { createRequire } from 'node:module';
import type Forge from 'node-forge';

let forge: typeof Forge | undefined;

export function nodeForge(): typeof Forge {
  return (forge ??= createRequire(import.meta.url)('node-forge') as typeof Forge);
}
