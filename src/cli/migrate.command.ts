import type { Config } from '../config/config.js';
import { DataDirLock } from '../platform/database/data-dir-lock.js';
import type { Database } from '../platform/database/database.js';
import { runMigrations } from '../platform/database/migrator.js';
import { createLogger, SecretRedactor } from '../platform/logger/logger.js';

export async function migrateCommand(config: Config): Promise<void> {
  const logger = createLogger({
    level: 'warn',
    format: 'json',
    redactor: new SecretRedactor(),
    destination: process.stderr,
  });
  let database: Database;
  let lock: DataDirLock | undefined;
  if (config.database.kind === 'postgres') {
    const { openPostgres } = await import('../platform/database/postgres.adapter.js');
    database = await openPostgres({ ...config.database, logger });
  } else {
    lock = DataDirLock.acquire(config.dataDir, 'aurora migrate');
    const { openPglite } = await import('../platform/database/pglite.adapter.js');
    database = await openPglite(config.database.dataDir, { sharedBuffersMb: config.database.sharedBuffersMb });
  }
  try {
    const result = await runMigrations(database);
    process.stdout.write(
      result.applied > 0
        ? `Applied ${result.applied} migration(s); the database is at ${result.total}/${result.total}.\n`
        : `The database is up to date (${result.total} migrations).\n`,
    );
  } finally {
    await database.close();
    lock?.release();
  }
}
