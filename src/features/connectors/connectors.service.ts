import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { ConnectorsConfig, OAuthProviderName } from '../../config/config.js';
import type { AuditActor, AuditLog } from '../../platform/audit/audit-log.js';
import type { Cache } from '../../platform/cache/cache.js';
import type { Database } from '../../platform/database/database.js';
import { Conflict, NotFound, ValidationFailed } from '../../platform/errors.js';
import { type EventBus, systemOrgId } from '../../platform/events/event-bus.js';
import type { OutboundPolicy } from '../../platform/http-client/outbound-policy.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { AuroraJobCatalog } from '../../platform/queue/job-catalog.js';
import type { Queue } from '../../platform/queue/queue.js';
import type { SecretAccess, SecretData, SecretStore } from '../../platform/secrets/secret-store.js';
import { auditActor, type Principal, principalAudit, type RequestMetadata } from '../accounts/index.js';
import { type ConnectionCacheKeys, ConnectorCache, connectionCacheKeys } from './connector-cache.js';
import { type ConnectionRow, ConnectorsRepository } from './connectors.repository.js';
import type { ConnectionDiscovery, ConnectionSettings, ConnectionStatus } from './connectors.schema.js';
import type { CredentialInput } from './credential-input.js';
import {
  type CredentialDependencies,
  type ProviderCredentials,
  resolveCredentials,
  validateCredentials,
} from './credentials.js';
import {
  authorizationUrl,
  createPkce,
  exchangeCode,
  missingScopes,
  refreshAccessToken,
  revokeGrant,
  type TokenSet,
} from './oauth.js';
import { CredentialsRejected } from './provider-http.js';
import { enabledRegions } from './providers/aws.js';
import { listSubscriptions } from './providers/azure.js';
import { listProjects } from './providers/gcp.js';
import { githubRepositories, githubUser, slackAuthTest } from './providers/http-apis.js';
import {
  type AuthKind,
  authKindLabels,
  isOAuthProvider,
  type ProviderId,
  providerIds,
  providers,
} from './providers.js';

