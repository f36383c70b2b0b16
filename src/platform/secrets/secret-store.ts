import type { AuditActor } from '../audit/audit-log.js';

/** `local:{uuid}` or `vault:{mount}/data/aurora/orgs/{orgId}/{name}`. The only thing the database keeps. */
export type SecretReference = string;

/** Key/value pairs, like a Vault KV v2 secret's `data`. */
export type SecretData = Record<string, string>;

export interface SecretAccess {
  orgId: string;
  actor: AuditActor;
  /** Why the secret is read, recorded in the audit log (e.g. "tool:list_gke_clusters"). */
  purpose?: string;
  requestId?: string;
}

export interface SecretMetadata {
  reference: SecretReference;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  version?: number;
}

/**
 * Where credentials live. Every read and write is audited. A reference is only valid for the org it
 * was created in: asking with another org's id is NotFound, never the value.
 * Names: lower-case letters, digits, `_`, `-`, `.`, and `/` between segments (e.g. `connectors/{id}`).
 */
export interface SecretStore {
  readonly backend: 'local' | 'vault';
  /** Creates or replaces the secret `name` in the org and returns its reference. */
  put(access: SecretAccess, name: string, data: SecretData): Promise<SecretReference>;
  /** Throws NotFound for an unknown reference, Forbidden when the backend refuses. */
  get(access: SecretAccess, reference: SecretReference): Promise<SecretData>;
  /** Deleting a missing secret is not an error. */
  delete(access: SecretAccess, reference: SecretReference): Promise<void>;
  metadata(access: SecretAccess, reference: SecretReference): Promise<SecretMetadata>;
  /** Throws UpstreamUnavailable when the backend does not answer (or Vault is sealed). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
