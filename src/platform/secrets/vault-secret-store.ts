import { z } from 'zod';
import type { SecretsConfig } from '../../config/config.js';
import type { AuditEntry, AuditLog } from '../audit/audit-log.js';
import { Forbidden, NotFound, UpstreamUnavailable } from '../errors.js';
import type { SecretRedactor } from '../logger/secret-redactor.js';
import {
  normalizeOrgId,
  parseVaultReference,
  secretNotFound,
  validateSecretData,
  validateSecretName,
  vaultReference,
  vaultSecretPath,
} from './secret-names.js';
import type { SecretAccess, SecretData, SecretMetadata, SecretReference, SecretStore } from './secret-store.js';

export type VaultSecretsConfig = Extract<SecretsConfig, { backend: 'vault' }>;

/** Vault refused a request for a reason that is neither auth, absence nor availability. Carries Vault's `errors`. */
export class VaultError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errors: readonly string[],
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

export interface VaultSecretStoreOptions {
  /** Clock in milliseconds, for token lease arithmetic. */
  now?: () => number;
}

interface VaultResponse {
  status: number;
  body: unknown;
  errors: string[];
}

interface Session {
  token: string;
  /** When to log in again: before the lease runs out, so requests rarely meet an expired token. */
  refreshAt: number;
}

/** Log in again after this share of the lease, leaving the rest as margin for clock skew and slow requests. */
const leaseRefreshShare = 0.8;

const readResponseSchema = z.object({
  data: z.object({
    data: z.record(z.string(), z.unknown()).nullable(),
    metadata: z.object({ deletion_time: z.string().optional(), destroyed: z.boolean().optional() }).nullish(),
  }),
});

const metadataResponseSchema = z.object({
  data: z.object({
    created_time: z.string(),
    updated_time: z.string(),
    current_version: z.number(),
    versions: z
      .record(z.string(), z.object({ deletion_time: z.string().optional(), destroyed: z.boolean().optional() }))
      .optional(),
  }),
});

const loginResponseSchema = z.object({
  auth: z.object({ client_token: z.string().min(1), lease_duration: z.number().nonnegative() }),
});

/**
 * Secrets in HashiCorp Vault or OpenBao, KV version 2, under `{mount}/aurora/orgs/{orgId}/{name}`.
 * Aurora keeps only the reference. Auth is a fixed token or AppRole (logged in lazily, renewed by logging in again).
 */
