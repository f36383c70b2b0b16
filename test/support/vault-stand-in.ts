import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A STAND-IN for HashiCorp Vault / OpenBao, NOT Vault itself. It implements, in memory, just the documented
 * HTTP endpoints Aurora's VaultSecretStore uses, so its tests run without a Vault binary:
 *
 *   GET    /v1/sys/health                     200 active, 429 standby, 503 sealed
 *   POST   /v1/auth/{approleMount}/login      {role_id, secret_id} → auth.client_token, auth.lease_duration
 *   GET    /v1/{mount}/data/{path}            KV v2 read (latest version, or ?version=n)
 *   POST   /v1/{mount}/data/{path}            KV v2 write {data:{…}} → a new version
 *   DELETE /v1/{mount}/data/{path}            soft-delete of the latest version
 *   GET    /v1/{mount}/metadata/{path}        created_time, updated_time, current_version, versions
 *   DELETE /v1/{mount}/metadata/{path}        removes every version
 *
 * Unknown or expired tokens get 403 `{"errors":["permission denied"]}`, a missing secret 404 `{"errors":[]}`,
 * and `seal()` makes every endpoint answer 503 (`{"errors":["Vault is sealed"]}`; sys/health answers its
 * documented sealed status body). Data is kept per namespace (X-Vault-Namespace). It never prints anything, so
 * secret values written to it cannot end up in test output.
 */

export interface VaultStandInOptions {
  /** A token with full access that never expires. */
  rootToken?: string;
  /** KV version 2 mounts. Default `['kv']`. */
  kvMounts?: string[];
  /** `allowedPrefixes` restricts the tokens it issues to KV paths under those prefixes (a narrow policy). */
  appRole?: { mount?: string; roleId: string; secretId: string; ttlSeconds: number; allowedPrefixes?: string[] };
}

export interface VaultStandInRequest {
  method: string;
  /** Path without the query, e.g. `/v1/kv/data/aurora/orgs/…`. */
  path: string;
  /** Header values as received, so tests can assert what the client sent. */
  token: string | undefined;
  namespace: string | undefined;
  status: number;
}

interface TokenGrant {
  expiresAt: number;
  /** Paths under a mount this token may touch; undefined means all. */
  allowedPrefixes?: string[];
}

interface Version {
  data: Record<string, unknown> | null;
  createdTime: string;
  deletionTime: string;
  destroyed: boolean;
}

interface Entry {
  versions: Map<number, Version>;
  currentVersion: number;
  createdTime: string;
  updatedTime: string;
}

export class VaultStandIn {
  readonly requests: VaultStandInRequest[] = [];
  /** Successful AppRole logins so far. */
  logins = 0;
  private readonly tokens = new Map<string, TokenGrant>();
  private readonly entries = new Map<string, Entry>();
  private readonly kvMounts: string[];
  private sealed = false;
  private standby = false;
  private delayMs = 0;
  private injected: { status: number; errors: string[] } | undefined;

  private constructor(
    private readonly server: Server,
    readonly address: string,
    private readonly options: VaultStandInOptions,
  ) {
    this.kvMounts = options.kvMounts ?? ['kv'];
    if (options.rootToken) this.tokens.set(options.rootToken, { expiresAt: Number.POSITIVE_INFINITY });
  }

