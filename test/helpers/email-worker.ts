/** An email worker of a test's database sending to a test SMTP sink over the real SMTP transport. */
import { createServices } from '../../src/services.ts';
import { createEmailWorker, type EmailWorkerOptions } from '../../src/modules/email/email-worker.ts';
import { createSmtpTransport } from '../../src/modules/email/transport.ts';
import type { TestContext } from './app.ts';

export function createTestWorker(ctx: TestContext, smtpUrl: string, options: Partial<EmailWorkerOptions> = {}) {
  const transport = createSmtpTransport(smtpUrl, { timeoutMs: 5000 });
  const services = createServices(ctx.database, ctx.config);
  /** What the worker logged as warnings or errors. */
  const warnings: string[] = [];
  const worker = createEmailWorker(
    {
      db: ctx.database.db,
      dialect: ctx.database.dialect,
      transport,
      email: services.email,
      log: { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
      // Counted where the app's /metrics shows them, like the in-process worker of `enrolld serve`.
      metrics: ctx.services.metrics.email,
      webhooks: services.webhookOutbox,
    },
    { maxAttempts: 3, retryBaseMs: 0, leaseMs: 30_000, orgRateLimit: ctx.config.email.orgRateLimit, ...options },
  );
  return { worker, transport, warnings };
}