export interface ConnectionView {
  id: string;
  provider: ProviderId;
  authKind: AuthKind;
  name: string;
  status: ConnectionStatus;
  account: string | null;
  project: string | null;
  subscription: string | null;
  region: string | null;
  scopes: string[];
  settings: ConnectionSettings;
  discovery: ConnectionDiscovery;
  lastVerifiedAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProviderCatalogEntry {
  id: ProviderId;
  name: string;
  description: string;
  authKinds: Array<{ kind: AuthKind; label: string; available: boolean; reason?: string }>;
  connections: ConnectionView[];
}

/** What a connection reaches, for the agent's system prompt and tool routing. */
export interface ConnectionScope {
  account?: string;
  project?: string;
  subscription?: string;
  region?: string;
  context?: string;
  site?: string;
  url?: string;
  projects?: string[];
  regions?: string[];
  subscriptions?: string[];
  /** GitHub repositories (owner/repo) the post-auth job found. */
  repositories?: string[];
}

export interface ConnectedProvider {
  provider: ProviderId;
  providerName: string;
  connectionId: string;
  name: string;
  status: ConnectionStatus;
  scope: ConnectionScope;
  /** One line, e.g. "Google Cloud (shop-prod): projects shop-prod, shop-staging". */
  summary: string;
}

/** Handed to a tool with the credentials: where to call, with which fetch, and the connection's cache keys. */
export interface ConnectionContext {
  id: string;
  orgId: string;
  provider: ProviderId;
  name: string;
  scope: ConnectionScope;
  /** SSRF-guarded for user-supplied URLs (Prometheus, Grafana); the plain fetch for vendor endpoints. */
  fetch: typeof fetch;
  cacheKeys: ConnectionCacheKeys;
  cache: ConnectorCache;
}

export interface CredentialUse {
  /** The tool (or job) reading the credentials, recorded in the audit log. */
  tool: string;
  userId?: string;
  requestId?: string;
}

/** Something a person should act on: a connection that must be re-authorised or that fails. */
export interface ConnectorNotice {
  type: 'needs_reauth' | 'error';
  orgId: string;
  connectionId: string;
  provider: ProviderId;
  name: string;
  reason: string;
}

export type ConnectorNotificationHook = (notice: ConnectorNotice) => void | Promise<void>;

export type OAuthFailure =
  | 'consent_denied'
  | 'authorization_failed'
  | 'invalid_state'
  | 'state_expired'
  | 'state_already_used'
  | 'session_mismatch'
  | 'token_exchange_failed'
  | 'missing_scopes'
  | 'not_configured';

export interface ConnectorsServiceDependencies {
  database: Database;
  secrets: SecretStore;
  audit: AuditLog;
  events: EventBus;
  queue: Queue<AuroraJobCatalog>;
  cache: Cache;
  registry: Registry;
  logger: Logger;
  config: ConnectorsConfig;
  publicUrl?: string;
  outbound: { policy: OutboundPolicy; fetch: typeof fetch };
  /** Operator-configured vendor endpoints; defaults to the global fetch. */
  vendorFetch?: typeof fetch;
}

const oauthStateTtlMs = 10 * 60_000;
/** Kept after expiry so a late replay is still told apart from an unknown state. */
const oauthStateRetentionMs = 24 * 3_600_000;
/** Access tokens are refreshed when they have less than this left. */
const refreshMarginMs = 5 * 60_000;
const changedEvent = 'connector.changed';
/** Any connection of the org was added, changed or removed: other processes drop their cached list. */
const listChangedEvent = 'connector.list_changed';
/** The org's connections are cached this long (every chat message asks for them); changes invalidate at once. */
const connectionListTtlMs = 30_000;
export const connectorEventTypes = ['connector.created', 'connector.updated', 'connector.deleted'] as const;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function toView(row: ConnectionRow): ConnectionView {
  return {
    id: row.id,
    provider: row.provider as ProviderId,
    authKind: row.authKind as AuthKind,
    name: row.name,
    status: row.status,
    account: row.account,
    project: row.project,
    subscription: row.subscription,
    region: row.region,
    scopes: row.scopes,
    settings: row.settings,
    discovery: row.discovery,
    lastVerifiedAt: row.lastVerifiedAt?.toISOString() ?? null,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function scopeOf(row: ConnectionRow): ConnectionScope {
  const scope: ConnectionScope = {};
  if (row.account) scope.account = row.account;
  if (row.project) scope.project = row.project;
  if (row.subscription) scope.subscription = row.subscription;
  if (row.region) scope.region = row.region;
  if (row.settings.context) scope.context = row.settings.context;
  if (row.settings.site) scope.site = row.settings.site;
  if (row.settings.url) scope.url = row.settings.url;
  const discovery = row.discovery;
  if (discovery.projects?.length) scope.projects = discovery.projects.slice(0, 20).map((entry) => entry.projectId);
  if (discovery.regions?.length) scope.regions = discovery.regions;
  if (discovery.subscriptions?.length) scope.subscriptions = discovery.subscriptions.slice(0, 20).map((s) => s.id);
  if (discovery.repositories?.length) scope.repositories = discovery.repositories.slice(0, 100).map((r) => r.fullName);
  return scope;
}

function summaryOf(row: ConnectionRow, scope: ConnectionScope): string {
  const parts = Object.entries({
    account: scope.account,
    project: scope.project,
    subscription: scope.subscription,
    region: scope.region,
    context: scope.context,
    site: scope.site,
  })
    .filter(([, value]) => value)
    .map(([key, value]) => `${key} ${value}`);
  if (scope.projects && scope.projects.length > 1) parts.push(`projects ${scope.projects.join(', ')}`);
  const status = row.status === 'active' ? '' : ` [${row.status}]`;
  return `${providers[row.provider as ProviderId]?.name ?? row.provider} "${row.name}"${parts.length ? `: ${parts.join('; ')}` : ''}${status}`;
}

/**
 * Connections to cloud and observability providers: the catalog, credential and OAuth connections, their
 * secrets (only references in the database), refresh, revocation, post-auth discovery, and the one way tools
 * obtain credentials (`withCredentials`, audited on every read).
 */
export class ConnectorsService {
  private readonly repository = new ConnectorsRepository();
  readonly cache: ConnectorCache;
  private readonly vendorFetch: typeof fetch;
  private readonly hooks: ConnectorNotificationHook[] = [];
  /** Short-lived tokens derived from stored credentials (service accounts, assumed roles); memory only. */
  private readonly derived = new Map<string, { credentials: ProviderCredentials; expiresAt: number }>();
  /** One refresh per connection at a time in this process (PGlite's advisory lock is a no-op). */
  private readonly refreshing = new Map<string, Promise<ProviderCredentials>>();
  private readonly connectionLists = new Map<string, { rows: ConnectionRow[]; expiresAt: number }>();
  /** Bumped by every change, so a list read while a change happened is not cached. */
  private connectionListVersion = 0;

  constructor(private readonly dependencies: ConnectorsServiceDependencies) {
    this.cache = new ConnectorCache(dependencies.cache, dependencies.registry);
    this.vendorFetch = dependencies.vendorFetch ?? ((input, init) => fetch(input, init));
    // Another process disconnected or re-authorised a connection: forget derived tokens at once.
    dependencies.events.subscribe(systemOrgId, (event) => {
      if (event.type === listChangedEvent) {
        const orgId = (event.data as { orgId?: unknown } | undefined)?.orgId;
        if (typeof orgId === 'string') this.forgetConnectionList(orgId);
        return;
      }
      if (event.type !== changedEvent) return;
      const connectionId = (event.data as { connectionId?: unknown } | undefined)?.connectionId;
      if (typeof connectionId === 'string') this.derived.delete(connectionId);
    });
  }

  /** Called when a connection needs a person (re-authorisation, failures). SSE and the audit log always are. */
  addNotificationHook(hook: ConnectorNotificationHook): void {
    this.hooks.push(hook);
  }

  async catalog(principal: Principal): Promise<ProviderCatalogEntry[]> {
    const rows = await this.repository.list(this.dependencies.database, principal.orgId);
    return providerIds.map((id) => {
      const definition = providers[id];
      return {
        id,
        name: definition.name,
        description: definition.description,
        authKinds: definition.authKinds.map((kind) => {
          if (kind !== 'oauth2' || !isOAuthProvider(id)) return { kind, label: authKindLabels[kind], available: true };
          const configured = this.oauthConfigured(id);
          return {
            kind,
            label: authKindLabels[kind],
            available: configured,
            ...(configured
              ? {}
              : {
                  reason: `Set CONNECTOR_${id.toUpperCase()}_CLIENT_ID and CONNECTOR_${id.toUpperCase()}_CLIENT_SECRET`,
                }),
          };
        }),
        connections: rows.filter((row) => row.provider === id).map(toView),
      };
    });
  }

  async get(principal: Principal, id: string): Promise<ConnectionView> {
    return toView(await this.require(principal.orgId, id));
  }

  /** The org's AWS external id, which roles must require in their trust policy (`sts:ExternalId`). */
  async awsExternalId(principal: Principal): Promise<string> {
    return this.repository.awsExternalId(this.dependencies.database, principal.orgId);
  }

  /** Connections tools can use, with what each reaches; for the agent's system prompt. */
  async listConnectedProviders(
    orgId: string,
    options: { includeInactive?: boolean } = {},
  ): Promise<ConnectedProvider[]> {
    const rows = await this.connectionList(orgId);
    return rows
      .filter((row) => options.includeInactive || row.status === 'active')
      .map((row) => {
        const scope = scopeOf(row);
        return {
          provider: row.provider as ProviderId,
          providerName: providers[row.provider as ProviderId]?.name ?? row.provider,
          connectionId: row.id,
          name: row.name,
          status: row.status,
          scope,
          summary: summaryOf(row, scope),
        };
      });
  }

  /** Creates a credential connection after ONE cheap read call proves the credentials work. */
  async create(
    principal: Principal,
    provider: ProviderId,
    input: CredentialInput,
    metadata: RequestMetadata = {},
  ): Promise<ConnectionView> {
    const validated = await validateCredentials(provider, input, this.credentialDependencies(principal.orgId));
    const id = randomUUID();
    const access = this.access(principal.orgId, auditActor(principal), 'connector.create', metadata.requestId);
    const secretReference = await this.dependencies.secrets.put(access, `connectors/${id}`, validated.secret);
    const now = new Date();
    try {
      await this.insertConnection(
        {
          id,
          orgId: principal.orgId,
          provider,
          authKind: input.kind,
          name: input.name ?? validated.defaultName,
          secretReference,
          status: 'active',
          account: validated.account ?? null,
          project: validated.project ?? null,
          subscription: validated.subscription ?? null,
          region: validated.region ?? null,
          scopes: validated.scopes,
          settings: validated.settings,
          lastVerifiedAt: now,
          createdBy: principal.userId,
        },
        principalAudit(principal, metadata, {
          action: 'connector.connected',
          targetType: 'connector_connection',
          targetId: id,
          details: { provider, authKind: input.kind },
        }),
      );
    } catch (error) {
      await this.dependencies.secrets.delete(access, secretReference).catch(() => undefined);
      throw error;
    }
    return toView(await this.require(principal.orgId, id));
  }

  /** Checks stored credentials again with the same cheap read; the connection's status follows the answer. */
  async verify(principal: Principal, id: string, metadata: RequestMetadata = {}): Promise<ConnectionView> {
    const row = await this.require(principal.orgId, id);
    try {
      if (row.authKind === 'oauth2') {
        await this.withCredentials(
          principal.orgId,
          id,
          { tool: 'connector.verify', userId: principal.userId, requestId: metadata.requestId },
          async (credentials) => {
            if (credentials.kind !== 'access_token') return;
            if (row.provider === 'gcp')
              await listProjects(this.dependencies.config, credentials.accessToken, this.vendorFetch, 1);
            if (row.provider === 'github')
              await githubUser(this.dependencies.config, credentials.accessToken, this.vendorFetch);
            if (row.provider === 'slack')
              await slackAuthTest(this.dependencies.config, credentials.accessToken, this.vendorFetch);
          },
        );
      } else {
        const secret = await this.readSecret(row, {
          tool: 'connector.verify',
          userId: principal.userId,
          requestId: metadata.requestId,
        });
        await validateCredentials(
          row.provider as ProviderId,
          secret as unknown as CredentialInput,
          this.credentialDependencies(principal.orgId),
        );
      }
      await this.setStatus(row, 'active', null, { lastVerifiedAt: new Date() });
    } catch (error) {
      if (!(error instanceof CredentialsRejected)) throw error;
      await this.setStatus(row, 'error', error.message);
      await this.notify({ ...this.noticeBase(row), type: 'error', reason: error.message });
    }
    return toView(await this.require(principal.orgId, id));
  }

  /**
   * Disconnects: revokes the grant where the provider supports it (best effort), deletes the row and the
   * secret, and clears the connection's caches everywhere.
   */
  async delete(
    principal: Principal,
    id: string,
    metadata: RequestMetadata = {},
  ): Promise<{ revocation: 'revoked' | 'failed' | 'not_supported' }> {
    const { database, secrets, audit, events } = this.dependencies;
    const row = await this.require(principal.orgId, id);
    const access = this.access(principal.orgId, auditActor(principal), 'connector.disconnect', metadata.requestId);
    let revocation: 'revoked' | 'failed' | 'not_supported' = 'not_supported';
    const provider = row.provider as ProviderId;
    if (row.authKind === 'oauth2' && isOAuthProvider(provider)) {
      try {
        const secret = await secrets.get(access, row.secretReference);
        await revokeGrant(
          provider,
          this.dependencies.config.oauth[provider],
          { accessToken: secret.accessToken ?? '', refreshToken: secret.refreshToken },
          this.vendorFetch,
        );
        revocation = 'revoked';
      } catch (error) {
        revocation = 'failed';
        this.dependencies.logger.warn(
          { connectionId: id, provider, reason: (error as Error).message },
          'revoking the OAuth grant failed; the connection is removed anyway',
        );
      }
    }
    await database.transaction(async (transaction) => {
      await this.repository.delete(transaction, principal.orgId, id);
      await audit.record(
        principalAudit(principal, metadata, {
          action: 'connector.disconnected',
          targetType: 'connector_connection',
          targetId: id,
          details: { provider, authKind: row.authKind, revocation },
        }),
        transaction,
      );
      transaction.afterCommit(() => this.publish(principal.orgId, 'connector.deleted', row, { status: row.status }));
    });
    await this.connectionsChanged(principal.orgId);
    await secrets.delete(access, row.secretReference);
    await this.cache.clearConnection(principal.orgId, id);
    this.derived.delete(id);
    await events.publish({ type: changedEvent, orgId: systemOrgId, data: { connectionId: id } }).catch(() => undefined);
    return { revocation };
  }

  /**
   * The one way a tool gets credentials: for one provider call, audited (connection, tool, user) before they
   * leave the secret store. OAuth access tokens close to expiry are refreshed first; a refused refresh marks the
   * connection `needs_reauth` and throws Conflict.
   */
  async withCredentials<T>(
    orgId: string,
    connectionId: string,
    use: CredentialUse,
    call: (credentials: ProviderCredentials, connection: ConnectionContext) => Promise<T>,
  ): Promise<T> {
    const row = await this.require(orgId, connectionId);
    if (row.status === 'needs_reauth') {
      throw new Conflict(
        `The ${row.provider} connection "${row.name}" must be authorised again before it can be used`,
        {
          connectionId,
          status: row.status,
        },
      );
    }
    const credentials = await this.credentialsFor(row, use);
    const provider = row.provider as ProviderId;
    return call(credentials, {
      id: row.id,
      orgId,
      provider,
      name: row.name,
      scope: scopeOf(row),
      fetch: provider === 'prometheus' || provider === 'grafana' ? this.dependencies.outbound.fetch : this.vendorFetch,
      cacheKeys: connectionCacheKeys(orgId, row.id),
      cache: this.cache,
    });
  }

  // --- OAuth -----------------------------------------------------------------------------------------------

  async startOAuth(
    principal: Principal,
    provider: OAuthProviderName,
    input: { name?: string; requestOrigin: string },
    metadata: RequestMetadata = {},
  ): Promise<{ authorizationUrl: string; expiresAt: string }> {
    const app = this.dependencies.config.oauth[provider];
    if (!this.oauthConfigured(provider)) {
      throw new ValidationFailed(
        `OAuth for ${provider} is not configured: the operator sets CONNECTOR_${provider.toUpperCase()}_CLIENT_ID and CONNECTOR_${provider.toUpperCase()}_CLIENT_SECRET`,
      );
    }
    const state = randomBytes(32).toString('base64url');
    const pkce = createPkce();
    const stateId = randomUUID();
    const redirectUri = `${this.dependencies.publicUrl ?? input.requestOrigin}/api/v1/connectors/${provider}/oauth/callback`;
    const access = this.access(principal.orgId, auditActor(principal), 'connector.oauth_start', metadata.requestId);
    const verifierReference = await this.dependencies.secrets.put(access, `connectors/oauth-states/${stateId}`, {
      codeVerifier: pkce.verifier,
    });
    const expiresAt = new Date(Date.now() + oauthStateTtlMs);
    await this.dependencies.database.transaction(async (transaction) => {
      await this.repository.insertOAuthState(transaction, {
        id: stateId,
        orgId: principal.orgId,
        userId: principal.userId,
        sessionId: principal.sessionId ?? null,
        provider,
        stateHash: sha256(state),
        verifierReference,
        scopes: app.scopes,
        redirectUri,
        connectionName: input.name ?? null,
        expiresAt,
      });
      await this.dependencies.audit.record(
        principalAudit(principal, metadata, {
          action: 'connector.oauth_started',
          targetType: 'connector_provider',
          targetId: provider,
          details: { scopes: app.scopes },
        }),
        transaction,
      );
    });
    return {
      authorizationUrl: authorizationUrl(provider, app, { state, codeChallenge: pkce.challenge, redirectUri }),
      expiresAt: expiresAt.toISOString(),
    };
  }

  /**
   * The provider sent the browser back. Returns where to send it next: the connectors page with
   * `connected={provider}&connectionId=…`, or with `error={reason}`. Every failure is audited.
   */
  async completeOAuth(
    provider: OAuthProviderName,
    query: { code?: string; state?: string; error?: string },
    session: Principal | undefined,
    metadata: RequestMetadata = {},
  ): Promise<string> {
    const { database, secrets, audit, logger } = this.dependencies;
    const fail = async (reason: OAuthFailure, orgId?: string, details: Record<string, unknown> = {}) => {
      await audit
        .record({
          orgId: orgId ?? null,
          actor: session ? auditActor(session) : { type: 'anonymous' },
          action: 'connector.oauth_failed',
          targetType: 'connector_provider',
          targetId: provider,
          outcome: 'failure',
          requestId: metadata.requestId,
          ip: metadata.ip,
          details: { reason, ...details },
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'could not audit a failed OAuth callback'));
      return this.uiLocation({ error: reason, provider });
    };

    if (!query.state) return fail('invalid_state');
    const consumed = await this.repository.consumeOAuthState(database, sha256(query.state), new Date());
    if (!consumed) return fail('invalid_state');
    if ('replayed' in consumed) return fail('state_already_used', consumed.orgId);
    const state = consumed.row;
    const stateAccess = this.access(state.orgId, { type: 'system' }, 'connector.oauth_callback', metadata.requestId);
    let codeVerifier: string | undefined;
    try {
      codeVerifier = (await secrets.get(stateAccess, state.verifierReference)).codeVerifier;
    } finally {
      await secrets.delete(stateAccess, state.verifierReference).catch(() => undefined);
    }
    if (state.provider !== provider) return fail('invalid_state', state.orgId);
    if (state.expiresAt.getTime() < Date.now()) return fail('state_expired', state.orgId);
    if (
      !session ||
      session.userId !== state.userId ||
      session.orgId !== state.orgId ||
      (state.sessionId !== null && session.sessionId !== state.sessionId)
    ) {
      return fail('session_mismatch', state.orgId);
    }
    if (query.error) {
      return fail(query.error === 'access_denied' ? 'consent_denied' : 'authorization_failed', state.orgId, {
        error: query.error.slice(0, 100),
      });
    }
    if (!query.code || !codeVerifier) return fail('authorization_failed', state.orgId);

    const app = this.dependencies.config.oauth[provider];
    let tokens: TokenSet;
    try {
      tokens = await exchangeCode(
        provider,
        app,
        { code: query.code, redirectUri: state.redirectUri, codeVerifier },
        this.vendorFetch,
      );
    } catch (error) {
      return fail('token_exchange_failed', state.orgId, { message: (error as Error).message });
    }
    const missing = missingScopes(state.scopes, tokens.scopes);
    if (missing.length > 0) {
      await revokeGrant(provider, app, tokens, this.vendorFetch).catch(() => undefined);
      return fail('missing_scopes', state.orgId, { missing });
    }

    const id = randomUUID();
    const access = this.access(state.orgId, auditActor(session), 'connector.oauth_callback', metadata.requestId);
    const secretReference = await secrets.put(access, `connectors/${id}`, oauthSecret(tokens));
    const definition = providers[provider];
    try {
      await this.insertConnection(
        {
          id,
          orgId: state.orgId,
          provider,
          authKind: 'oauth2',
          name: state.connectionName ?? (tokens.team ? `${definition.name} ${tokens.team}` : definition.name),
          secretReference,
          status: 'active',
          account: tokens.team ?? null,
          scopes: tokens.scopes ?? state.scopes,
          settings: tokens.team ? { team: tokens.team } : {},
          accessTokenExpiresAt: tokens.expiresAt ?? null,
          lastVerifiedAt: new Date(),
          createdBy: session.userId,
        },
        principalAudit(session, metadata, {
          action: 'connector.connected',
          targetType: 'connector_connection',
          targetId: id,
          details: { provider, authKind: 'oauth2', scopes: tokens.scopes ?? state.scopes },
        }),
      );
    } catch (error) {
      await secrets.delete(access, secretReference).catch(() => undefined);
      throw error;
    }
    return this.uiLocation({ connected: provider, connectionId: id });
  }

  /** Where the OAuth callback sends the browser (the web UI's connectors page). */
  uiLocation(parameters: Record<string, string>): string {
    return `${this.dependencies.publicUrl ?? ''}/settings/connectors?${new URLSearchParams(parameters)}`;
  }

  // --- Jobs ------------------------------------------------------------------------------------------------

  /** `connector.post_auth`: looks up projects, regions, accounts, repositories or subscriptions and saves them. */
  async runPostAuth(orgId: string, connectionId: string): Promise<void> {
    const row = await this.repository.find(this.dependencies.database, orgId, connectionId);
    if (!row) return; // disconnected meanwhile
    const provider = row.provider as ProviderId;
    const { config } = this.dependencies;
    try {
      const discovery = await this.withCredentials(
        orgId,
        connectionId,
        { tool: 'connector.post_auth', userId: row.createdBy ?? undefined },
        async (credentials, connection): Promise<{ discovery: ConnectionDiscovery; account?: string }> => {
          if (provider === 'gcp' && credentials.kind === 'access_token') {
            const { projects, truncated } = await listProjects(config, credentials.accessToken, this.vendorFetch);
            if (row.createdBy) await this.cache.set(connection.cacheKeys.gcpProjects(row.createdBy), projects);
            return { discovery: { projects, truncated } };
          }
          if (provider === 'aws' && credentials.kind === 'aws') {
            const regions = await enabledRegions(credentials.region, credentials);
            return { discovery: { regions, accounts: row.account ? [{ id: row.account }] : [] } };
          }
          if (provider === 'github' && credentials.kind === 'access_token') {
            const user =
              row.authKind === 'oauth2'
                ? await githubUser(config, credentials.accessToken, this.vendorFetch)
                : undefined;
            const { repositories, truncated } = await githubRepositories(
              config,
              credentials.accessToken,
              this.vendorFetch,
            );
            return { discovery: { repositories, truncated }, account: user?.login };
          }
          if (provider === 'azure' && credentials.kind === 'access_token') {
            const subscriptions = await listSubscriptions(config, credentials.accessToken, this.vendorFetch);
            return { discovery: { subscriptions } };
          }
          return { discovery: {} };
        },
      );
      const onlyProject =
        discovery.discovery.projects?.length === 1 ? discovery.discovery.projects[0]?.projectId : undefined;
      await this.repository.update(this.dependencies.database, orgId, connectionId, {
        discovery: { ...discovery.discovery, discoveredAt: new Date().toISOString() },
        lastVerifiedAt: new Date(),
        status: 'active',
        lastError: null,
        ...(discovery.account && !row.account ? { account: discovery.account } : {}),
        ...(onlyProject && !row.project ? { project: onlyProject } : {}),
      });
      await this.connectionsChanged(orgId);
    } catch (error) {
      if (error instanceof Conflict) return; // needs_reauth was recorded and announced already
      if (!(error instanceof CredentialsRejected)) throw error; // outages are retried by the queue
      await this.setStatus(row, 'error', error.message);
      await this.notify({ ...this.noticeBase(row), type: 'error', reason: error.message });
      return;
    }
    const updated = await this.repository.find(this.dependencies.database, orgId, connectionId);
    if (updated) await this.publish(orgId, 'connector.updated', updated);
  }

  /** `connector.oauth_states.prune`: removes long-expired OAuth states and any PKCE verifier left behind. */
  async pruneOAuthStates(): Promise<number> {
    const { database, secrets } = this.dependencies;
    const stale = await this.repository.staleOAuthStates(database, new Date(Date.now() - oauthStateRetentionMs));
    for (const state of stale) {
      await secrets
        .delete(this.access(state.orgId, { type: 'system' }, 'connector.oauth_prune'), state.verifierReference)
        .catch(() => undefined);
      await this.repository.deleteOAuthState(database, state.id);
    }
    return stale.length;
  }

  // --- internals -------------------------------------------------------------------------------------------

  private oauthConfigured(provider: OAuthProviderName): boolean {
    const app = this.dependencies.config.oauth[provider];
    return Boolean(app.clientId && app.clientSecret);
  }

  /** The org's connections, cached per process (TTL, and dropped on every change here or in another process). */
  private async connectionList(orgId: string): Promise<ConnectionRow[]> {
    const cached = this.connectionLists.get(orgId);
    if (cached && cached.expiresAt > Date.now()) return cached.rows;
    const version = this.connectionListVersion;
    const rows = await this.repository.list(this.dependencies.database, orgId);
    if (version === this.connectionListVersion) {
      this.connectionLists.set(orgId, { rows, expiresAt: Date.now() + connectionListTtlMs });
    }
    return rows;
  }

  private forgetConnectionList(orgId: string): void {
    this.connectionListVersion++;
    this.connectionLists.delete(orgId);
  }

  /** After every write to a connection row: the cached lists here and in other processes are stale. */
  private async connectionsChanged(orgId: string): Promise<void> {
    this.forgetConnectionList(orgId);
    await this.dependencies.events
      .publish({ type: listChangedEvent, orgId: systemOrgId, data: { orgId } })
      .catch((error: unknown) =>
        this.dependencies.logger.warn({ err: error }, 'could not announce a change to the connections'),
      );
  }

  private async require(orgId: string, id: string): Promise<ConnectionRow> {
    const row = await this.repository.find(this.dependencies.database, orgId, id);
    if (!row) throw new NotFound('Connection not found');
    return row;
  }

  private access(orgId: string, actor: AuditActor, purpose: string, requestId?: string): SecretAccess {
    return { orgId, actor, purpose, requestId };
  }

  private credentialDependencies(orgId: string): CredentialDependencies {
    return {
      orgId,
      config: this.dependencies.config,
      policy: this.dependencies.outbound.policy,
      outboundFetch: this.dependencies.outbound.fetch,
      vendorFetch: this.vendorFetch,
      awsExternalId: () => this.repository.awsExternalId(this.dependencies.database, orgId),
    };
  }

  private async insertConnection(
    row: Parameters<ConnectorsRepository['insert']>[1],
    auditEntry: Parameters<AuditLog['record']>[0],
  ): Promise<void> {
    const provider = row.provider as ProviderId;
    await this.dependencies.database.transaction(async (transaction) => {
      await this.repository.insert(transaction, row);
      await this.dependencies.audit.record(auditEntry, transaction);
      if (providers[provider].discovers.length > 0) {
        await this.dependencies.queue.enqueue(
          'connector.post_auth',
          { orgId: row.orgId, connectionId: row.id },
          { transaction },
        );
      }
    });
    await this.connectionsChanged(row.orgId);
    const inserted = await this.repository.find(this.dependencies.database, row.orgId, row.id);
    if (inserted) await this.publish(row.orgId, 'connector.created', inserted);
  }

  /** Reads the connection's secret and records who read it, for which tool. No value leaves unaudited. */
  private async readSecret(row: ConnectionRow, use: CredentialUse): Promise<SecretData> {
    const actor: AuditActor = use.userId ? { type: 'user', id: use.userId } : { type: 'system' };
    const secret = await this.dependencies.secrets.get(
      this.access(row.orgId, actor, `connector:${row.id}:tool:${use.tool}`, use.requestId),
      row.secretReference,
    );
    await this.dependencies.audit.record({
      orgId: row.orgId,
      actor,
      action: 'connector.credentials_read',
      targetType: 'connector_connection',
      targetId: row.id,
      requestId: use.requestId,
      details: { provider: row.provider, tool: use.tool, userId: use.userId ?? null },
    });
    return secret;
  }

  private async credentialsFor(row: ConnectionRow, use: CredentialUse): Promise<ProviderCredentials> {
    const provider = row.provider as ProviderId;
    if (row.authKind === 'oauth2') {
      const secret = await this.readSecret(row, use);
      const expiresAt = secret.expiresAt ? new Date(secret.expiresAt) : undefined;
      if (!expiresAt || expiresAt.getTime() - Date.now() > refreshMarginMs) {
        return { kind: 'access_token', accessToken: secret.accessToken ?? '', expiresAt };
      }
      let pending = this.refreshing.get(row.id);
      if (!pending) {
        pending = this.dependencies.database
          .withAdvisoryLock(`connector-refresh:${row.id}`, () => this.refresh(row))
          .finally(() => this.refreshing.delete(row.id));
        this.refreshing.set(row.id, pending);
      }
      return pending;
    }
    const cached = this.derived.get(row.id);
    if (cached && cached.expiresAt - Date.now() > refreshMarginMs) {
      // Still a credential read: audited like any other.
      await this.readAudit(row, use);
      return cached.credentials;
    }
    const secret = await this.readSecret(row, use);
    const credentials = await resolveCredentials(provider, secret, row, this.credentialDependencies(row.orgId));
    if ((credentials.kind === 'access_token' || credentials.kind === 'aws') && credentials.expiresAt) {
      this.derived.set(row.id, { credentials, expiresAt: credentials.expiresAt.getTime() });
    }
    return credentials;
  }

  private async readAudit(row: ConnectionRow, use: CredentialUse): Promise<void> {
    await this.dependencies.audit.record({
      orgId: row.orgId,
      actor: use.userId ? { type: 'user', id: use.userId } : { type: 'system' },
      action: 'connector.credentials_read',
      targetType: 'connector_connection',
      targetId: row.id,
      requestId: use.requestId,
      details: { provider: row.provider, tool: use.tool, userId: use.userId ?? null, cached: true },
    });
  }

  /** Refreshes an OAuth access token (under a lock, re-reading the secret in case another process already did). */
  private async refresh(row: ConnectionRow): Promise<ProviderCredentials> {
    const provider = row.provider as OAuthProviderName;
    const { secrets, audit } = this.dependencies;
    const access = this.access(row.orgId, { type: 'system' }, `connector:${row.id}:refresh`);
    const current = await secrets.get(access, row.secretReference);
    const currentExpiry = current.expiresAt ? new Date(current.expiresAt) : undefined;
    if (currentExpiry && currentExpiry.getTime() - Date.now() > refreshMarginMs) {
      return { kind: 'access_token', accessToken: current.accessToken ?? '', expiresAt: currentExpiry };
    }
    if (!current.refreshToken) {
      await this.markNeedsReauth(row, 'The access token expired and the provider gave no refresh token');
      throw this.needsReauth(row);
    }
    let tokens: TokenSet;
    try {
      tokens = await refreshAccessToken(
        provider,
        this.dependencies.config.oauth[provider],
        current.refreshToken,
        this.vendorFetch,
      );
    } catch (error) {
      if (!(error instanceof CredentialsRejected)) throw error;
      await this.markNeedsReauth(row, `Refreshing the access token failed: ${error.message}`);
      throw this.needsReauth(row);
    }
    const next = oauthSecret({ ...tokens, refreshToken: tokens.refreshToken ?? current.refreshToken });
    await secrets.put(access, `connectors/${row.id}`, next);
    await this.repository.update(this.dependencies.database, row.orgId, row.id, {
      accessTokenExpiresAt: tokens.expiresAt ?? null,
      lastVerifiedAt: new Date(),
      status: 'active',
      lastError: null,
    });
    await this.connectionsChanged(row.orgId);
    await audit.record({
      orgId: row.orgId,
      actor: { type: 'system' },
      action: 'connector.token_refreshed',
      targetType: 'connector_connection',
      targetId: row.id,
      details: { provider, expiresAt: tokens.expiresAt?.toISOString() ?? null },
    });
    return { kind: 'access_token', accessToken: tokens.accessToken, expiresAt: tokens.expiresAt };
  }

  private needsReauth(row: ConnectionRow): Conflict {
    return new Conflict(`The ${row.provider} connection "${row.name}" must be authorised again`, {
      connectionId: row.id,
      status: 'needs_reauth',
    });
  }

  private async markNeedsReauth(row: ConnectionRow, reason: string): Promise<void> {
    await this.setStatus(row, 'needs_reauth', reason);
    await this.dependencies.audit.record({
      orgId: row.orgId,
      actor: { type: 'system' },
      action: 'connector.needs_reauth',
      targetType: 'connector_connection',
      targetId: row.id,
      outcome: 'failure',
      details: { provider: row.provider, reason },
    });
    await this.notify({ ...this.noticeBase(row), type: 'needs_reauth', reason });
  }

  private async setStatus(
    row: ConnectionRow,
    status: ConnectionStatus,
    lastError: string | null,
    extra: { lastVerifiedAt?: Date } = {},
  ): Promise<void> {
    await this.repository.update(this.dependencies.database, row.orgId, row.id, { status, lastError, ...extra });
    await this.connectionsChanged(row.orgId);
    const updated = await this.repository.find(this.dependencies.database, row.orgId, row.id);
    if (updated) await this.publish(row.orgId, 'connector.updated', updated);
  }

  private noticeBase(row: ConnectionRow) {
    return { orgId: row.orgId, connectionId: row.id, provider: row.provider as ProviderId, name: row.name };
  }

  private async notify(notice: ConnectorNotice): Promise<void> {
    for (const hook of this.hooks) {
      try {
        await hook(notice);
      } catch (error) {
        this.dependencies.logger.warn(
          { err: error, connectionId: notice.connectionId },
          'a connector notification hook failed',
        );
      }
    }
  }

  private async publish(
    orgId: string,
    type: (typeof connectorEventTypes)[number],
    row: ConnectionRow,
    override: Partial<{ status: ConnectionStatus }> = {},
  ): Promise<void> {
    await this.dependencies.events
      .publish({
        type,
        orgId,
        data: {
          connectionId: row.id,
          provider: row.provider,
          name: row.name,
          status: override.status ?? row.status,
          lastError: row.lastError,
        },
      })
      .catch((error: unknown) => this.dependencies.logger.warn({ err: error }, 'could not publish a connector event'));
  }
}

function oauthSecret(tokens: TokenSet): SecretData {
  const secret: SecretData = { kind: 'oauth2', accessToken: tokens.accessToken, tokenType: tokens.tokenType };
  if (tokens.refreshToken) secret.refreshToken = tokens.refreshToken;
  if (tokens.expiresAt) secret.expiresAt = tokens.expiresAt.toISOString();
  if (tokens.scopes) secret.scope = tokens.scopes.join(' ');
  return secret;
}
