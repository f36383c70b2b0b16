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

export const llmProviders = ['openai', 'anthropic', 'google', 'openrouter', 'ollama', 'openai-compatible'] as const;
export type LlmProviderName = (typeof llmProviders)[number];

/** USD per million tokens, by model id (exact, or a prefix ending in `*`). */
export type LlmPriceTable = Record<string, { input: number; output: number }>;

const priceTableSchema = z.record(z.string().min(1), z.object({ input: z.number().min(0), output: z.number().min(0) }));

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

  CONNECTOR_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  CONNECTOR_GCP_CLIENT_ID: optionalString,
  CONNECTOR_GCP_CLIENT_SECRET: optionalString,
  CONNECTOR_GCP_AUTHORIZATION_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  CONNECTOR_GCP_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  CONNECTOR_GCP_REVOCATION_URL: z.url().default('https://oauth2.googleapis.com/revoke'),
  CONNECTOR_GCP_SCOPES: z.string().default('https://www.googleapis.com/auth/cloud-platform.read-only'),
  CONNECTOR_GCP_API_URL: optionalString.pipe(z.url().optional()),
  CONNECTOR_GITHUB_CLIENT_ID: optionalString,
  CONNECTOR_GITHUB_CLIENT_SECRET: optionalString,
  CONNECTOR_GITHUB_AUTHORIZATION_URL: z.url().default('https://github.com/login/oauth/authorize'),
  CONNECTOR_GITHUB_TOKEN_URL: z.url().default('https://github.com/login/oauth/access_token'),
  CONNECTOR_GITHUB_REVOCATION_URL: z.url().default('https://api.github.com/applications/{clientId}/grant'),
  CONNECTOR_GITHUB_SCOPES: z.string().default('repo read:org'),
  CONNECTOR_GITHUB_API_URL: z.url().default('https://api.github.com'),
  CONNECTOR_SLACK_CLIENT_ID: optionalString,
  CONNECTOR_SLACK_CLIENT_SECRET: optionalString,
  CONNECTOR_SLACK_AUTHORIZATION_URL: z.url().default('https://slack.com/oauth/v2/authorize'),
  CONNECTOR_SLACK_TOKEN_URL: z.url().default('https://slack.com/api/oauth.v2.access'),
  CONNECTOR_SLACK_REVOCATION_URL: z.url().default('https://slack.com/api/auth.revoke'),
  CONNECTOR_SLACK_SCOPES: z.string().default('channels:read,channels:history,chat:write,users:read'),
  CONNECTOR_SLACK_API_URL: z.url().default('https://slack.com/api'),
  CONNECTOR_AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1')
    .default('us-east-1'),
  CONNECTOR_AWS_STS_ENDPOINT: optionalString.pipe(z.url().optional()),
  CONNECTOR_AZURE_LOGIN_URL: z.url().default('https://login.microsoftonline.com'),
  CONNECTOR_AZURE_MANAGEMENT_URL: z.url().default('https://management.azure.com'),
  CONNECTOR_DATADOG_API_URL: optionalString.pipe(z.url().optional()),
  CONNECTOR_PAGERDUTY_API_URL: z.url().default('https://api.pagerduty.com'),

  LLM_PROVIDER: optionalString.pipe(z.enum(llmProviders).optional()),
  LLM_BASE_URL: optionalString.pipe(z.url().optional()),
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
  LLM_RCA_MODEL: optionalString,
  LLM_SUMMARY_MODEL: optionalString,
  LLM_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(120_000),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  LLM_PRICES: optionalString,
  AURORA_APPROVAL_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 3600)
    .default(300),
  AURORA_CHAT_MAX_STEPS: z.coerce.number().int().min(1).max(100).default(12),
  AURORA_CHAT_MAX_TOKENS: z.coerce.number().int().min(1_000).default(200_000),
  AURORA_CHAT_HISTORY_TOKENS: z.coerce.number().int().min(500).default(12_000),

  // Investigations: the whole run's timeout, the model loop's budgets, each evidence call's budget, the per-org
  // concurrency limit, how long a run waiting for a slot sleeps, and when a silent run counts as abandoned.
  AURORA_INVESTIGATION_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3_300).default(900),
  AURORA_INVESTIGATION_MAX_STEPS: z.coerce.number().int().min(1).max(100).default(12),
  AURORA_INVESTIGATION_MAX_TOKENS: z.coerce.number().int().min(1_000).default(60_000),
  AURORA_INVESTIGATION_SOURCE_BUDGET_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  AURORA_INVESTIGATION_ORG_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(2),
  AURORA_INVESTIGATION_WAIT_SECONDS: z.coerce.number().int().min(1).max(3_600).default(15),
  AURORA_INVESTIGATION_STALE_SECONDS: z.coerce.number().int().min(2).max(3_600).default(90),
  AURORA_MCP_STDIO_ENABLED: booleanString.default(false),
  AURORA_MCP_STDIO_COMMANDS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    ),
  AURORA_MCP_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(15_000),
  AURORA_MCP_IDLE_SECONDS: z.coerce.number().int().min(5).default(300),
  AURORA_MCP_TOOL_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),

  EMBEDDINGS_PROVIDER: optionalString.pipe(z.enum(['local', 'openai-compatible', 'none']).optional()),
  EMBEDDINGS_MODEL_DIR: optionalString,
  EMBEDDINGS_URL: optionalString.pipe(z.url().optional()),
  EMBEDDINGS_MODEL: optionalString,
  EMBEDDINGS_API_KEY: optionalString,
  EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(1).max(16_000).optional(),
  EMBEDDINGS_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(32),
  EMBEDDINGS_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(60_000),
  AURORA_KB_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(100 * 1024 * 1024),
  AURORA_KB_ORG_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024 * 1024),
  AURORA_KB_ORG_MAX_DOCUMENTS: z.coerce.number().int().min(1).default(1_000),
  AURORA_KB_CHUNK_TOKENS: z.coerce.number().int().min(50).max(8_000).default(500),
  AURORA_KB_CHUNK_OVERLAP_TOKENS: z.coerce.number().int().min(0).max(4_000).default(50),
  AURORA_KB_HNSW_EF_SEARCH: z.coerce.number().int().min(10).max(1_000).default(100),
  AURORA_KB_HNSW_M: z.coerce.number().int().min(2).max(100).default(16),
  AURORA_KB_HNSW_EF_CONSTRUCTION: z.coerce.number().int().min(4).max(1_000).default(64),
  AURORA_KB_CONVERSATION_IDLE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(30),
  AURORA_URL: optionalString.pipe(z.url().optional()),
  AURORA_TOKEN: optionalString,

  NOTIFICATIONS_SLACK_API_URL: z.url().default('https://slack.com/api'),
  NOTIFICATIONS_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),

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
  /** Connectors: OAuth apps, provider API endpoints (operator-trusted; stand-ins in tests) and rate limits. */
  connectors: ConnectorsConfig;
  embeddings: EmbeddingsConfig;
  knowledge: KnowledgeConfig;
  /** Where CLI commands that talk to a running server (`aurora kb …`) send requests, and with which API token. */
  client: { url: string; token?: string };
  /** The operator's model configuration; an org admin may override it per org (PUT /api/v1/settings/llm). */
  llm: {
    provider?: LlmProviderName;
    baseUrl?: string;
    apiKey?: string;
    models: { chat?: string; rca?: string; summary?: string };
    timeoutMs: number;
    maxRetries: number;
    /** Merged over the built-in table; `LLM_PRICES` entries win. */
    prices: LlmPriceTable;
  };
  agent: { approvalTimeoutSeconds: number; chatMaxSteps: number; chatMaxTokens: number; historyTokens: number };
  /** Investigation pipeline limits (see docs/operations.md "Investigations"). */
  investigations: {
    timeoutSeconds: number;
    maxSteps: number;
    maxTokens: number;
    sourceBudgetMs: number;
    orgConcurrency: number;
    waitSeconds: number;
    staleSeconds: number;
  };
  /** External MCP servers (the agent's MCP client). */
  mcp: {
    /** stdio servers run a command on this host; off unless the operator turns it on. */
    stdioEnabled: boolean;
    /** When not empty, the only commands stdio servers may run. */
    stdioCommands: string[];
    connectTimeoutMs: number;
    idleSeconds: number;
    /** Default per-call timeout of a registered server's tools. */
    toolTimeoutMs: number;
  };
  /** Investigation notifications: Slack's Web API base (operator-trusted; a stand-in in tests) and a per-send timeout. */
  notifications: { slackApiUrl: string; timeoutMs: number };
}

