import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { type Role, roles } from '../features/accounts/index.js';
import { DomainError } from '../platform/errors.js';
import { MigrationsPending } from '../platform/platform.js';
import { type ProcessRole, processRoles } from '../server/application.js';
import { adminCreateCommand } from './admin.command.js';
import { demoCommand } from './demo.command.js';
import { doctorCommand } from './doctor.command.js';
import { evalCommand } from './eval.command.js';
import { investigateCommand } from './investigate.command.js';
import { type KbAddOptions, type KbSearchOptions, kbAddCommand, kbSearchCommand } from './kb.command.js';
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
    .command('eval')
    .description('Investigate every recorded scenario in a directory and score the root causes found')
    .requiredOption('--scenarios <dir>', 'a directory of scenario directories (see eval/README.md)')
    .option('--json', 'print {scenarios, summary} as JSON')
    .option('--with-baseline', 'also run the naive baseline and add a "comparison" section')
    .action(async (options: { scenarios: string; json?: boolean; withBaseline?: boolean }) => {
      process.exitCode = await evalCommand(options);
    });

  program
    .command('investigate')
    .description(
      'Investigate a recorded scenario (--scenario) or a stored incident (--incident, --org) and print the report',
    )
    .option('--scenario <dir>', 'a scenario directory holding scenario.yaml (no database needed)')
    .option('--incident <id>', 'a stored incident, investigated in this process through the durable pipeline')
    .option('--org <name>', 'the organization the incident belongs to (with --incident)')
    .option('--json', 'print the investigation as JSON')
    .action(async (options: { scenario?: string; incident?: string; org?: string; json?: boolean }) => {
      process.exitCode = await investigateCommand(config, options);
    });

  program
    .command('demo')
    .description(
      'Load a built-in scenario into an org and investigate it: a full incident and report with no connectors and no LLM',
    )
    .option('--org <name>', 'an existing organization (default: create "demo" with the user demo@example.com)')
    .option('--scenario <name>', 'a built-in scenario from eval/scenarios', 'deploy-checkout-bad-release')
    .option('--json', 'print the result as JSON')
    .action(async (options: { org?: string; scenario?: string; json?: boolean }) => {
      process.exitCode = await demoCommand(config(), options);
    });

  const kb = program
    .command('kb')
    .description('Knowledge base: upload documents and search them on a running server (AURORA_URL, AURORA_TOKEN)');
  const client = (options: { url?: string; token?: string }) => {
    const configured = config().client;
    return { url: (options.url ?? configured.url).replace(/\/+$/, ''), token: options.token ?? configured.token };
  };
  kb.command('add')
    .description('Upload files (PDF, DOCX, Markdown, HTML, text) with a progress bar; --wait until they are indexed')
    .argument('<files...>', 'files to upload')
    .addOption(new Option('--kind <kind>', 'document kind').choices(['runbook', 'postmortem', 'doc']))
    .option('--title <title>', 'title (one file only; default: from the file name)')
    .option('--tags <tags>', 'comma-separated tags')
    .option('--wait', 'wait until each file is indexed (or failed)')
    .option('--url <url>', 'Aurora server URL (default AURORA_URL, or http://localhost:$AURORA_PORT)')
    .option('--token <token>', 'API token (default AURORA_TOKEN)')
    .action(async (files: string[], options: KbAddOptions) => {
      process.exitCode = await kbAddCommand(client(options), files, options);
    });
  kb.command('search')
    .description('Search the knowledge base and print the top results with scores')
    .argument('<query>', 'what to look for')
    .option('--limit <n>', 'how many results', parsePositiveInteger, 5)
    .option('--kind <kinds>', 'only these kinds, comma-separated (runbook, postmortem, doc, incident, conversation)')
    .option('--json', 'print the API response as JSON')
    .option('--url <url>', 'Aurora server URL (default AURORA_URL, or http://localhost:$AURORA_PORT)')
    .option('--token <token>', 'API token (default AURORA_TOKEN)')
    .action(async (query: string, options: KbSearchOptions) => {
      process.exitCode = await kbSearchCommand(client(options), query, options);
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
