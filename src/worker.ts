/**
 * A process's background work, built from its configuration: the email worker (transport, lease
 * and retry settings), the webhook worker, the Android provisioning worker (Google's tokens for
 * organizations in AMAPI mode) and the expiry sweeper. `enrolld worker` runs only
 * this; `enrolld serve` runs it beside the API unless told not to.
 */
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { createEmailWorker, type WorkerLog } from './modules/email/email-worker.ts';
import { createMailTransport } from './modules/email/transport.ts';
import { startExpirySweeper } from './modules/enrollment-tokens/expiry-sweeper.ts';
import { createWebhookWorker } from './modules/webhooks/webhook-worker.ts';
import { createProvisioningWorker } from './modules/android-management/provisioning-worker.ts';
import type { Services } from './services.ts';

/** How often expired PENDING tokens are marked EXPIRED. */
const SWEEP_INTERVAL_MS = 60_000;

export function createProcessWorker(config: Config, database: DatabaseHandle, services: Pick<Services, 'email' | 'metrics' | 'enrollmentTokens' | 'secrets' | 'webhookOutbox' | 'mdmIntegrations' | 'catalog' | 'google'>, log: WorkerLog) {
  const transport = createMailTransport(config, (line) => log.info(line));
  const worker = createEmailWorker(
    { db: database.db, dialect: database.dialect, transport, email: services.email, log, metrics: services.metrics.email, webhooks: services.webhookOutbox },
    {
      maxAttempts: config.email.maxAttempts,
      retryBaseMs: config.email.retryBaseSeconds * 1000,
      leaseMs: config.email.leaseSeconds * 1000,
      orgRateLimit: config.email.orgRateLimit,
    },
  );
  const webhooks = createWebhookWorker(
    { db: database.db, jobs: database.jobs, dialect: database.dialect, secrets: services.secrets, log, metrics: services.metrics.webhooks },
    { concurrency: config.webhooks.concurrency, allowPrivate: config.webhooks.allowPrivate, leaseMs: config.webhooks.leaseSeconds * 1000 },
  );
  const provisioning = createProvisioningWorker(
    { db: database.db, dialect: database.dialect, integrations: services.mdmIntegrations, tokens: services.enrollmentTokens, catalog: services.catalog, google: services.google, log },
    { concurrency: config.amapi.concurrency, leaseMs: config.amapi.leaseSeconds * 1000 },
  );
  const sweeper = startExpirySweeper(() => services.enrollmentTokens.expireDue(), SWEEP_INTERVAL_MS, (error) => log.error(`expiry sweeper: ${String(error)}`));
  return {
    worker,
    webhooks,
    provisioning,
    start(): void {
      worker.start();
      webhooks.start();
      provisioning.start();
    },
    async stop() {
      await sweeper.stop();
      await Promise.all([worker.stop(), webhooks.stop(), provisioning.stop()]);
      transport.close();
    },
  };
}