/** The Embedder port's adapter (src/platform/embeddings). */
export type EmbeddingsConfig =
  | { provider: 'none' }
  | { provider: 'local'; modelDirectory: string; batchSize: number; timeoutMs: number }
  | {
      provider: 'openai-compatible';
      baseUrl: string;
      model: string;
      apiKey?: string;
      dimensions?: number;
      batchSize: number;
      timeoutMs: number;
    };

export interface KnowledgeConfig {
  maxFileBytes: number;
  orgMaxBytes: number;
  orgMaxDocuments: number;
  chunkTokens: number;
  chunkOverlapTokens: number;
  /** pgvector's hnsw.ef_search for knowledge queries (recall against speed). */
  hnswEfSearch: number;
  /** HNSW build parameters; a change builds a new index on next use and drops the old one. */
  hnswM: number;
  hnswEfConstruction: number;
  /** A chat conversation idle this long after its last activity is indexed as `conversation` memory; 0: never. */
  conversationIdleMinutes: number;
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
  const prices = parsePrices(env.LLM_PRICES, problems);
  if (env.LLM_PROVIDER === 'openai-compatible' && !env.LLM_BASE_URL) {
    problems.push('LLM_BASE_URL: required when LLM_PROVIDER=openai-compatible (e.g. http://vllm:8000/v1)');
  }

