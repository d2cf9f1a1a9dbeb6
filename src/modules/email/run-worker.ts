/**
 * Builds the email worker for a process from its configuration: the transport (SMTP or dev
 * mailbox), the services that compose mail, and the lease and retry settings.
 */
import type { Services } from '../../app.ts';
import type { Config } from '../../config.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { createEmailWorker, type WorkerLog } from './email-worker.ts';
import { createMailTransport } from './transport.ts';

export function createProcessWorker(config: Config, database: DatabaseHandle, services: Pick<Services, 'email'>, log: WorkerLog) {
  const transport = createMailTransport(config, (line) => log.info(line));
  const worker = createEmailWorker(
    { db: database.db, dialect: database.dialect, transport, composeMails: (rows) => services.email.composeMails(rows), log },
    {
      maxAttempts: config.email.maxAttempts,
      retryBaseMs: config.email.retryBaseSeconds * 1000,
      leaseMs: config.email.leaseSeconds * 1000,
    },
  );
  return {
    worker,
    async stop() {
      await worker.stop();
      transport.close();
    },
  };
}
