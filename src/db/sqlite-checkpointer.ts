/**
 * SQLite checkpoints off the event loop.
 *
 * In WAL mode a commit appends the changed pages to the -wal file; from time to time a checkpoint
 * copies them back into the database file and fsyncs it. By default the connection whose commit
 * crosses `wal_autocheckpoint` pages runs that checkpoint inside its commit — on the event loop,
 * where it stalls every request in flight (measured under bench:http's create load: commits at
 * p50 13 µs but 87 µs on average, the slowest 66 ms, the difference all checkpoints).
 *
 * Here a worker thread with its own connection checkpoints (PASSIVE: never waits for readers or
 * writers, never blocks them) every CHECKPOINT_INTERVAL_MS, so the fsync happens on another
 * thread. The request connection keeps an automatic checkpoint only as a backstop, at
 * BACKSTOP_PAGES, should the worker fall behind or die: the -wal file stays bounded either way.
 * A checkpoint with nothing to copy costs a few microseconds.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { stopWorker } from './stop-worker.ts';

/** How often the worker checkpoints. */
const CHECKPOINT_INTERVAL_MS = 200;
/** The request connection's own automatic checkpoint (pages of 4 KiB: 40 MB of WAL). */
export const BACKSTOP_PAGES = 10_000;

// The worker is plain CommonJS evaluated from this string, so it needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const connection = new SQLite(workerData.file);
connection.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    connection.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy (another process checkpoints) or the file is going away: the next tick tries again.
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  connection.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  close(): Promise<void>;
}

/** Start checkpointing `file` (a WAL-mode SQLite database) from a worker thread. */
export function startCheckpointer(file: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS } });
  worker.unref(); // never what keeps a process alive
  // A worker that fails leaves the backstop checkpoint in charge; nothing else depends on it.
  worker.on('error', () => undefined);
  return {
    close: () => stopWorker(worker),
  };
}