  const embeddings = parseEmbeddings(env, cwd, problems);
  if (env.AURORA_KB_CHUNK_OVERLAP_TOKENS >= env.AURORA_KB_CHUNK_TOKENS) {
    problems.push('AURORA_KB_CHUNK_OVERLAP_TOKENS: must be smaller than AURORA_KB_CHUNK_TOKENS');
  }
  if (env.AURORA_KB_HNSW_EF_CONSTRUCTION < 2 * env.AURORA_KB_HNSW_M) {
    problems.push('AURORA_KB_HNSW_EF_CONSTRUCTION: must be at least twice AURORA_KB_HNSW_M (a pgvector rule)');
  }
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
    connectors: parseConnectors(env),
    embeddings,
    client: {
      url: (env.AURORA_URL ?? `http://localhost:${env.AURORA_PORT}`).replace(/\/+$/, ''),
      token: env.AURORA_TOKEN,
    },
    knowledge: {
      maxFileBytes: env.AURORA_KB_MAX_FILE_BYTES,
      orgMaxBytes: env.AURORA_KB_ORG_MAX_BYTES,
      orgMaxDocuments: env.AURORA_KB_ORG_MAX_DOCUMENTS,
      chunkTokens: env.AURORA_KB_CHUNK_TOKENS,
      chunkOverlapTokens: env.AURORA_KB_CHUNK_OVERLAP_TOKENS,
      hnswEfSearch: env.AURORA_KB_HNSW_EF_SEARCH,
      hnswM: env.AURORA_KB_HNSW_M,
      hnswEfConstruction: env.AURORA_KB_HNSW_EF_CONSTRUCTION,
      conversationIdleMinutes: env.AURORA_KB_CONVERSATION_IDLE_MINUTES,
    },
    llm: {
      provider: env.LLM_PROVIDER,
      baseUrl: env.LLM_BASE_URL?.replace(/\/+$/, ''),
      apiKey: env.LLM_API_KEY,
      models: {
        chat: env.LLM_MODEL,
        rca: env.LLM_RCA_MODEL ?? env.LLM_MODEL,
        summary: env.LLM_SUMMARY_MODEL ?? env.LLM_MODEL,
      },
      timeoutMs: env.LLM_TIMEOUT_MS,
      maxRetries: env.LLM_MAX_RETRIES,
      prices,
    },
    agent: {
      approvalTimeoutSeconds: env.AURORA_APPROVAL_TIMEOUT_SECONDS,
      chatMaxSteps: env.AURORA_CHAT_MAX_STEPS,
      chatMaxTokens: env.AURORA_CHAT_MAX_TOKENS,
      historyTokens: env.AURORA_CHAT_HISTORY_TOKENS,
    },
    investigations: {
      timeoutSeconds: env.AURORA_INVESTIGATION_TIMEOUT_SECONDS,
      maxSteps: env.AURORA_INVESTIGATION_MAX_STEPS,
      maxTokens: env.AURORA_INVESTIGATION_MAX_TOKENS,
      sourceBudgetMs: env.AURORA_INVESTIGATION_SOURCE_BUDGET_MS,
      orgConcurrency: env.AURORA_INVESTIGATION_ORG_CONCURRENCY,
      waitSeconds: env.AURORA_INVESTIGATION_WAIT_SECONDS,
      staleSeconds: env.AURORA_INVESTIGATION_STALE_SECONDS,
    },
    mcp: {
      stdioEnabled: env.AURORA_MCP_STDIO_ENABLED,
      stdioCommands: env.AURORA_MCP_STDIO_COMMANDS,
      connectTimeoutMs: env.AURORA_MCP_CONNECT_TIMEOUT_MS,
      idleSeconds: env.AURORA_MCP_IDLE_SECONDS,
      toolTimeoutMs: env.AURORA_MCP_TOOL_TIMEOUT_MS,
    },
    notifications: {
      slackApiUrl: env.NOTIFICATIONS_SLACK_API_URL.replace(/\/+$/, ''),
      timeoutMs: env.NOTIFICATIONS_TIMEOUT_MS,
    },
  };
}

