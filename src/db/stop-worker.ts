/**
 * Stop one of SQLite's worker threads (the checkpointer, the jobs connection): ask it to close its
 * connection (the message 'close'), give it `graceMs` to exit, then terminate it. The worker is
 * referenced again meanwhile, so an awaited stop keeps the process alive until the thread is gone
 * (otherwise a process with nothing else left ends mid-await).
 */
import type { Worker } from 'node:worker_threads';

export async function stopWorker(worker: Worker, graceMs = 1000): Promise<void> {
  worker.ref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage('close');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  await worker.terminate();
}
