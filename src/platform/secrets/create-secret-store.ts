import type { SecretsConfig } from '../../config/config.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Database } from '../database/database.js';
import type { SecretRedactor } from '../logger/secret-redactor.js';
import { LocalSecretStore } from './local-secret-store.js';
import { loadMasterKey } from './master-key.js';
import type { SecretStore } from './secret-store.js';
import { VaultSecretStore } from './vault-secret-store.js';

export interface SecretStoreDependencies {
  database: Database;
  audit: AuditLog;
  redactor: SecretRedactor;
}

/** Builds the configured SecretStore. Local mode loads (or, on first start, creates) the master key. */
export async function createSecretStore(config: SecretsConfig, deps: SecretStoreDependencies): Promise<SecretStore> {
  if (config.backend === 'local') {
    const masterKey = await loadMasterKey(config);
    return new LocalSecretStore(deps.database, deps.audit, deps.redactor, masterKey);
  }
  // Vault is not contacted here: AppRole logs in on first use, so start-up does not depend on Vault being up.
  return new VaultSecretStore(config, deps.audit, deps.redactor);
}
