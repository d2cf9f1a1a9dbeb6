/**
 * A per-process cache of rows that rarely change and are read by many requests (an API key with
 * its organization, an organization's enterprise), kept correct by change notices: an entry is
 * served only while the process is listening and only in the notice generation it was read in,
 * so a change committed anywhere empties the cache as soon as its notice arrives. A read that
 * overlapped a change is not stored (the generation moved while it ran).
 *
 * Entries also expire after `ttlMs`: a bound on staleness should the listening connection die
 * without the process noticing (a network that drops packets instead of closing connections).
 * Absent results are never cached: a key created a moment ago must work at once.
 *
 * Only reads outside a transaction may be cached: a row read inside one may be rolled back.
 * Values are shared by every request that gets them, so callers must not change them.
 */
import type { ChangeNotices } from './change-notices.ts';

export interface RowCacheOptions {
  /** Entries kept; the least recently stored goes first. */
  maxEntries: number;
  ttlMs: number;
}

export interface RowCache<V> {
  /** The cached value for `key`, or `load()`'s (stored when it is not null and nothing changed meanwhile). */
  get(key: string, load: () => Promise<V | null>): Promise<V | null>;
}

/**
 * What the caches use: 10 s bounds staleness when the listening connection is cut silently
 * (keepalive alone takes minutes to notice) and costs one read per key every 10 s under load.
 */
export const ROW_CACHE_DEFAULTS: RowCacheOptions = { maxEntries: 10_000, ttlMs: 10_000 };

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export function createRowCache<V>(notices: ChangeNotices, options: RowCacheOptions): RowCache<V> {
  const entries = new Map<string, Entry<V>>();
  let entriesGeneration = -1;

  return {
    async get(key, load) {
      if (!notices.listening()) return load();
      const generation = notices.generation;
      if (generation !== entriesGeneration) {
        entries.clear();
        entriesGeneration = generation;
      }
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now) return hit.value;
      const value = await load();
      if (value !== null && notices.listening() && notices.generation === generation) {
        entries.delete(key);
        if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, { value, expiresAt: now + options.ttlMs });
      }
      return value;
    },
  };
}
