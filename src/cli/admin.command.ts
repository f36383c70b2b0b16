import type { Config } from '../config/config.js';
import { createServices } from '../server/services.js';
import { withCliPlatform } from './cli-platform.js';

export async function adminCreateCommand(
  config: Config,
  options: { email: string; org: string; password?: string; name?: string },
): Promise<void> {
  const result = await withCliPlatform(config, 'aurora admin create', (platform) =>
    createServices(platform).accounts.createOrganizationWithAdmin({
      organizationName: options.org,
      email: options.email,
      password: options.password,
      name: options.name,
    }),
  );
  process.stdout.write(`Created organization "${options.org}" (${result.orgId}) with admin ${options.email}.\n`);
  if (result.generatedPassword) {
    process.stdout.write(`Generated password (shown once): ${result.generatedPassword}\n`);
  } else if (!result.createdUser && options.password === undefined) {
    process.stdout.write(`${options.email} already existed; their password is unchanged.\n`);
  }
}
