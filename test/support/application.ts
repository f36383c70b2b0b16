import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../../src/config/config.js';
import type { Role } from '../../src/features/accounts/index.js';
import type { Logger, SecretRedactor } from '../../src/platform/logger/logger.js';
import { type ProcessRole, type RunningApplication, startApplication } from '../../src/server/application.js';
import type { ServiceOverrides } from '../../src/server/services.js';
import { copyPgliteTemplate, createPostgresDatabase, dropPostgresDatabase } from './database.js';
import { silentLogger } from './logger.js';

export interface TestApplication extends RunningApplication {
  url: string;
  config: Config;
  dataDir: string;
  /** Stops the app and removes its database and data dir. */
  close(): Promise<void>;
}

/**
 * A real Aurora (HTTP on a random loopback port, workers, scheduler) on its own database:
 * PostgreSQL when the run has DATABASE_URL, otherwise PGlite in a temporary data dir.
 * REDIS_URL, when set, switches the cache and event bus to Redis as in production.
 */
export async function startTestApplication(
  options: {
    environment?: Record<string, string>;
    roles?: ProcessRole[];
    logger?: Logger;
    redactor?: SecretRedactor;
    serviceOverrides?: ServiceOverrides;
  } = {},
): Promise<TestApplication> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aurora-app-'));
  const baseUrl = process.env.DATABASE_URL;
  let databaseUrl: string | undefined;
  if (baseUrl) databaseUrl = await createPostgresDatabase(baseUrl);
  else copyPgliteTemplate(dataDir);

  const config = loadConfig({
    AURORA_HOST: '127.0.0.1',
    AURORA_PORT: '0',
    AURORA_DATA_DIR: dataDir,
    AURORA_SHUTDOWN_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, AURORA_MIGRATE_ON_START: 'true' } : {}),
    ...(process.env.REDIS_URL
      ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `aurora-test-${randomUUID()}:` }
      : {}),
    ...options.environment,
  });
  const application = await startApplication(config, {
    roles: options.roles ?? ['api', 'worker', 'scheduler'],
    logger: options.logger ?? silentLogger(),
    redactor: options.redactor,
    serviceOverrides: options.serviceOverrides,
  });
  if (!application.url) throw new Error('the test application has no API role');
  return {
    ...application,
    url: application.url,
    config,
    dataDir,
    async close() {
      await application.stop();
      if (baseUrl && databaseUrl) await dropPostgresDatabase(baseUrl, databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestOrganization {
  orgId: string;
  orgName: string;
  adminUserId: string;
  adminEmail: string;
  adminPassword: string;
  /** API tokens for the admin, and for an editor and a viewer created in the same org. */
  tokens: Record<Role, string>;
  userIds: Record<Role, string>;
}

/** A new org with random names, an admin, an editor and a viewer, each with an API token. */
export async function createTestOrganization(
  application: RunningApplication,
  label = 'org',
): Promise<TestOrganization> {
  const suffix = randomUUID().slice(0, 8);
  const orgName = `${label}-${suffix}`;
  const adminEmail = `admin-${suffix}@example.com`;
  const adminPassword = `password-${randomUUID()}`;
  const accounts = application.services.accounts;
  const created = await accounts.createOrganizationWithAdmin({
    organizationName: orgName,
    email: adminEmail,
    password: adminPassword,
  });
  const admin = {
    kind: 'session' as const,
    userId: created.userId,
    email: adminEmail,
    orgId: created.orgId,
    role: 'admin' as const,
  };
  const userIds: Record<Role, string> = { admin: created.userId, editor: '', viewer: '' };
  const tokens: Record<Role, string> = {
    admin: (await accounts.createApiToken(admin, { name: 'admin token' })).token,
    editor: '',
    viewer: '',
  };
  for (const role of ['editor', 'viewer'] as const) {
    const email = `${role}-${suffix}@example.com`;
    const { userId } = await accounts.addMember(admin, { email, role, password: `password-${randomUUID()}` });
    userIds[role] = userId;
    tokens[role] = (await accounts.createApiToken({ ...admin, userId, email, role }, { name: `${role} token` })).token;
  }
  return { orgId: created.orgId, orgName, adminUserId: created.userId, adminEmail, adminPassword, tokens, userIds };
}

export interface ApiResponse<Body = unknown> {
  status: number;
  headers: Headers;
  body: Body;
  text: string;
}

/**
 * A fetch against the test app; JSON bodies are encoded and decoded. An event stream is read for
 * `streamMs` (default 300 ms) and then closed, so walking every route never hangs on one.
 */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely; each assertion states the shape it expects
export async function api<Body = any>(
  application: { url: string },
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    rawBody?: string | Buffer;
    headers?: Record<string, string>;
    cookie?: string;
    streamMs?: number;
  } = {},
): Promise<ApiResponse<Body>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  let body: string | Buffer | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const controller = new AbortController();
  const response = await fetch(`${application.url}${path}`, {
    method,
    headers,
    body,
    redirect: 'manual',
    signal: controller.signal,
  });
  let text = '';
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const timer = setTimeout(() => controller.abort(), options.streamMs ?? 300);
    try {
      for await (const chunk of response.body ?? []) text += Buffer.from(chunk).toString('utf8');
    } catch {
      // Aborted after streamMs: what arrived so far is the answer.
    } finally {
      clearTimeout(timer);
    }
    return { status: response.status, headers: response.headers, body: text as Body, text };
  }
  text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed as Body, text };
}

/** Tables (every schema Aurora owns) with a row whose text form contains `needle`: where a secret must never be. */
export async function tablesContaining(
  app: { platform: TestApplication['platform'] },
  needle: string,
): Promise<string[]> {
  const tables = await app.platform.database.query<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  const hits: string[] = [];
  for (const table of tables) {
    const rows = await app.platform.database.query<{ count: number }>(
      `select count(*)::int as count from "${table.schema}"."${table.name}" t where position($1 in t::text) > 0`,
      [needle],
    );
    if ((rows[0]?.count ?? 0) > 0) hits.push(`${table.schema}.${table.name}`);
  }
  return hits;
}
