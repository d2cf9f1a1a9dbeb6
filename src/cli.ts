/**
 * The `enrolld` command. Admin commands work offline on the configured database and print JSON
 * on stdout; failures print one line on stderr and exit non-zero.
 */
import { Command, Option } from 'commander';
import { createServices } from './services.ts';
import { CONFIG_VARIABLES, type Config, ConfigError, type ConfigSource, loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { AppError } from './errors.ts';
import { assertValid } from './http/validation.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE } from './lib/pagination.ts';
import { redactSecrets } from './lib/redact.ts';
import { CreateOrganizationBody } from './modules/organizations/organizations.schemas.ts';
import type { CreateOrganizationInput } from './modules/organizations/organizations.service.ts';
import { CreateServiceAccountBody } from './modules/service-accounts/service-accounts.schemas.ts';
import type { CreateServiceAccountInput } from './modules/service-accounts/service-accounts.service.ts';
import { startServer, startWorker } from './server.ts';
import { TOKEN_STATES } from './modules/enrollment-tokens/enrollment-tokens.types.ts';
import { PLATFORMS } from './platforms/platform-names.ts';
import { LANGUAGES } from './lib/languages.ts';
import type { ImportCommandOptions } from './remote/import-command.ts';

/** `--database-url` → `databaseUrl`, the attribute commander stores the flag under. */
const attributeOf = (flag: string) => flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function configFrom(program: Command): Config {
  const flags = program.opts<Record<string, string | undefined>>();
  const source: ConfigSource = { ...process.env };
  for (const [variable, flag] of Object.entries(CONFIG_VARIABLES)) {
    const value = flags[attributeOf(flag)];
    if (value !== undefined) source[variable] = value;
  }
  return loadConfig(source);
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Open the configured database (migrated), run `work` with the services, close. */
async function withServices<T>(program: Command, work: (services: ReturnType<typeof createServices>) => Promise<T>): Promise<T> {
  const config = configFrom(program);
  const database = openDatabase(config.database);
  try {
    await migrateToLatest(database.db);
    return await work(createServices(database, config));
  } finally {
    await database.close();
  }
}

function listPage(options: { page: string; limit: string }) {
  const page = Number(options.page);
  const limit = Number(options.limit);
  if (!Number.isInteger(page) || page < 1 || page > MAX_PAGE) throw new AppError(3000, `Validation Error: "--page" must be an integer from 1 to ${MAX_PAGE}`);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new AppError(3000, `Validation Error: "--limit" must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return { page, limit, sortField: 'createdAt', sortDirection: 'desc' as const };
}

export function buildCli(): Command {
  const program = new Command('enrolld')
    .description('Self-hostable MDM enrollment-token service (Applivery-compatible API)')
    .showHelpAfterError()
    .exitOverride((error) => {
      throw error;
    });
  for (const [variable, flag] of Object.entries(CONFIG_VARIABLES)) {
    program.addOption(new Option(`${flag} <value>`, `overrides ${variable}`));
  }

  program
    .command('serve')
    .description('run the API server (and the in-process worker)')
    .option('--no-worker', 'API only: leave background work to `enrolld worker` processes')
    .action(async (options: { worker: boolean }) => {
      await startServer(configFrom(program), { worker: options.worker });
    });

  program
    .command('worker')
    .description('run background work only: deliver queued email invitations')
    .action(async () => {
      await startWorker(configFrom(program));
    });

  program
    .command('migrate')
    .description('apply database migrations and exit')
    .action(async () => {
      const database = openDatabase(configFrom(program).database);
      try {
        printJson(await migrateToLatest(database.db));
      } finally {
        await database.close();
      }
    });

  const org = program.command('org').description('manage organizations');
  org
    .command('create')
    .requiredOption('--slug <slug>', 'URL-safe name (3–64 of a-z, 0-9, -)')
    .requiredOption('--name <name>', 'display name')
    .option('--features <list>', 'comma-separated platforms (apple,windows,android)')
    .option('--bulk-max-emails <n>', 'most addresses per bulk request')
    .option('--email-domains <list>', 'comma-separated recipient domains invitations may go to (example.com, *.example.com); default any')
    .option('--default-language <lang>', 'the language of users created without one, and of their tokens (en, es, fr, de, it, pt); default en')
    .action(async (options: { slug: string; name: string; features?: string; bulkMaxEmails?: string; emailDomains?: string; defaultLanguage?: string }) => {
      const input = assertValid<CreateOrganizationInput>(CreateOrganizationBody, {
        slug: options.slug,
        name: options.name,
        ...(options.defaultLanguage !== undefined ? { defaultLanguage: options.defaultLanguage } : {}),
        ...(options.emailDomains !== undefined ? { emailDomains: options.emailDomains.split(',').map((d) => d.trim()) } : {}),
        ...(options.features || options.bulkMaxEmails
          ? {
              plan: {
                ...(options.features ? { features: options.features.split(',').map((f) => f.trim()) } : {}),
                ...(options.bulkMaxEmails ? { limits: { bulkMaxEmails: Number(options.bulkMaxEmails) } } : {}),
              },
            }
          : {}),
      });
      printJson(await withServices(program, (s) => s.organizations.create(input)));
    });
  org
    .command('list')
    .option('--page <n>', 'page number', '1')
    .option('--limit <n>', 'items per page', String(DEFAULT_PAGE_SIZE))
    .option('--search <text>', 'substring of the name or slug')
    .action(async (options: { page: string; limit: string; search?: string }) => {
      printJson(await withServices(program, (s) => s.organizations.list(options.search, listPage(options))));
    });

  const key = program.command('key').description('manage service-account keys');
  key
    .command('create')
    .requiredOption('--org <idOrSlug>', 'the organization')
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--role <role>', 'admin, developer or viewer')
    .option('--permissions <list>', 'comma-separated permissions instead of a role')
    .action(async (options: { org: string; name: string; role?: string; permissions?: string }) => {
      const input = assertValid<CreateServiceAccountInput>(CreateServiceAccountBody, {
        name: options.name,
        ...(options.role !== undefined ? { role: options.role } : {}),
        ...(options.permissions !== undefined ? { permissions: options.permissions.split(',').map((p) => p.trim()) } : {}),
      });
      printJson(
        await withServices(program, async (s) => s.serviceAccounts.create((await s.organizations.get(options.org)).id, input, { kind: 'root' })),
      );
    });
  key
    .command('list')
    .requiredOption('--org <idOrSlug>', 'the organization')
    .option('--page <n>', 'page number', '1')
    .option('--limit <n>', 'items per page', String(DEFAULT_PAGE_SIZE))
    .action(async (options: { org: string; page: string; limit: string }) => {
      printJson(await withServices(program, async (s) => s.serviceAccounts.list((await s.organizations.get(options.org)).id, listPage(options))));
    });
  key
    .command('revoke')
    .description('revoke a key at once: any key, the last admin key too (the command acts as the root key)')
    .requiredOption('--org <idOrSlug>', 'the organization')
    .argument('<id>', 'the service account id')
    .action(async (id: string, options: { org: string }) => {
      printJson(await withServices(program, async (s) => s.serviceAccounts.revoke((await s.organizations.get(options.org)).id, id, { kind: 'root' })));
    });

  // Commands against a running server, through its API (src/remote), with any key that may do it.
  const tokens = program.command('tokens').description('enrollment tokens of a running enrolld, through its API');
  tokens
    .command('export')
    .description('every token of a platform as CSV on stdout, oldest first')
    .addOption(new Option('--platform <platform>', 'apple, windows or android').choices([...PLATFORMS]).makeOptionMandatory())
    .addOption(new Option('--state <state>', 'only tokens in this state').choices([...TOKEN_STATES]))
    .addOption(new Option('--url <url>', 'the server, e.g. https://enrolld.example.com').env('ENROLLD_URL').makeOptionMandatory())
    .addOption(new Option('--token <key>', 'an API key that may list the platform\'s tokens').env('ENROLLD_TOKEN').makeOptionMandatory())
    .requiredOption('--org <idOrSlug>', 'the organization (id or slug)')
    .action(async (options: { platform: string; state?: string; url: string; token: string; org: string }) => {
      // Loaded here: the server's start never needs the CSV writer.
      const { exportTokens } = await import('./remote/tokens-export.ts');
      const written = await exportTokens({ url: options.url, token: options.token, organization: options.org }, options, process.stdout);
      process.stderr.write(`enrolld: exported ${written} tokens\n`);
    });
  tokens
    .command('import')
    .description('a token for each row of a CSV (header: email, and any of name, language, tags, displayName), in bulk requests that resume without duplicates')
    .argument('<file>', 'the CSV file')
    .addOption(new Option('--platform <platform>', 'apple, windows or android').choices([...PLATFORMS]).makeOptionMandatory())
    .addOption(new Option('--url <url>', 'the server, e.g. https://enrolld.example.com').env('ENROLLD_URL').makeOptionMandatory())
    .addOption(new Option('--token <key>', 'an API key that may create the platform\'s tokens (and users, for rows with a name)').env('ENROLLD_TOKEN').makeOptionMandatory())
    .requiredOption('--org <idOrSlug>', 'the organization (id or slug)')
    .option('--send-email', 'email each user an invitation', false)
    .option('--tag <tag>', 'a tag for every token (repeat for more), added to the row\'s own', (tag: string, tags: string[]) => [...tags, tag], [] as string[])
    .addOption(new Option('--language <lang>', 'the language of rows without one (default: each user\'s)').choices([...LANGUAGES]))
    .option('--duration <seconds>', 'seconds each token is valid (default 86400)')
    .option('--options <json>', 'the platform\'s other token fields as a JSON object, e.g. \'{"managementMode":"PROFILE_OWNER"}\'')
    .option('--report <file>', 'write the per-row report here (default: stdout)')
    .option('--resume <report>', 'continue the import this report was written for, appending to it')
    .option('--chunk-size <n>', 'rows per bulk request, at most the organization\'s bulkMaxEmails', '1000')
    .option('--give-up-after <seconds>', 'how long one request is tried again while the server is unreachable or failing', '300')
    .action(async (file: string, options: ImportCommandOptions) => {
      const { runImport } = await import('./remote/import-command.ts');
      process.exitCode = await runImport(file, options);
    });

  return program;
}

/**
 * One line a person can act on, for any error the CLI meets. Start-up errors come from drivers
 * (pg, ioredis, nodemailer) whose messages may quote a connection URL: its password is hidden.
 */
export function describeCliError(error: unknown): string {
  if (error instanceof ConfigError) return `enrolld: invalid configuration: ${redactSecrets(error.message)}`;
  if (error instanceof AppError) {
    const detail = error.data?.entity ? ` (${String(error.data.entity)})` : '';
    return `enrolld: ${redactSecrets(error.message)}${detail}`;
  }
  return `enrolld: ${redactSecrets(error instanceof Error ? error.message : String(error))}`;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      process.exitCode = 2; // commander already printed the usage problem
      return;
    }
    process.stderr.write(`${describeCliError(error)}\n`);
    process.exitCode = 1;
  }
}
