import type { Config } from '../config/config.js';
import { runMigrations } from '../platform/database/migrator.js';
import { openConfiguredDatabase } from '../platform/database/open-database.js';
import { createLogger, SecretRedactor } from '../platform/logger/logger.js';

export async function migrateCommand(config: Config): Promise<void> {
  const logger = createLogger({
    level: 'warn',
    format: 'json',
    redactor: new SecretRedactor(),
    destination: process.stderr,
  });
  const database = await openConfiguredDatabase(config, { logger, purpose: 'aurora migrate' });
  try {
    const result = await runMigrations(database);
    process.stdout.write(
      result.applied > 0
        ? `Applied ${result.applied} migration(s); the database is at ${result.total}/${result.total}.\n`
        : `The database is up to date (${result.total} migrations).\n`,
    );
  } finally {
    await database.close();
  }
}
