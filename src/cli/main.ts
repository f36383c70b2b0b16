import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { type Role, roles } from '../features/accounts/index.js';
import { DomainError } from '../platform/errors.js';
import { MigrationsPending } from '../platform/platform.js';
import { type ProcessRole, processRoles } from '../server/application.js';
import { adminCreateCommand } from './admin.command.js';
import { doctorCommand } from './doctor.command.js';
import { migrateCommand } from './migrate.command.js';
import { startCommand } from './start.command.js';
import { tokenCreateCommand } from './token.command.js';

function parseRoles(value: string): ProcessRole[] {
  const requested = value
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  const unknown = requested.filter((role) => !(processRoles as readonly string[]).includes(role));
  if (unknown.length > 0 || requested.length === 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of ${processRoles.join(', ')}`);
  }
  return requested as ProcessRole[];
}

function parsePositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

/** `environment` defaults to the process environment (read by loadConfig alone). */
export function buildProgram(environment?: Record<string, string | undefined>): Command {
  const program = new Command('aurora')
    .description(
      'Aurora: alerts in, root cause out. Configuration comes from environment variables (see .env.example).',
    )
    .showHelpAfterError()
    .configureOutput({ outputError: (message, write) => write(message) });
  const config = () => loadConfig(environment);

  program
    .command('start')
    .description('Run Aurora: the API, workers and scheduler in one process by default')
    .option('--role <roles>', `comma-separated roles to run (${processRoles.join(', ')})`, parseRoles, [
      ...processRoles,
    ])
    .action(async (options: { role: ProcessRole[] }) => startCommand(config(), options.role));

  program
    .command('migrate')
    .description('Apply pending database migrations (needed once per upgrade in scaled mode)')
    .action(async () => migrateCommand(config()));

  program
    .command('doctor')
    .description('Show which adapter each port uses and whether it answers')
    .action(async () => {
      process.exitCode = await doctorCommand(config());
    });

  program
    .command('admin')
    .description('Manage administrators')
    .command('create')
    .description('Create an organization and its admin user')
    .requiredOption('--email <email>', "the admin's e-mail")
    .requiredOption('--org <name>', 'the organization name')
    .option('--password <password>', 'the password (at least 12 characters); omit to generate one')
    .option('--name <name>', "the admin's display name")
    .action(async (options: { email: string; org: string; password?: string; name?: string }) =>
      adminCreateCommand(config(), options),
    );

  program
    .command('token')
    .description('Manage API tokens')
    .command('create')
    .description('Create an API token for a user and print it (and only it) on stdout')
    .requiredOption('--email <email>', "the token owner's e-mail")
    .requiredOption('--name <name>', 'what the token is for')
    .addOption(new Option('--role <role>', "the token's role (at most the user's)").choices(roles))
    .option('--org <name>', 'the organization, when the user belongs to several')
    .option('--expires-in-days <days>', 'expire the token after this many days', parsePositiveInteger)
    .action(async (options: { email: string; name: string; role?: Role; org?: string; expiresInDays?: number }) =>
      tokenCreateCommand(config(), options),
    );

  return program;
}

/** Entry point for bin/aurora.js. Expected failures print one clear line; only bugs print a stack. */
export async function run(argv: string[], environment?: Record<string, string | undefined>): Promise<void> {
  try {
    await buildProgram(environment).parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DomainError || error instanceof MigrationsPending) {
      process.stderr.write(`aurora: ${error.message}\n`);
    } else {
      process.stderr.write(`aurora: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    }
    process.exitCode = 1;
  }
}
