/**
 * The running server: open the database, migrate, bootstrap an empty database, listen, and shut
 * down gracefully on SIGINT/SIGTERM (in-flight requests finish, then the database closes).
 */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from './app.ts';
import { createServices } from './services.ts';
import { bootstrapIfEmpty } from './bootstrap.ts';
import type { Config } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { logOptions } from './lib/log-options.ts';
import { redactSecrets } from './lib/redact.ts';
import { createProcessWorker } from './worker.ts';
import { servedRegistry } from './modules/metrics/metrics.ts';
import { startMetricsListener } from './modules/metrics/metrics-listener.ts';

/** How long a starting process waits for its database (started alongside it, say by compose). */
const DATABASE_WAIT_MS = 60_000;

/** Wait until the database answers, saying so once; give up (and fail start-up) after DATABASE_WAIT_MS. */
async function waitForDatabase(database: DatabaseHandle, report: (line: string) => void): Promise<void> {
  const deadline = Date.now() + DATABASE_WAIT_MS;
  let reported = false;
  while (!(await database.ping())) {
    if (Date.now() > deadline) throw new Error(`the database did not answer within ${DATABASE_WAIT_MS / 1000} s`);
    if (!reported) report('waiting for the database…');
    reported = true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export interface ServeOptions {
  /** Run the in-process worker (email outbox); `--no-worker` leaves it to `enrolld worker`. */
  worker: boolean;
  /** Where the one-time bootstrap token is printed. */
  print?: (line: string) => void;
}

export async function startServer(config: Config, options: ServeOptions): Promise<FastifyInstance> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Until the app (and its logger) exists, a lost connection is reported on stderr.
  let reportConnectionLoss: (error: Error) => void = (error) => process.stderr.write(`enrolld: database connection lost: ${redactSecrets(error.message)}\n`);
  const database = openDatabase(config.database, (error) => reportConnectionLoss(error));
  await waitForDatabase(database, (line) => process.stderr.write(`enrolld: ${line}\n`));
  await migrateToLatest(database.db);

  // The workers are created after the services they use; the services wake them through these hooks.
  let wakeEmailWorker = () => {};
  let wakeWebhookWorker = () => {};
  let wakeProvisioningWorker = () => {};
  const services = createServices(database, config, {
    onInvitationsQueued: () => wakeEmailWorker(),
    onWebhooksQueued: () => wakeWebhookWorker(),
    onProvisioningQueued: () => wakeProvisioningWorker(),
  });
  const bootstrapped = await bootstrapIfEmpty(services);
  if (bootstrapped) {
    print('');
    print(`enrolld: created organization "${bootstrapped.organization.slug}" (${bootstrapped.organization.id}) and an admin service account.`);
    print(`enrolld: admin token, shown only this once — store it now:`);
    print('');
    print(`    ${bootstrapped.token}`);
    print('');
  }

  const app = await buildApp({ config, database, services });
  reportConnectionLoss = (error) => app.log.warn({ err: error }, 'database connection lost; the next query reconnects');
  if (options.worker) {
    const background = createProcessWorker(config, database, services, app.log);
    wakeEmailWorker = () => background.worker.wake();
    wakeWebhookWorker = () => background.webhooks.wake();
    wakeProvisioningWorker = () => background.provisioning.wake();
    background.start();
    app.addHook('onClose', async () => background.stop());
  }
  app.addHook('onClose', async () => database.close());
  if (config.metrics.port !== null) {
    // One registry for the app and its in-process worker: one scrape sees both.
    const metricsListener = await startMetricsListener(servedRegistry(services.metrics), { host: config.host, port: config.metrics.port, token: config.metrics.token, log: app.log });
    app.addHook('preClose', async () => metricsListener.close());
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  return app;
}

/**
 * `enrolld worker`: the background work alone (email outbox, webhook deliveries, expiry sweep),
 * for as many processes as wanted.
 * SIGINT/SIGTERM stop it gracefully: in-flight messages finish, unstarted claims are released.
 */
export async function startWorker(config: Config): Promise<void> {
  const log = pino({ ...logOptions(config.logLevel), name: 'enrolld-worker' });
  const database = openDatabase(config.database, (error) => log.warn({ err: error }, 'database connection lost; the next query reconnects'));
  await waitForDatabase(database, (line) => log.warn(line));
  await migrateToLatest(database.db);
  const services = createServices(database, config);
  const emailWorker = createProcessWorker(config, database, services, log);
  // The worker's own metrics (deliveries, send time, lag, outbox), on ENROLLD_METRICS_PORT.
  const metricsListener =
    config.metrics.port === null ? null : await startMetricsListener(servedRegistry(services.metrics), { host: config.host, port: config.metrics.port, token: config.metrics.token, log });
  emailWorker.start();
  log.info(`email worker ${emailWorker.worker.owner}, webhook worker ${emailWorker.webhooks.owner} and android provisioning worker ${emailWorker.provisioning.owner} started`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`workers stopping (${signal})`);
    emailWorker
      .stop()
      .then(() => metricsListener?.close())
      .then(() => database.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
