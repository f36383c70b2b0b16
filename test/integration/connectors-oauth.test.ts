import { randomUUID } from 'node:crypto';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorNotice } from '../../src/features/connectors/index.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
  tablesContaining,
} from '../support/application.js';
import { ProviderApisStandIn } from '../support/provider-apis-stand-in.js';
import { VaultStandIn } from '../support/vault-stand-in.js';

/**
 * The seed's first flow, end to end: GCP OAuth 2.0 (authorization code + PKCE S256) against oauth2-mock-server,
 * a real OAuth 2.0 server, as Google's authorization, token and revocation endpoints; Cloud Resource Manager
 * (the post-auth project listing) is a stand-in. Secrets go to the Vault stand-in, so the reference the
 * database keeps has the documented `vault:kv/data/aurora/orgs/{orgId}/connectors/{connectionId}` form.
 */
const requestedScope = 'https://www.googleapis.com/auth/cloud-platform.read-only';

describe('GCP OAuth 2.0 connection flow (oauth2-mock-server)', () => {
  let oauth: OAuth2Server;
  let vault: VaultStandIn;
  let google: ProviderApisStandIn;
  let app: TestApplication;
  let org: TestOrganization;
  let cookie: string;
  const notices: ConnectorNotice[] = [];
  /** What the token endpoint grants and how long its access tokens live (Google answers with `scope`). */
  const grant = { scope: requestedScope, expiresIn: 3600 };
  const revoked: string[] = [];

  beforeAll(async () => {
    oauth = new OAuth2Server();
    await oauth.issuer.keys.generate('RS256');
    await oauth.start(0, '127.0.0.1');
    oauth.service.on('beforeResponse', (response) => {
      if (response.statusCode !== 200) return;
      response.body.scope = grant.scope;
      response.body.expires_in = grant.expiresIn;
    });
    // Real access tokens are unique; the mock's JWTs would repeat within one second without a jti.
    oauth.service.on('beforeTokenSigning', (token) => {
      token.payload.jti = randomUUID();
    });
    oauth.service.on('beforeRevoke', (_response, request) => revoked.push(String(request.url)));
    const issuer = oauth.issuer.url!;
    vault = await VaultStandIn.start({ rootToken: 'vault-root-for-oauth-tests' });
    google = await ProviderApisStandIn.start({
      projects: [
        { projectId: 'shop-prod', name: 'Shop Prod' },
        { projectId: 'shop-staging', name: 'Shop Staging' },
      ],
    });
    app = await startTestApplication({
      environment: {
        SECRETS_BACKEND: 'vault',
        VAULT_ADDR: vault.address,
        VAULT_TOKEN: 'vault-root-for-oauth-tests',
        CONNECTOR_GCP_CLIENT_ID: 'aurora-test-client',
        CONNECTOR_GCP_CLIENT_SECRET: `client-secret-${randomUUID()}`,
        CONNECTOR_GCP_AUTHORIZATION_URL: `${issuer}/authorize`,
        CONNECTOR_GCP_TOKEN_URL: `${issuer}/token`,
        CONNECTOR_GCP_REVOCATION_URL: `${issuer}/revoke`,
        CONNECTOR_GCP_API_URL: `${google.url}/google`,
      },
    });
    app.services.connectors.addNotificationHook((notice) => void notices.push(notice));
    org = await createTestOrganization(app, 'oauth');
    const login = await api(app, 'POST', '/api/v1/auth/login', {
      body: { email: org.adminEmail, password: org.adminPassword },
    });
    expect(login.status).toBe(200);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  });
  afterAll(async () => {
    await app?.close();
    await google?.stop();
    await vault?.stop();
    await oauth?.stop();
  });

  /** Starts the flow as the signed-in user and lets the browser follow the provider's redirect; returns the callback URL. */
  async function consent(): Promise<{ callback: string; authorizationUrl: URL }> {
    const start = await api(app, 'POST', '/api/v1/connectors/gcp/oauth/start', { cookie, body: {} });
    expect(start.status).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    const atProvider = await fetch(authorizationUrl, { redirect: 'manual' });
    expect(atProvider.status).toBe(302);
    return { callback: atProvider.headers.get('location')!, authorizationUrl };
  }

  async function callback(url: string, withCookie: string | undefined = cookie) {
    const { pathname, search } = new URL(url);
    const response = await api(app, 'GET', `${pathname}${search}`, { cookie: withCookie });
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location')!, 'http://ui.invalid');
  }

  /** Waits for the post-auth job (which uses the token), then makes the stored access token expired. */
  async function expireAccessToken(
    connectionId: string,
  ): Promise<{ reference: string; before: Record<string, string> }> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const view = await api(app, 'GET', `/api/v1/connectors/connections/${connectionId}`, {
        token: org.tokens.viewer,
      });
      if (view.body.discovery?.discoveredAt) break;
      if (Date.now() > deadline) throw new Error('the post-auth job did not finish');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [row] = await app.platform.database.query<{ secret_reference: string }>(
      'select secret_reference from connector_connections where id = $1',
      [connectionId],
    );
    const access = { orgId: org.orgId, actor: { type: 'system' as const } };
    const before = await app.platform.secrets.get(access, row!.secret_reference);
    await app.platform.secrets.put(access, `connectors/${connectionId}`, {
      ...before,
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    return { reference: row!.secret_reference, before };
  }

  async function connect(): Promise<{ connectionId: string; callback: string }> {
    const { callback: url } = await consent();
    const landed = await callback(url);
    expect(landed.pathname).toBe('/settings/connectors');
    expect(landed.searchParams.get('error')).toBeNull();
    expect(landed.searchParams.get('connected')).toBe('gcp');
    return { connectionId: landed.searchParams.get('connectionId')!, callback: url };
  }

  it('connects: code exchanged with PKCE, tokens in the secret store, reference in the database, projects listed', async () => {
    const stream = api(app, 'GET', '/api/v1/connectors/stream', { token: org.tokens.viewer, streamMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { callback: url, authorizationUrl } = await consent();
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('scope')).toBe(requestedScope);
    expect(authorizationUrl.searchParams.get('access_type')).toBe('offline');
    expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(`${app.url}/api/v1/connectors/gcp/oauth/callback`);
    const landed = await callback(url);
    expect(landed.searchParams.get('connected')).toBe('gcp');
    const connectionId = landed.searchParams.get('connectionId')!;

    const [row] = await app.platform.database.query<{ secret_reference: string; status: string; scopes: string[] }>(
      'select secret_reference, status, scopes from connector_connections where id = $1',
      [connectionId],
    );
    expect(row!.secret_reference).toBe(`vault:kv/data/aurora/orgs/${org.orgId}/connectors/${connectionId}`);
    expect(row).toMatchObject({ status: 'active', scopes: [requestedScope] });
    const stored = await app.platform.secrets.get(
      { orgId: org.orgId, actor: { type: 'system' } },
      row!.secret_reference,
    );
    expect(stored).toMatchObject({
      kind: 'oauth2',
      tokenType: 'Bearer',
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(vault.versionCount(`aurora/orgs/${org.orgId}/connectors/${connectionId}`)).toBe(1);
    for (const token of [stored.accessToken!, stored.refreshToken!]) {
      expect(await tablesContaining(app, token)).toEqual([]);
    }

    // connector.post_auth listed the projects with the user's access token and announced it over SSE.
    const text = (await stream).text;
    expect(text).toContain('event: connector.created');
    expect(text).toContain('event: connector.updated');
    const view = await api(app, 'GET', `/api/v1/connectors/connections/${connectionId}`, { token: org.tokens.viewer });
    expect(view.body.discovery.projects.map((project: { projectId: string }) => project.projectId)).toEqual([
      'shop-prod',
      'shop-staging',
    ]);
    expect(view.text).not.toContain(stored.accessToken!);
    const listing = google.requestsTo('/google/cloudresourcemanager/v1/projects').at(-1);
    expect(listing?.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    const audit = await app.platform.audit.list(org.orgId, { limit: 50, action: 'connector.connected' });
    expect(audit.items[0]).toMatchObject({ targetId: connectionId, details: { provider: 'gcp', authKind: 'oauth2' } });

    // The state is single use: the same callback again is refused and creates nothing.
    const replay = await callback(url);
    expect(replay.searchParams.get('error')).toBe('state_already_used');
  });

  it('reports denied consent, unknown, expired and foreign-session states, token endpoint failures and missing scopes', async () => {
    oauth.service.once('beforeAuthorizeRedirect', (redirect) => {
      redirect.url.searchParams.delete('code');
      redirect.url.searchParams.set('error', 'access_denied');
    });
    expect((await callback((await consent()).callback)).searchParams.get('error')).toBe('consent_denied');

    const unknown = await callback(`${app.url}/api/v1/connectors/gcp/oauth/callback?code=abc&state=${randomUUID()}`);
    expect(unknown.searchParams.get('error')).toBe('invalid_state');

    const late = await consent();
    await app.platform.database.query(
      "update connector_oauth_states set expires_at = now() - interval '1 minute' where org_id = $1 and consumed_at is null",
      [org.orgId],
    );
    expect((await callback(late.callback)).searchParams.get('error')).toBe('state_expired');

    // The state is bound to the session that started the flow: without it (or with another) the code is not used.
    const elsewhere = await consent();
    expect((await callback(elsewhere.callback, '')).searchParams.get('error')).toBe('session_mismatch');

    oauth.service.once('beforeResponse', (response) => {
      response.statusCode = 500;
      response.body = { error: 'server_error' };
    });
    expect((await callback((await consent()).callback)).searchParams.get('error')).toBe('token_exchange_failed');

    grant.scope = 'openid email';
    try {
      expect((await callback((await consent()).callback)).searchParams.get('error')).toBe('missing_scopes');
    } finally {
      grant.scope = requestedScope;
    }

    const failures = await app.platform.audit.list(org.orgId, { limit: 50, action: 'connector.oauth_failed' });
    expect(failures.items.map((item) => item.details.reason).sort()).toEqual(
      [
        'consent_denied',
        'missing_scopes',
        'session_mismatch',
        'state_already_used',
        'state_expired',
        'token_exchange_failed',
      ].sort(),
    );
    // None of the failures left a connection behind (only the happy path's exists).
    const [count] = await app.platform.database.query<{ count: number }>(
      'select count(*)::int as count from connector_connections where org_id = $1',
      [org.orgId],
    );
    expect(count!.count).toBe(1);
  });

  it('refreshes an access token close to expiry before handing it to a tool', async () => {
    const { connectionId } = await connect();
    const { reference, before } = await expireAccessToken(connectionId);

    const credentials = await app.services.connectors.withCredentials(
      org.orgId,
      connectionId,
      { tool: 'list_gke_clusters', userId: org.adminUserId },
      async (given) => given,
    );
    expect(credentials.kind).toBe('access_token');
    const accessToken = (credentials as { accessToken: string }).accessToken;
    expect(accessToken).not.toBe(before.accessToken);
    const after = await app.platform.secrets.get({ orgId: org.orgId, actor: { type: 'system' } }, reference);
    expect(after.accessToken).toBe(accessToken);
    expect(new Date(after.expiresAt!).getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    const refreshed = await app.platform.audit.list(org.orgId, { limit: 5, action: 'connector.token_refreshed' });
    expect(refreshed.items[0]?.targetId).toBe(connectionId);
    const read = await app.platform.audit.list(org.orgId, { limit: 5, action: 'connector.credentials_read' });
    expect(read.items.some((item) => item.details.tool === 'list_gke_clusters' && item.targetId === connectionId)).toBe(
      true,
    );
  });

  it('marks the connection needs_reauth and notifies when the refresh is refused', async () => {
    const { connectionId } = await connect();
    await expireAccessToken(connectionId);
    const stream = api(app, 'GET', '/api/v1/connectors/stream', { token: org.tokens.viewer, streamMs: 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    oauth.service.once('beforeResponse', (response) => {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
    });
    await expect(
      app.services.connectors.withCredentials(
        org.orgId,
        connectionId,
        { tool: 'list_gke_clusters' },
        async () => 'used',
      ),
    ).rejects.toThrow('must be authorised again');

    const view = await api(app, 'GET', `/api/v1/connectors/connections/${connectionId}`, { token: org.tokens.viewer });
    expect(view.body.status).toBe('needs_reauth');
    expect(view.body.lastError).toContain('invalid_grant');
    expect(notices.at(-1)).toMatchObject({ type: 'needs_reauth', connectionId, provider: 'gcp' });
    const audit = await app.platform.audit.list(org.orgId, { limit: 5, action: 'connector.needs_reauth' });
    expect(audit.items[0]?.targetId).toBe(connectionId);
    const text = (await stream).text;
    expect(text).toMatch(/event: connector\.updated\ndata: .*"status":"needs_reauth"/);
    // Until the user reconnects, tools are refused without another refresh attempt.
    await expect(
      app.services.connectors.withCredentials(org.orgId, connectionId, { tool: 'x' }, async () => 'used'),
    ).rejects.toThrow('must be authorised again');
  });

  it('disconnects: revokes the grant at the revocation endpoint and deletes the secret', async () => {
    const { connectionId } = await connect();
    const [row] = await app.platform.database.query<{ secret_reference: string }>(
      'select secret_reference from connector_connections where id = $1',
      [connectionId],
    );
    const revokedBefore = revoked.length;
    const response = await api(app, 'DELETE', `/api/v1/connectors/connections/${connectionId}`, {
      token: org.tokens.editor,
    });
    expect(response.body).toEqual({ revocation: 'revoked' });
    expect(revoked.length).toBe(revokedBefore + 1);
    await expect(
      app.platform.secrets.get({ orgId: org.orgId, actor: { type: 'system' } }, row!.secret_reference),
    ).rejects.toThrow('Secret not found');
  });
});
