import { AccountsService } from '../features/accounts/index.js';
import type { Platform } from '../platform/platform.js';

/** Feature services, built once from the platform. */
export interface Services {
  accounts: AccountsService;
}

export function createServices(platform: Platform): Services {
  return {
    accounts: new AccountsService(platform.database, platform.audit, {
      sessionTtlHours: platform.config.auth.sessionTtlHours,
    }),
  };
}
