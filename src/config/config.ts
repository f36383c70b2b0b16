import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The one reader of the environment. Every variable Aurora understands is declared here,
 * parsed once at start-up, and turned into a typed, nested Config. `.env.example` documents each.
 */

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const port = z.coerce.number().int().min(0).max(65535);

export const environmentSchema = z.object({
  AURORA_HOST: z.string().min(1).default('localhost'),
  AURORA_PORT: port.default(8080),
  AURORA_PUBLIC_URL: z.url().optional(),
  AURORA_DATA_DIR: z.string().min(1).default('./.aurora'),
  AURORA_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  AURORA_TRUST_PROXY: booleanString.default(false),
  AURORA_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  AURORA_SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .default(24 * 7),
  AURORA_MIGRATE_ON_START: booleanString.optional(),
  AURORA_QUEUE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,50}$/, 'must be a lower-case SQL identifier')
    .default('pgboss'),
  AURORA_QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).default(30),
  AURORA_MASTER_KEY: optionalString,

  AURORA_EMBEDDED_SHARED_BUFFERS_MB: z.coerce.number().int().min(1).max(4096).default(8),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),

  OBJECT_STORE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^(s3|file):\/\//, 'must be s3://bucket?… or file:///absolute/path')
      .optional(),
  ),
  AWS_ACCESS_KEY_ID: optionalString,
  AWS_SECRET_ACCESS_KEY: optionalString,
  AWS_SESSION_TOKEN: optionalString,

  SECRETS_BACKEND: z.enum(['local', 'vault']).default('local'),
  VAULT_ADDR: optionalString.pipe(z.url().optional()),
  VAULT_TOKEN: optionalString,
  VAULT_ROLE_ID: optionalString,
  VAULT_SECRET_ID: optionalString,
  VAULT_NAMESPACE: optionalString,
  VAULT_KV_MOUNT: z.string().min(1).default('kv'),
  VAULT_APPROLE_MOUNT: z.string().min(1).default('approle'),
  VAULT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),

  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
  ),
  REDIS_KEY_PREFIX: z.string().default('aurora:'),

  AURORA_OUTBOUND_ALLOW_PRIVATE: booleanString.default(false),
  AURORA_OUTBOUND_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    ),
  AURORA_OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty', 'auto']).default('auto'),
});

export type Environment = z.infer<typeof environmentSchema>;

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string; sharedBuffersMb: number }
  | { kind: 'postgres'; url: string; poolMax: number; statementTimeoutMs: number };

export type ObjectStoreConfig =
  | { kind: 'fs'; root: string }
  | {
      kind: 's3';
      bucket: string;
      endpoint?: string;
      region: string;
      forcePathStyle: boolean;
      credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    };

export type SecretsConfig =
  | { backend: 'local'; masterKey?: Buffer; keyFile: string }
  | {
      backend: 'vault';
      address: string;
      auth: { kind: 'token'; token: string } | { kind: 'approle'; roleId: string; secretId: string; mount: string };
      kvMount: string;
      namespace?: string;
      timeoutMs: number;
    };

export interface Config {
  server: {
    host: string;
    port: number;
    publicUrl?: string;
    bodyLimitBytes: number;
    trustProxy: boolean;
    shutdownTimeoutMs: number;
  };
  dataDir: string;
  database: DatabaseConfig;
  migrateOnStart: boolean;
  queue: { schema: string; maintenanceIntervalSeconds: number };
  objects: ObjectStoreConfig;
  secrets: SecretsConfig;
  redis?: { url: string; keyPrefix: string };
  auth: { sessionTtlHours: number };
  /** Outbound requests to user-supplied URLs (SSRF policy). */
  outbound: { allowPrivateNetworks: boolean; allowedHosts: string[]; timeoutMs: number };
  log: { level: Environment['LOG_LEVEL']; format: Environment['LOG_FORMAT'] };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment (by default `process.env`) into Config, or throws a ConfigError naming each bad variable. */
export function loadConfig(environment?: Record<string, string | undefined>, options: { cwd?: string } = {}): Config {
  const parsed = environmentSchema.safeParse(environment ?? process.env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  const problems: string[] = [];
  const cwd = options.cwd ?? process.cwd();
  const dataDir = isAbsolute(env.AURORA_DATA_DIR) ? env.AURORA_DATA_DIR : resolve(cwd, env.AURORA_DATA_DIR);

  const database: DatabaseConfig = env.DATABASE_URL
    ? {
        kind: 'postgres',
        url: env.DATABASE_URL,
        poolMax: env.DATABASE_POOL_MAX,
        statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      }
    : { kind: 'pglite', dataDir: resolve(dataDir, 'pglite'), sharedBuffersMb: env.AURORA_EMBEDDED_SHARED_BUFFERS_MB };

  const objects = parseObjectStoreUrl(env, dataDir, problems);
  const secrets = parseSecrets(env, dataDir, problems);

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    server: {
      host: env.AURORA_HOST,
      port: env.AURORA_PORT,
      publicUrl: env.AURORA_PUBLIC_URL?.replace(/\/+$/, ''),
      bodyLimitBytes: env.AURORA_BODY_LIMIT_BYTES,
      trustProxy: env.AURORA_TRUST_PROXY,
      shutdownTimeoutMs: env.AURORA_SHUTDOWN_TIMEOUT_MS,
    },
    dataDir,
    database,
    // Embedded mode owns its database, so it migrates itself; a shared PostgreSQL is migrated by `aurora migrate`.
    migrateOnStart: env.AURORA_MIGRATE_ON_START ?? database.kind === 'pglite',
    queue: { schema: env.AURORA_QUEUE_SCHEMA, maintenanceIntervalSeconds: env.AURORA_QUEUE_MAINTENANCE_SECONDS },
    objects,
    secrets,
    redis: env.REDIS_URL ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX } : undefined,
    auth: { sessionTtlHours: env.AURORA_SESSION_TTL_HOURS },
    outbound: {
      allowPrivateNetworks: env.AURORA_OUTBOUND_ALLOW_PRIVATE,
      allowedHosts: env.AURORA_OUTBOUND_ALLOWED_HOSTS,
      timeoutMs: env.AURORA_OUTBOUND_TIMEOUT_MS,
    },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
  };
}

