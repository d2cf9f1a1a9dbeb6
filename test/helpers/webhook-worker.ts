/** A webhook worker of a test's database, delivering over real HTTP, with test-sized waits. */
import { createWebhookWorker, type WebhookWorkerOptions } from '../../src/modules/webhooks/webhook-worker.ts';
import type { TestContext } from './app.ts';

export function createTestWebhookWorker(ctx: TestContext, options: Partial<WebhookWorkerOptions> = {}) {
  const warnings: string[] = [];
  const worker = createWebhookWorker(
    {
      db: ctx.database.db,
      // The connection `enrolld serve` gives its webhook worker: on SQLite, the jobs thread's.
      jobs: ctx.database.jobs,
      dialect: ctx.database.dialect,
      secrets: ctx.services.secrets,
      log: { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
      // Counted where the app's /metrics shows them, like the in-process worker of `enrolld serve`.
      metrics: ctx.services.metrics.webhooks,
    },
    { concurrency: 4, allowPrivate: true, retryScheduleMs: [0, 0, 0, 0, 0, 0, 0], ...options },
  );
  /** Drain until nothing is due, retries with no wait included (one drain stops at the rows it claimed). */
  async function deliverAll(): Promise<number> {
    let total = 0;
    for (let handled = await worker.drain(); handled > 0; handled = await worker.drain()) total += handled;
    return total;
  }
  return { worker, warnings, deliverAll };
}
