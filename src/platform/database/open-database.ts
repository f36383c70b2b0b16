import type { Config } from '../../config/config.js';
import type { Logger } from '../logger/logger.js';
import { DataDirLock } from './data-dir-lock.js';
import type { Database } from './database.js';

/**
 * The database the config names. Embedded PGlite first takes the data-dir lock (two processes on one
 * directory would corrupt it; a Conflict names the holder) and releases it on close. Adapters load lazily,
 * so embedded mode never loads `pg`'s pool code and scaled mode never loads PGlite's WebAssembly.
 */
export async function openConfiguredDatabase(
  config: Config,
  options: { logger: Logger; purpose: string },
): Promise<Database> {
  if (config.database.kind === 'postgres') {
    const { openPostgres } = await import('./postgres.adapter.js');
    return openPostgres({ ...config.database, logger: options.logger });
  }
  const lock = DataDirLock.acquire(config.dataDir, options.purpose);
  try {
    const { openPglite } = await import('./pglite.adapter.js');
    const database = await openPglite(config.database.dataDir, { sharedBuffersMb: config.database.sharedBuffersMb });
    return {
      ...database,
      async close() {
        await database.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