  static async start(options: VaultStandInOptions = {}): Promise<VaultStandIn> {
    let standIn: VaultStandIn | undefined;
    const server = createServer((request, response) => {
      void standIn?.handle(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    standIn = new VaultStandIn(server, `http://127.0.0.1:${port}`, options);
    return standIn;
  }

  seal(): void {
    this.sealed = true;
  }

  unseal(): void {
    this.sealed = false;
  }

  /** Makes sys/health answer 429, as an unsealed standby node does. */
  setStandby(standby: boolean): void {
    this.standby = standby;
  }

  /** Holds every response this long (to exercise client timeouts). */
  delayResponses(milliseconds: number): void {
    this.delayMs = milliseconds;
  }

  /** The next request (whatever it is) answers this status with `{"errors": errors}`. */
  failNextRequest(status: number, errors: string[]): void {
    this.injected = { status, errors };
  }

  /** A new token; `allowedPrefixes` restricts it to KV paths under those prefixes (like a narrow policy). */
  issueToken(options: { ttlSeconds?: number; allowedPrefixes?: string[] } = {}): string {
    const token = `hvs.standin-${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, {
      expiresAt: options.ttlSeconds ? Date.now() + options.ttlSeconds * 1000 : Number.POSITIVE_INFINITY,
      allowedPrefixes: options.allowedPrefixes,
    });
    return token;
  }

  /** Every token except the root token expires now, as if their leases had run out. */
  expireTokens(): void {
    for (const [token, grant] of this.tokens) {
      if (token !== this.options.rootToken) grant.expiresAt = 0;
    }
  }

  /** Number of versions kept for a path (for assertions), or undefined when the path has no secret. */
  versionCount(path: string, options: { mount?: string; namespace?: string } = {}): number | undefined {
    return this.entries.get(entryKey(options.namespace, options.mount ?? this.kvMounts[0] ?? 'kv', path))?.versions
      .size;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const token = header(request, 'x-vault-token');
    const namespace = header(request, 'x-vault-namespace');
    const send = (status: number, body?: unknown) => {
      this.requests.push({ method: request.method ?? 'GET', path: url.pathname, token, namespace, status });
      if (body === undefined) {
        response.writeHead(status).end();
      } else {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }
    };
    try {
      const text = await readBody(request);
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (response.destroyed) return;
      const [status, body] = this.route(request.method ?? 'GET', url, token, namespace, text);
      send(status, body);
    } catch {
      send(500, { errors: ['stand-in: internal error'] });
    }
  }

  private route(
    method: string,
    url: URL,
    token: string | undefined,
    namespace: string | undefined,
    text: string,
  ): [number, unknown?] {
    const path = url.pathname.replace(/^\/v1\//, '');
    if (!url.pathname.startsWith('/v1/')) return [404, { errors: [] }];
    if (this.injected) {
      const injected = this.injected;
      this.injected = undefined;
      return [injected.status, { errors: injected.errors }];
    }
    if (path === 'sys/health' && method === 'GET') return this.health();
    if (this.sealed) return [503, { errors: ['Vault is sealed'] }];

    const appRoleMount = this.options.appRole?.mount ?? 'approle';
    if (path === `auth/${appRoleMount}/login` && method === 'POST' && this.options.appRole) {
      return this.login(parseJson(text));
    }

    const grant = token ? this.tokens.get(token) : undefined;
    if (!grant || grant.expiresAt <= Date.now()) return [403, { errors: ['permission denied'] }];

    for (const mount of this.kvMounts) {
      for (const kind of ['data', 'metadata'] as const) {
        const prefix = `${mount}/${kind}/`;
        if (!path.startsWith(prefix) || path.length === prefix.length) continue;
        const secretPath = path.slice(prefix.length);
        if (grant.allowedPrefixes && !grant.allowedPrefixes.some((allowed) => secretPath.startsWith(allowed))) {
          return [403, { errors: ['permission denied'] }];
        }
        const key = entryKey(namespace, mount, secretPath);
        return kind === 'data'
          ? this.data(method, key, url.searchParams.get('version'), text)
          : this.metadata(method, key);
      }
    }
    return [404, { errors: [`no handler for route "${path}". route entry not found.`] }];
  }

  private health(): [number, unknown] {
    const body = {
      initialized: true,
      sealed: this.sealed,
      standby: this.standby,
      performance_standby: false,
      server_time_utc: Math.floor(Date.now() / 1000),
      version: '0.0.0-stand-in',
      cluster_name: 'vault-stand-in',
    };
    if (this.sealed) return [503, body];
    return [this.standby ? 429 : 200, body];
  }

  private login(body: unknown): [number, unknown] {
    const appRole = this.options.appRole;
    const credentials = body as { role_id?: unknown; secret_id?: unknown } | undefined;
    if (!appRole || credentials?.role_id !== appRole.roleId || credentials?.secret_id !== appRole.secretId) {
      return [400, { errors: ['invalid role or secret ID'] }];
    }
    const token = this.issueToken({ ttlSeconds: appRole.ttlSeconds, allowedPrefixes: appRole.allowedPrefixes });
    this.logins += 1;
    return [
      200,
      {
        request_id: randomUUID(),
        lease_id: '',
        renewable: false,
        lease_duration: 0,
        data: null,
        auth: {
          client_token: token,
          accessor: randomUUID(),
          policies: ['default', 'aurora'],
          token_policies: ['default', 'aurora'],
          metadata: { role_name: 'aurora' },
          lease_duration: appRole.ttlSeconds,
          renewable: true,
          entity_id: randomUUID(),
          token_type: 'service',
          orphan: true,
        },
      },
    ];
  }

  private data(method: string, key: string, versionParameter: string | null, text: string): [number, unknown?] {
    const entry = this.entries.get(key);
    if (method === 'GET') {
      if (!entry) return [404, { errors: [] }];
      const number = versionParameter ? Number(versionParameter) : entry.currentVersion;
      const version = entry.versions.get(number);
      if (!version) return [404, { errors: [] }];
      const metadata = {
        created_time: version.createdTime,
        custom_metadata: null,
        deletion_time: version.deletionTime,
        destroyed: version.destroyed,
        version: number,
      };
      // Vault answers a deleted version with 404 and null data, but still includes its metadata.
      if (!version.data) return [404, { request_id: randomUUID(), data: { data: null, metadata } }];
      return [200, envelope({ data: version.data, metadata })];
    }
    if (method === 'POST' || method === 'PUT') {
      const body = parseJson(text) as { data?: unknown } | undefined;
      if (!body || typeof body.data !== 'object' || body.data === null || Array.isArray(body.data)) {
        return [400, { errors: ['no data provided'] }];
      }
      const now = vaultTime();
      const target = entry ?? { versions: new Map(), currentVersion: 0, createdTime: now, updatedTime: now };
      target.currentVersion += 1;
      target.updatedTime = now;
      target.versions.set(target.currentVersion, {
        data: structuredClone(body.data as Record<string, unknown>),
        createdTime: now,
        deletionTime: '',
        destroyed: false,
      });
      this.entries.set(key, target);
      return [
        200,
        envelope({
          created_time: now,
          custom_metadata: null,
          deletion_time: '',
          destroyed: false,
          version: target.currentVersion,
        }),
      ];
    }
    if (method === 'DELETE') {
      const version = entry?.versions.get(entry.currentVersion);
      if (version) {
        version.data = null;
        version.deletionTime = vaultTime();
      }
      return [204];
    }
    return [405, { errors: ['unsupported operation'] }];
  }

  private metadata(method: string, key: string): [number, unknown?] {
    const entry = this.entries.get(key);
    if (method === 'GET') {
      if (!entry) return [404, { errors: [] }];
      const versions: Record<string, unknown> = {};
      for (const [number, version] of entry.versions) {
        versions[String(number)] = {
          created_time: version.createdTime,
          deletion_time: version.deletionTime,
          destroyed: version.destroyed,
        };
      }
      return [
        200,
        envelope({
          cas_required: false,
          created_time: entry.createdTime,
          current_version: entry.currentVersion,
          custom_metadata: null,
          delete_version_after: '0s',
          max_versions: 0,
          oldest_version: Math.min(...entry.versions.keys()),
          updated_time: entry.updatedTime,
          versions,
        }),
      ];
    }
    if (method === 'DELETE') {
      this.entries.delete(key);
      return [204];
    }
    return [405, { errors: ['unsupported operation'] }];
  }
}

function envelope(data: unknown): unknown {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data,
    wrap_info: null,
    warnings: null,
    auth: null,
  };
}

function entryKey(namespace: string | undefined, mount: string, path: string): string {
  return `${namespace ?? ''}\u0000${mount}\u0000${path}`;
}

/** RFC 3339 with nanoseconds, as Vault writes its times. */
function vaultTime(): string {
  const extra = String(process.hrtime.bigint() % 1_000_000n).padStart(6, '0');
  return new Date().toISOString().replace('Z', `${extra}Z`);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