function parseObjectStoreUrl(env: Environment, dataDir: string, problems: string[]): ObjectStoreConfig {
  const raw = env.OBJECT_STORE_URL;
  if (!raw) return { kind: 'fs', root: resolve(dataDir, 'objects') };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push('OBJECT_STORE_URL: not a valid URL');
    return { kind: 'fs', root: '' };
  }
  if (url.protocol === 'file:') {
    if (!url.pathname || url.pathname === '/') problems.push('OBJECT_STORE_URL: file:// needs an absolute directory');
    return { kind: 'fs', root: decodeURIComponent(url.pathname) };
  }
  const bucket = url.hostname;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    problems.push(`OBJECT_STORE_URL: "${bucket}" is not a valid S3 bucket name`);
  }
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !URL.canParse(endpoint)) {
    problems.push('OBJECT_STORE_URL: the endpoint parameter must be a URL, e.g. endpoint=http://localhost:8333');
  }
  const forcePathStyle = url.searchParams.get('forcePathStyle');
  if (forcePathStyle !== null && !['true', 'false'].includes(forcePathStyle)) {
    problems.push('OBJECT_STORE_URL: forcePathStyle must be true or false');
  }
  if (Boolean(env.AWS_ACCESS_KEY_ID) !== Boolean(env.AWS_SECRET_ACCESS_KEY)) {
    problems.push('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together');
  }
  return {
    kind: 's3',
    bucket,
    endpoint,
    region: url.searchParams.get('region') ?? 'us-east-1',
    // Self-hosted S3 servers rarely serve virtual-host buckets, so path style is the default when an endpoint is given.
    forcePathStyle: forcePathStyle === null ? endpoint !== undefined : forcePathStyle === 'true',
    credentials:
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            sessionToken: env.AWS_SESSION_TOKEN,
          }
        : undefined,
  };
}

function parseSecrets(env: Environment, dataDir: string, problems: string[]): SecretsConfig {
  if (env.SECRETS_BACKEND === 'local') {
    let masterKey: Buffer | undefined;
    if (env.AURORA_MASTER_KEY) {
      masterKey = decodeMasterKey(env.AURORA_MASTER_KEY);
      if (!masterKey) {
        problems.push(
          'AURORA_MASTER_KEY: must be 32 random bytes, base64 or hex encoded (generate one with `openssl rand -base64 32`)',
        );
      }
    }
    return { backend: 'local', masterKey, keyFile: resolve(dataDir, 'master.key') };
  }
  if (!env.VAULT_ADDR) problems.push('VAULT_ADDR: required when SECRETS_BACKEND=vault');
  let auth: Extract<SecretsConfig, { backend: 'vault' }>['auth'];
  if (env.VAULT_TOKEN) {
    auth = { kind: 'token', token: env.VAULT_TOKEN };
  } else if (env.VAULT_ROLE_ID && env.VAULT_SECRET_ID) {
    auth = {
      kind: 'approle',
      roleId: env.VAULT_ROLE_ID,
      secretId: env.VAULT_SECRET_ID,
      mount: env.VAULT_APPROLE_MOUNT,
    };
  } else {
    problems.push(
      'VAULT_TOKEN: required when SECRETS_BACKEND=vault (or set VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole)',
    );
    auth = { kind: 'token', token: '' };
  }
  return {
    backend: 'vault',
    address: (env.VAULT_ADDR ?? '').replace(/\/+$/, ''),
    auth,
    kvMount: env.VAULT_KV_MOUNT.replace(/^\/+|\/+$/g, ''),
    namespace: env.VAULT_NAMESPACE,
    timeoutMs: env.VAULT_TIMEOUT_MS,
  };
}

export function decodeMasterKey(value: string): Buffer | undefined {
  const trimmed = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  return key.length === 32 ? key : undefined;
}