function parsePrices(raw: string | undefined, problems: string[]): LlmPriceTable {
  if (!raw) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    problems.push('LLM_PRICES: must be JSON, e.g. {"gpt-4o":{"input":2.5,"output":10}} (USD per million tokens)');
    return {};
  }
  const parsed = priceTableSchema.safeParse(value);
  if (!parsed.success) {
    problems.push('LLM_PRICES: each entry must be {"input": number, "output": number} (USD per million tokens)');
    return {};
  }
  return parsed.data;
}

/** The provider defaults from what is set: a model directory means local, a URL means an embeddings API. */
function parseEmbeddings(env: Environment, cwd: string, problems: string[]): EmbeddingsConfig {
  const provider =
    env.EMBEDDINGS_PROVIDER ?? (env.EMBEDDINGS_MODEL_DIR ? 'local' : env.EMBEDDINGS_URL ? 'openai-compatible' : 'none');
  const common = { batchSize: env.EMBEDDINGS_BATCH_SIZE, timeoutMs: env.EMBEDDINGS_TIMEOUT_MS };
  if (provider === 'local') {
    if (!env.EMBEDDINGS_MODEL_DIR) {
      problems.push(
        'EMBEDDINGS_MODEL_DIR: required when EMBEDDINGS_PROVIDER=local (a directory holding an ONNX model)',
      );
      return { provider: 'none' };
    }
    const directory = env.EMBEDDINGS_MODEL_DIR;
    return { provider, modelDirectory: isAbsolute(directory) ? directory : resolve(cwd, directory), ...common };
  }
  if (provider === 'openai-compatible') {
    if (!env.EMBEDDINGS_URL) problems.push('EMBEDDINGS_URL: required when EMBEDDINGS_PROVIDER=openai-compatible');
    if (!env.EMBEDDINGS_MODEL) problems.push('EMBEDDINGS_MODEL: required when EMBEDDINGS_PROVIDER=openai-compatible');
    return {
      provider,
      baseUrl: env.EMBEDDINGS_URL ?? '',
      model: env.EMBEDDINGS_MODEL ?? '',
      apiKey: env.EMBEDDINGS_API_KEY,
      dimensions: env.EMBEDDINGS_DIMENSIONS,
      ...common,
    };
  }
  return { provider: 'none' };
}

