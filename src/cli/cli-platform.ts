import type { Config } from '../config/config.js';
import { createLogger, SecretRedactor } from '../platform/logger/logger.js';
import { createPlatform, type Platform } from '../platform/platform.js';

/**
 * A platform for one CLI command. Logs go to stderr (warnings only) so stdout carries just the result.
 * In embedded mode this takes the data-dir lock, and says clearly when a server already holds it.
 */
export async function withCliPlatform<T>(
  config: Config,
  purpose: string,
  work: (platform: Platform) => Promise<T>,
): Promise<T> {
  const redactor = new SecretRedactor();
  const logger = createLogger({ level: 'warn', format: 'json', redactor, destination: process.stderr });
  const platform = await createPlatform(config, { logger, redactor, purpose });
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}
