/**
 * How a process learns that rows it keeps in memory changed — in this process, on another API
 * node, in a worker, through the CLI or by hand.
 *
 * PostgreSQL: triggers on the cached tables (migration 0009) send `NOTIFY enrolld_changes` when a
 * change commits, whoever made it; each process LISTENs on one connection of its own, opened by
 * the first cache lookup (a CLI command never opens it). The channel is the whole database's, so
 * a notice names its schema (`<schema>.<table>`, migration 0011) and a process ignores those of
 * another schema — another enrolld deployment sharing the database. Every notice, every change this process
 * reports itself, and every loss or regain of that connection advances `generation`; a cache
 * serves an entry only in the generation it was read in. While the connection is down nothing is
 * served from memory at all: a notice sent then is lost, and with it a revocation.
 *
 * SQLite: never listening, so nothing is cached. A lookup there costs a few microseconds inside
 * the process, less than keeping a cache safe against other processes' writes would.
 */
import type pg from 'pg';

export const CHANGE_CHANNEL = 'enrolld_changes';

export interface ChangeNotices {
  /**
   * True while every committed change is sure to be heard, so cached rows may be served. The
   * first call starts listening (answering false until the connection is up).
   */
  listening(): boolean;
  /** Advances whenever something cached may have changed. */
  readonly generation: number;
  /**
   * This process committed a change to a cached table. Its own notice arrives a moment later;
   * this makes the change count at once, so a request right after a revocation is refused.
   */
  changed(): void;
  close(): Promise<void>;
}

/** SQLite, or a process that caches nothing: never listening. */
export function noChangeNotices(): ChangeNotices {
  return { listening: () => false, generation: 0, changed: () => undefined, close: async () => undefined };
}

/** Waits between reconnection attempts: doubling from the first to the last. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_LAST_MS = 5000;

/**
 * Whether a notice came from another schema than `ownSchema`. A payload without a schema (a
 * database not yet migrated) or a schema not known counts as this process's own: dropping a cache
 * once too often costs a read, missing a change would serve a revoked key.
 */
export function isForeign(payload: string | undefined, ownSchema: string | null): boolean {
  if (!payload || ownSchema === null) return false;
  const dot = payload.lastIndexOf('.');
  return dot > 0 && payload.slice(0, dot) !== ownSchema;
}

/**
 * Listen on PostgreSQL. `connect` opens a new client (not from the pool: a pooled connection
 * would be handed to queries); `schemaOfTables` names the schema the process's own queries use
 * (asked of the pool, not of the listening connection, whose URL may differ); `onError` hears
 * connection failures, which are never fatal.
 */
export function listenForChanges(
  connect: () => pg.Client,
  schemaOfTables: () => Promise<string | null>,
  onError: (error: Error) => void,
): ChangeNotices {
  let generation = 0;
  let client: pg.Client | null = null;
  let started = false;
  let closed = false;
  let connected = false;
  let retryDelay = RECONNECT_FIRST_MS;
  let retryTimer: NodeJS.Timeout | undefined;

  function lost(lostClient: pg.Client, error?: Error): void {
    if (client !== lostClient) return; // already handled (an 'error' is followed by 'end')
    client = null;
    connected = false;
    generation++;
    if (error && !closed) onError(error);
    lostClient.end().catch(() => undefined);
    if (closed) return;
    retryTimer = setTimeout(open, retryDelay).unref();
    retryDelay = Math.min(retryDelay * 2, RECONNECT_LAST_MS);
  }

  function open(): void {
    const candidate = connect();
    client = candidate;
    let ownSchema: string | null = null;
    candidate.on('notification', (notice) => {
      if (isForeign(notice.payload, ownSchema)) return;
      generation++;
    });
    candidate.on('error', (error) => lost(candidate, error));
    candidate.on('end', () => lost(candidate));
    candidate
      .connect()
      .then(() => schemaOfTables())
      .then((schema) => {
        ownSchema = schema;
        return candidate.query(`listen ${CHANGE_CHANNEL}`);
      })
      .then(() => {
        if (client !== candidate) return;
        // Whatever changed while no one listened is unknown: start from an empty cache.
        generation++;
        connected = true;
        retryDelay = RECONNECT_FIRST_MS;
      })
      .catch((error: Error) => lost(candidate, error));
  }

  return {
    listening() {
      if (!started && !closed) {
        started = true;
        open();
      }
      return connected;
    },
    get generation() {
      return generation;
    },
    changed() {
      generation++;
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      connected = false;
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}