export type OAuthProviderName = 'gcp' | 'github' | 'slack';

export interface OAuthAppConfig {
  /** Unset = OAuth for this provider is not offered. */
  clientId?: string;
  clientSecret?: string;
  authorizationUrl: string;
  tokenUrl: string;
  /** GitHub's may contain `{clientId}`. */
  revocationUrl: string;
  scopes: string[];
}

export interface ConnectorsConfig {
  rateLimitPerMinute: number;
  oauth: Record<OAuthProviderName, OAuthAppConfig>;
  /** Google APIs: `https://{service}.googleapis.com`, or `{gcpApiUrl}/{service}` when set (a proxy or stand-in). */
  gcpApiUrl?: string;
  githubApiUrl: string;
  slackApiUrl: string;
  awsRegion: string;
  awsStsEndpoint?: string;
  azureLoginUrl: string;
  azureManagementUrl: string;
  /** Unset = `https://api.{site}` for the site each Datadog connection names. */
  datadogApiUrl?: string;
  pagerdutyApiUrl: string;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');
const scopeList = (value: string) => value.split(/[\s,]+/).filter(Boolean);

function parseConnectors(env: Environment): ConnectorsConfig {
  return {
    rateLimitPerMinute: env.CONNECTOR_RATE_LIMIT_PER_MINUTE,
    oauth: {
      gcp: {
        clientId: env.CONNECTOR_GCP_CLIENT_ID,
        clientSecret: env.CONNECTOR_GCP_CLIENT_SECRET,
        authorizationUrl: env.CONNECTOR_GCP_AUTHORIZATION_URL,
        tokenUrl: env.CONNECTOR_GCP_TOKEN_URL,
        revocationUrl: env.CONNECTOR_GCP_REVOCATION_URL,
        scopes: scopeList(env.CONNECTOR_GCP_SCOPES),
      },
      github: {
        clientId: env.CONNECTOR_GITHUB_CLIENT_ID,
        clientSecret: env.CONNECTOR_GITHUB_CLIENT_SECRET,
        authorizationUrl: env.CONNECTOR_GITHUB_AUTHORIZATION_URL,
        tokenUrl: env.CONNECTOR_GITHUB_TOKEN_URL,
        revocationUrl: env.CONNECTOR_GITHUB_REVOCATION_URL,
        scopes: scopeList(env.CONNECTOR_GITHUB_SCOPES),
      },
      slack: {
        clientId: env.CONNECTOR_SLACK_CLIENT_ID,
        clientSecret: env.CONNECTOR_SLACK_CLIENT_SECRET,
        authorizationUrl: env.CONNECTOR_SLACK_AUTHORIZATION_URL,
        tokenUrl: env.CONNECTOR_SLACK_TOKEN_URL,
        revocationUrl: env.CONNECTOR_SLACK_REVOCATION_URL,
        scopes: scopeList(env.CONNECTOR_SLACK_SCOPES),
      },
    },
    gcpApiUrl: env.CONNECTOR_GCP_API_URL ? trimSlash(env.CONNECTOR_GCP_API_URL) : undefined,
    githubApiUrl: trimSlash(env.CONNECTOR_GITHUB_API_URL),
    slackApiUrl: trimSlash(env.CONNECTOR_SLACK_API_URL),
    awsRegion: env.CONNECTOR_AWS_REGION,
    awsStsEndpoint: env.CONNECTOR_AWS_STS_ENDPOINT,
    azureLoginUrl: trimSlash(env.CONNECTOR_AZURE_LOGIN_URL),
    azureManagementUrl: trimSlash(env.CONNECTOR_AZURE_MANAGEMENT_URL),
    datadogApiUrl: env.CONNECTOR_DATADOG_API_URL ? trimSlash(env.CONNECTOR_DATADOG_API_URL) : undefined,
    pagerdutyApiUrl: trimSlash(env.CONNECTOR_PAGERDUTY_API_URL),
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