export class VaultSecretStore implements SecretStore {
  readonly backend = 'vault' as const;
  private session: Session | undefined;
  private loggingIn: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly config: VaultSecretsConfig,
    private readonly audit: AuditLog,
    private readonly redactor: SecretRedactor,
    options: VaultSecretStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    if (config.auth.kind === 'token') {
      redactor.remember(config.auth.token);
    } else {
      redactor.remember(config.auth.secretId);
      redactor.remember(config.auth.roleId);
    }
  }

  async put(access: SecretAccess, name: string, data: SecretData): Promise<SecretReference> {
    const orgId = normalizeOrgId(access.orgId);
    return this.audited(access, 'secret.write', { name }, undefined, async () => {
      validateSecretName(name);
      const values = validateSecretData(data);
      for (const value of Object.values(values)) this.redactor.remember(value);
      const path = vaultSecretPath(orgId, name);
      const response = await this.call('POST', `${this.config.kvMount}/data/${path}`, { data: values });
      if (response.status !== 200 && response.status !== 204) throw this.failure(response, 'write the secret');
      const reference = vaultReference(this.config.kvMount, orgId, name);
      return { result: reference, reference };
    });
  }

  async get(access: SecretAccess, reference: SecretReference): Promise<SecretData> {
    return this.audited(access, 'secret.read', {}, reference, async () => {
      const { path, name } = parseVaultReference(reference, access.orgId, this.config.kvMount);
      const response = await this.call('GET', `${this.config.kvMount}/data/${path}`);
      if (response.status !== 200) throw this.failure(response, 'read the secret', { missingIsNotFound: true });
      const parsed = readResponseSchema.safeParse(response.body);
      if (!parsed.success) throw unexpectedResponse(response.status, 'read the secret');
      const { data, metadata } = parsed.data.data;
      // A soft-deleted or destroyed latest version reads as null data.
      if (!data || metadata?.destroyed || metadata?.deletion_time) throw secretNotFound();
      const values = toSecretData(data);
      for (const value of Object.values(values)) this.redactor.remember(value);
      return { result: values, reference, details: { name } };
    });
  }

  async delete(access: SecretAccess, reference: SecretReference): Promise<void> {
    await this.audited(access, 'secret.delete', {}, reference, async () => {
      let target: { path: string; name: string };
      try {
        target = parseVaultReference(reference, access.orgId, this.config.kvMount);
      } catch (error) {
        // Another org's reference, or not one of ours: nothing here to delete, and that is not an error.
        if (error instanceof NotFound) return { result: undefined, reference, details: { existed: false } };
        throw error;
      }
      // Deleting the metadata removes every version, not only the latest.
      const response = await this.call('DELETE', `${this.config.kvMount}/metadata/${target.path}`);
      const missing = response.status === 404 && !isMissingRoute(response);
      if (response.status !== 204 && response.status !== 200 && !missing) {
        throw this.failure(response, 'delete the secret');
      }
      return { result: undefined, reference, details: { name: target.name } };
    });
  }

  async metadata(access: SecretAccess, reference: SecretReference): Promise<SecretMetadata> {
    return this.audited(access, 'secret.metadata', {}, reference, async () => {
      const { path, name } = parseVaultReference(reference, access.orgId, this.config.kvMount);
      const response = await this.call('GET', `${this.config.kvMount}/metadata/${path}`);
      if (response.status !== 200) {
        throw this.failure(response, 'read the secret metadata', { missingIsNotFound: true });
      }
      const parsed = metadataResponseSchema.safeParse(response.body);
      if (!parsed.success) throw unexpectedResponse(response.status, 'read the secret metadata');
      const metadata = parsed.data.data;
      const current = metadata.versions?.[String(metadata.current_version)];
      if (metadata.current_version === 0 || current?.destroyed || current?.deletion_time) throw secretNotFound();
      return {
        result: {
          reference,
          name,
          createdAt: parseVaultTime(metadata.created_time),
          updatedAt: parseVaultTime(metadata.updated_time),
          version: metadata.current_version,
        },
        reference,
        details: { name },
      };
    });
  }

  /**
   * `sys/health` needs no token and is served from the root namespace, so neither header is sent.
   * Standbys (429, 472, 473) still serve requests by forwarding them to the active node.
   */
  async ping(): Promise<void> {
    const response = await this.send('GET', 'sys/health', { token: undefined, namespace: false });
    if ([200, 429, 472, 473].includes(response.status)) return;
    if (response.status === 503 || isSealed(response)) throw sealed();
    if (response.status === 501) throw new UpstreamUnavailable('Vault is not initialised');
    throw new UpstreamUnavailable(`Vault's health check answered ${response.status}`);
  }

  async close(): Promise<void> {
    this.session = undefined;
  }

  /** Sends an authenticated request; with AppRole, a 403 may mean the token expired, so log in once and retry. */
  private async call(method: string, apiPath: string, body?: unknown): Promise<VaultResponse> {
    const token = await this.currentToken();
    const response = await this.send(method, apiPath, { token, body });
    if (response.status !== 403 || this.config.auth.kind !== 'approle') return response;
    const fresh = await this.currentToken(token);
    return this.send(method, apiPath, { token: fresh, body });
  }

  /** The token to use. `stale` is one Vault just refused: log in again unless another request already has. */
  private async currentToken(stale?: string): Promise<string> {
    const auth = this.config.auth;
    if (auth.kind === 'token') return auth.token;
    const session = this.session;
    if (session && session.token !== stale && this.now() < session.refreshAt) return session.token;
    // One login at a time: concurrent requests wait for the same one.
    this.loggingIn ??= this.login(auth).finally(() => {
      this.loggingIn = undefined;
    });
    return this.loggingIn;
  }

  private async login(auth: Extract<VaultSecretsConfig['auth'], { kind: 'approle' }>): Promise<string> {
    this.session = undefined;
    const response = await this.send('POST', `auth/${auth.mount}/login`, {
      token: undefined,
      body: { role_id: auth.roleId, secret_id: auth.secretId },
    });
    if (response.status !== 200) {
      if (response.status >= 500 || isSealed(response)) throw this.failure(response, 'log in with AppRole');
      throw new VaultError(
        `Vault refused the AppRole login at auth/${auth.mount} (${response.status}${describeErrors(response, this.redactor)}). ` +
          'Check VAULT_ROLE_ID, VAULT_SECRET_ID and VAULT_APPROLE_MOUNT.',
        response.status,
        response.errors.map((text) => this.redactor.redact(text)),
      );
    }
    const parsed = loginResponseSchema.safeParse(response.body);
    if (!parsed.success) throw unexpectedResponse(response.status, 'log in with AppRole');
    const { client_token: token, lease_duration: leaseSeconds } = parsed.data.auth;
    this.redactor.remember(token);
    this.session = {
      token,
      refreshAt: leaseSeconds > 0 ? this.now() + leaseSeconds * 1000 * leaseRefreshShare : Number.POSITIVE_INFINITY,
    };
    return token;
  }

  private async send(
    method: string,
    apiPath: string,
    options: { token: string | undefined; body?: unknown; namespace?: boolean },
  ): Promise<VaultResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers['X-Vault-Token'] = options.token;
    if (options.namespace !== false && this.config.namespace) headers['X-Vault-Namespace'] = this.config.namespace;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${this.config.address}/v1/${apiPath}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw unreachable(error, this.config.address, this.config.timeoutMs);
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const errors = (body as { errors?: unknown } | undefined)?.errors;
    return {
      status,
      body,
      errors: Array.isArray(errors) ? errors.filter((item): item is string => typeof item === 'string') : [],
    };
  }

  /** Maps a non-success answer to the domain error callers expect. Texts pass through the redactor. */
  private failure(response: VaultResponse, operation: string, options: { missingIsNotFound?: boolean } = {}): Error {
    const { status } = response;
    if (isSealed(response)) return sealed();
    if (status === 502 || status === 503 || status === 504 || status === 429) return unavailable(status);
    if (status === 403) return new Forbidden(`Vault refused to ${operation} (permission denied)`);
    if (status === 404 && isMissingRoute(response)) {
      return new VaultError(
        `Vault has no route for this request: is "${this.config.kvMount}" a KV version 2 mount${
          this.config.namespace ? ` in namespace "${this.config.namespace}"` : ''
        }? (${response.errors.map((text) => this.redactor.redact(text)).join('; ')})`,
        status,
        response.errors.map((text) => this.redactor.redact(text)),
      );
    }
    if (status === 404 && options.missingIsNotFound) return secretNotFound();
    return new VaultError(
      `Vault could not ${operation}: ${status}${describeErrors(response, this.redactor)}`,
      status,
      response.errors.map((text) => this.redactor.redact(text)),
    );
  }

  /** Runs an operation and audits it, as the local store does: success after the fact, failures with their outcome. */
  private async audited<T>(
    access: SecretAccess,
    action: string,
    details: Record<string, unknown>,
    reference: string | undefined,
    work: () => Promise<{ result: T; reference: string; details?: Record<string, unknown> }>,
  ): Promise<T> {
    let outcome: Awaited<ReturnType<typeof work>>;
    try {
      outcome = await work();
    } catch (error) {
      try {
        await this.audit.record(
          auditEntry(
            access,
            action,
            reference,
            { ...details, error: (error as Error)?.name ?? 'Error' },
            error instanceof Forbidden ? 'denied' : 'failure',
          ),
        );
      } catch {
        // The original error matters more than the audit row that could not describe it.
      }
      throw error;
    }
    // If this throws, a read returns no value: nothing leaves the store unaudited.
    await this.audit.record(auditEntry(access, action, outcome.reference, { ...details, ...outcome.details }));
    return outcome.result;
  }
}

