/**
 * The running server: open the database, migrate, bootstrap an empty database, listen, and shut
 * down gracefully on SIGINT/SIGTERM (in-flight requests finish, then the database closes).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, createServices } from './app.ts';
import { bootstrapIfEmpty } from './bootstrap.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';

export interface ServeOptions {
  /** Run the in-process worker (email outbox, sweeper) — arrives with the email issue. */
  worker: boolean;
  /** Where the one-time bootstrap token is printed. */
  print?: (line: string) => void;
}

export async function startServer(config: Config, options: ServeOptions): Promise<FastifyInstance> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);

  const bootstrapped = await bootstrapIfEmpty(createServices(database, config));
  if (bootstrapped) {
    print('');
    print(`enrolld: created organization "${bootstrapped.organization.slug}" (${bootstrapped.organization.id}) and an admin service account.`);
    print(`enrolld: admin token, shown only this once — store it now:`);
    print('');
    print(`    ${bootstrapped.token}`);
    print('');
  }

  const app = await buildApp({ config, database });
  app.addHook('onClose', async () => database.close());

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
