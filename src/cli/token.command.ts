import type { Config } from '../config/config.js';
import type { Role } from '../features/accounts/index.js';
import { createServices } from '../server/services.js';
import { withCliPlatform } from './cli-platform.js';

/** Prints the token alone on one line, so scripts can capture it: TOKEN=$(aurora token create …). */
export async function tokenCreateCommand(
  config: Config,
  options: { email: string; name: string; role?: Role; org?: string; expiresInDays?: number },
): Promise<void> {
  const { token } = await withCliPlatform(config, 'aurora token create', (platform) =>
    createServices(platform).accounts.createApiTokenForUser({
      email: options.email,
      name: options.name,
      role: options.role,
      organizationName: options.org,
      expiresInDays: options.expiresInDays,
    }),
  );
  process.stdout.write(`${token}\n`);
}