function auditEntry(
  access: SecretAccess,
  action: string,
  reference: string | undefined,
  details: Record<string, unknown>,
  outcome: AuditEntry['outcome'] = 'success',
): AuditEntry {
  return {
    orgId: access.orgId,
    actor: access.actor,
    action,
    targetType: 'secret',
    targetId: reference?.slice(0, 500),
    outcome,
    requestId: access.requestId,
    details: { ...details, purpose: access.purpose },
  };
}

function isSealed(response: VaultResponse): boolean {
  return response.errors.some((text) => text.includes('Vault is sealed'));
}

function isMissingRoute(response: VaultResponse): boolean {
  return response.errors.some((text) => text.includes('no handler for route'));
}

function sealed(): UpstreamUnavailable {
  return new UpstreamUnavailable('Vault is sealed', 30);
}

function unavailable(status: number): UpstreamUnavailable {
  return new UpstreamUnavailable(`Vault is unavailable (${status})`);
}

function unexpectedResponse(status: number, operation: string): VaultError {
  return new VaultError(`Vault answered ${status} to ${operation} with a body that is not KV version 2`, status, []);
}

function describeErrors(response: VaultResponse, redactor: SecretRedactor): string {
  return response.errors.length > 0 ? `: ${response.errors.map((text) => redactor.redact(text)).join('; ')}` : '';
}

function unreachable(error: unknown, address: string, timeoutMs: number): UpstreamUnavailable {
  const name = (error as { name?: unknown })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new UpstreamUnavailable(`Vault at ${address} did not answer within ${timeoutMs} ms`, 5, { cause: error });
  }
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  return new UpstreamUnavailable(
    `Vault at ${address} could not be reached${typeof code === 'string' ? ` (${code})` : ''}`,
    5,
    { cause: error },
  );
}

/** KV v2 holds any JSON; SecretData holds strings, so other values (set with the Vault CLI) are kept as JSON text. */
function toSecretData(data: Record<string, unknown>): SecretData {
  const values: SecretData = {};
  for (const [key, value] of Object.entries(data)) {
    values[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return values;
}

/** Vault writes RFC 3339 with nanoseconds; JavaScript dates hold milliseconds. */
function parseVaultTime(text: string): Date {
  const date = new Date(text.replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(date.getTime())) throw new VaultError(`Vault returned an unreadable time "${text}"`, 200, []);
  return date;
}
