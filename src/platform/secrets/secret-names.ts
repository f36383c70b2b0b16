import { z } from 'zod';
import { NotFound, ValidationFailed } from '../errors.js';
import type { SecretData, SecretReference } from './secret-store.js';

/** Lower-case segments of letters, digits, `_`, `-` and `.`, joined by `/` (e.g. `connectors/1b2c/oauth`). */
export const secretNamePattern = /^[a-z0-9][a-z0-9_.-]*(\/[a-z0-9][a-z0-9_.-]*)*$/;
export const maxSecretNameLength = 200;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const localPrefix = 'local:';
const vaultPrefix = 'vault:';
/** Every Aurora secret in Vault lives under this prefix, one folder per org. */
const vaultOrgsFolder = 'aurora/orgs';

/** Returns the name unchanged, or throws ValidationFailed saying what is wrong with it. */
export function validateSecretName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ValidationFailed('A secret name is required');
  }
  if (name.length > maxSecretNameLength) {
    throw new ValidationFailed(`A secret name must be at most ${maxSecretNameLength} characters`);
  }
  // The pattern alone would accept `a..b`; a `..` anywhere is refused so no name can look like a parent path.
  if (name.includes('..') || !secretNamePattern.test(name)) {
    throw new ValidationFailed(
      'A secret name may contain lower-case letters, digits, "_", "-" and ".", with "/" between segments',
      { name },
    );
  }
  return name;
}

const secretDataSchema = z.record(z.string().min(1), z.string());

/** Secret data is a flat object of string values, like a Vault KV v2 secret's `data`. */
export function validateSecretData(data: unknown): SecretData {
  const parsed = secretDataSchema.safeParse(data);
  // The message names no value: the input is a secret.
  if (!parsed.success) throw new ValidationFailed('Secret data must be an object of string keys and string values');
  return parsed.data;
}

export function isValidSecretName(name: string): boolean {
  try {
    validateSecretName(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Org ids are UUIDs. They become part of Vault paths and AAD, so anything else (a `/`, a `..`) is refused,
 * and the lower-case form is used so one org never has two spellings.
 */
export function normalizeOrgId(orgId: string): string {
  if (typeof orgId !== 'string' || !uuidPattern.test(orgId)) {
    throw new ValidationFailed('The org id must be a UUID');
  }
  return orgId.toLowerCase();
}

export function localReference(id: string): SecretReference {
  if (!uuidPattern.test(id)) throw new ValidationFailed('A local secret id must be a UUID');
  return `${localPrefix}${id.toLowerCase()}`;
}

/** The secret's id, or NotFound when the reference is not a local one (it cannot name a secret here). */
export function parseLocalReference(reference: SecretReference): string {
  if (typeof reference !== 'string' || !reference.startsWith(localPrefix)) throw secretNotFound();
  const id = reference.slice(localPrefix.length);
  if (!uuidPattern.test(id)) throw secretNotFound();
  return id.toLowerCase();
}

/** `aurora/orgs/{orgId}/{name}`: the path under the KV v2 mount. */
export function vaultSecretPath(orgId: string, name: string): string {
  return `${vaultOrgsFolder}/${normalizeOrgId(orgId)}/${validateSecretName(name)}`;
}

/** `vault:{mount}/data/aurora/orgs/{orgId}/{name}`, the same form Vault's own API paths take. */
export function vaultReference(mount: string, orgId: string, name: string): SecretReference {
  return `${vaultPrefix}${validateMount(mount)}/data/${vaultSecretPath(orgId, name)}`;
}

export interface ParsedVaultReference {
  mount: string;
  orgId: string;
  name: string;
  /** Path under the mount: `aurora/orgs/{orgId}/{name}`. */
  path: string;
}

/**
 * Parses a Vault reference for the caller's org. A reference to another org, another mount or anything
 * malformed is NotFound, with the same message every time, so the answer never reveals that it exists.
 */
export function parseVaultReference(reference: SecretReference, orgId: string, mount: string): ParsedVaultReference {
  const callerOrg = normalizeOrgId(orgId);
  const expectedPrefix = `${vaultPrefix}${validateMount(mount)}/data/${vaultOrgsFolder}/`;
  if (typeof reference !== 'string' || !reference.startsWith(expectedPrefix)) throw secretNotFound();
  const rest = reference.slice(expectedPrefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) throw secretNotFound();
  const referenceOrg = rest.slice(0, slash);
  const name = rest.slice(slash + 1);
  if (referenceOrg !== callerOrg || !isValidSecretName(name)) throw secretNotFound();
  return { mount, orgId: callerOrg, name, path: `${vaultOrgsFolder}/${callerOrg}/${name}` };
}

/** One message for every "no such secret", whatever the reason, so callers cannot probe other orgs. */
export function secretNotFound(): NotFound {
  return new NotFound('Secret not found');
}

function validateMount(mount: string): string {
  // Mounts come from configuration; `kv` or nested like `team/kv`. Leading or trailing slashes would break paths.
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(mount) || mount.split('/').includes('..')) {
    throw new ValidationFailed(`"${mount}" is not a valid Vault mount path`);
  }
  return mount;
}
