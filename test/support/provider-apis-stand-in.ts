import { createPublicKey, createVerify, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stand-ins for the provider APIs connectors validate against (none can run here), on one loopback HTTP server,
 * each under its own path prefix and following the vendor's documented request and response shapes:
 * - /google: OAuth 2.0 JWT bearer token endpoint for service accounts (RFC 7523) and Cloud Resource Manager v1;
 * - /azure/login, /azure/management: Microsoft identity platform client credentials, ARM subscriptions;
 * - /datadog: GET /api/v1/validate;  /grafana: GET /api/org;  /github: GET /user, /user/repos, app grant delete;
 * - /pagerduty: GET /abilities;  /slack: auth.test, auth.revoke;  /kubernetes: GET /api/v1/namespaces.
 * Every request is recorded (method, path, headers) so tests can assert what Aurora sent.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface ProviderApisOptions {
  /** Google service accounts the token endpoint knows: client_email → public key (PEM). */
  serviceAccounts?: Map<string, string>;
  /** Bearer tokens Google/Azure/GitHub/Kubernetes accept; when unset, any non-empty bearer token is accepted. */
  acceptedTokens?: Set<string>;
  azurePrincipals?: Map<string, string>; // clientId → clientSecret
  datadogKeys?: { apiKey: string; applicationKey: string };
  grafanaToken?: string;
  pagerdutyToken?: string;
  slackToken?: string;
  projects?: Array<{ projectId: string; name: string }>;
  repositories?: Array<{ full_name: string; private: boolean }>;
  subscriptions?: Array<{ subscriptionId: string; displayName: string }>;
  /** More vendor routes (see cloud-apis-stand-in.ts), tried first; `bearerAccepted` applies acceptedTokens. */
  routes?: (request: RecordedRequest & { url: URL; bearerAccepted: boolean }) => StandInAnswer | undefined;
}

export interface StandInAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export class ProviderApisStandIn {
  readonly requests: RecordedRequest[] = [];
  /** Access tokens issued by the stand-in's own token endpoints. */
  readonly issuedTokens = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly options: ProviderApisOptions,
  ) {}

  static async start(options: ProviderApisOptions = {}): Promise<ProviderApisStandIn> {
    let standIn: ProviderApisStandIn | undefined;
    const server = createServer((request, response) => {
      void standIn?.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    standIn = new ProviderApisStandIn(server, `http://127.0.0.1:${port}`, options);
    return standIn;
  }

  /** Aurora's configuration pointing every vendor endpoint here. */
  environment(): Record<string, string> {
    return {
      CONNECTOR_GCP_API_URL: `${this.url}/google`,
      CONNECTOR_GCP_TOKEN_URL: `${this.url}/google/token`,
      CONNECTOR_AZURE_LOGIN_URL: `${this.url}/azure/login`,
      CONNECTOR_AZURE_MANAGEMENT_URL: `${this.url}/azure/management`,
      CONNECTOR_DATADOG_API_URL: `${this.url}/datadog`,
      CONNECTOR_GITHUB_API_URL: `${this.url}/github`,
      CONNECTOR_PAGERDUTY_API_URL: `${this.url}/pagerduty`,
      CONNECTOR_SLACK_API_URL: `${this.url}/slack`,
    };
  }

  requestsTo(prefix: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path.startsWith(prefix));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', this.url);
    this.requests.push({
      method: request.method ?? 'GET',
      path: url.pathname + url.search,
      headers: request.headers,
      body,
    });
    const json = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
    };
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const bearerAccepted = () =>
      bearer !== undefined &&
      (this.options.acceptedTokens ? this.options.acceptedTokens.has(bearer) || this.issuedTokens.has(bearer) : true);
    const path = url.pathname;
    const extra = this.options.routes?.({ ...this.requests.at(-1)!, url, bearerAccepted: bearerAccepted() });
    if (extra) return json(extra.status, extra.body, extra.headers);

    // --- Google -------------------------------------------------------------------------------------------
    if (path === '/google/token' && request.method === 'POST') {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
        return json(400, { error: 'unsupported_grant_type' });
      }
      const verified = verifyJwt(form.get('assertion') ?? '', this.options.serviceAccounts ?? new Map());
      if (!verified || verified.aud !== `${this.url}/google/token`) {
        return json(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
      }
      return json(200, { access_token: this.issue('ya29.stand-in'), expires_in: 3599, token_type: 'Bearer' });
    }
    if (path.startsWith('/google/cloudresourcemanager/v1/projects')) {
      if (!bearerAccepted()) {
        return json(401, {
          error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' },
        });
      }
      const projects = this.options.projects ?? [{ projectId: 'shop-prod', name: 'Shop Prod' }];
      const id = decodeURIComponent(path.slice('/google/cloudresourcemanager/v1/projects/'.length));
      if (id) {
        const project = projects.find((entry) => entry.projectId === id);
        if (!project)
          return json(403, {
            error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' },
          });
        return json(200, { ...project, projectNumber: '123456789', lifecycleState: 'ACTIVE' });
      }
      const pageSize = Number(url.searchParams.get('pageSize') ?? '500');
      const start = Number(url.searchParams.get('pageToken') ?? '0');
      const page = projects.slice(start, start + pageSize);
      const next = start + pageSize < projects.length ? String(start + pageSize) : undefined;
      return json(200, {
        projects: page.map((entry) => ({ ...entry, lifecycleState: 'ACTIVE', projectNumber: '1' })),
        ...(next ? { nextPageToken: next } : {}),
      });
    }

    // --- Azure --------------------------------------------------------------------------------------------
    const azureToken = /^\/azure\/login\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (azureToken && request.method === 'POST') {
      const form = new URLSearchParams(body);
      const secret = this.options.azurePrincipals?.get(form.get('client_id') ?? '');
      if (form.get('grant_type') !== 'client_credentials' || !secret || secret !== form.get('client_secret')) {
        return json(401, {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
        });
      }
      return json(200, { token_type: 'Bearer', expires_in: 3599, access_token: this.issue('azure-stand-in') });
    }
    if (path.startsWith('/azure/management/subscriptions')) {
      if (!bearerAccepted())
        return json(401, { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } });
      const subscriptions = this.options.subscriptions ?? [];
      const id = path.slice('/azure/management/subscriptions/'.length);
      if (id) {
        const found = subscriptions.find((entry) => entry.subscriptionId === id);
        if (!found)
          return json(404, {
            error: { code: 'SubscriptionNotFound', message: `The subscription '${id}' could not be found.` },
          });
        return json(200, { id: `/subscriptions/${id}`, ...found, state: 'Enabled' });
      }
      return json(200, {
        value: subscriptions.map((entry) => ({
          id: `/subscriptions/${entry.subscriptionId}`,
          ...entry,
          state: 'Enabled',
        })),
      });
    }

    // --- Datadog, Grafana, GitHub, PagerDuty, Slack --------------------------------------------------------
    if (path === '/datadog/api/v1/validate') {
      const keys = this.options.datadogKeys;
      const valid = keys && request.headers['dd-api-key'] === keys.apiKey;
      return valid ? json(200, { valid: true }) : json(403, { errors: ['Forbidden'] });
    }
    if (path === '/grafana/api/org') {
      return bearer && bearer === this.options.grafanaToken
        ? json(200, { id: 1, name: 'Main Org.', address: {} })
        : json(401, { message: 'Invalid API key' });
    }
    if (path === '/github/user') {
      if (!bearerAccepted())
        return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      return json(200, { login: 'octocat', id: 1, type: 'User' }, { 'x-oauth-scopes': 'repo, read:org' });
    }
    if (path === '/github/user/repos') {
      if (!bearerAccepted()) return json(401, { message: 'Bad credentials' });
      const repositories = this.options.repositories ?? [{ full_name: 'octocat/hello-world', private: false }];
      const page = Number(url.searchParams.get('page') ?? '1');
      const perPage = Number(url.searchParams.get('per_page') ?? '30');
      return json(200, repositories.slice((page - 1) * perPage, page * perPage));
    }
    if (/^\/github\/applications\/[^/]+\/grant$/.test(path) && request.method === 'DELETE') {
      response.writeHead(204).end();
      return;
    }
    if (path === '/pagerduty/abilities') {
      const token = /^Token token=(.+)$/.exec(request.headers.authorization ?? '')?.[1];
      return token && token === this.options.pagerdutyToken
        ? json(200, { abilities: ['sso', 'teams', 'read_only_users'] })
        : json(401, { error: { message: 'Unauthorized', code: 2006 } });
    }
    if (path === '/slack/auth.test') {
      return bearer && bearer === this.options.slackToken
        ? json(200, {
            ok: true,
            url: 'https://acme.slack.com/',
            team: 'Acme',
            user: 'aurora',
            team_id: 'T0001',
            user_id: 'U0001',
            bot_id: 'B0001',
          })
        : json(200, { ok: false, error: 'invalid_auth' });
    }
    if (path === '/slack/auth.revoke') return json(200, { ok: true, revoked: true });

    // --- Kubernetes ---------------------------------------------------------------------------------------
    if (path === '/kubernetes/api/v1/namespaces') {
      if (!bearerAccepted()) {
        return json(401, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'Unauthorized',
          reason: 'Unauthorized',
          code: 401,
        });
      }
      return json(200, {
        kind: 'NamespaceList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '1' },
        items: [{ metadata: { name: 'default', uid: randomUUID() }, status: { phase: 'Active' } }],
      });
    }
    json(404, { error: `no stand-in for ${request.method} ${path}` });
  }

  private issue(prefix: string): string {
    const token = `${prefix}.${randomUUID()}`;
    this.issuedTokens.add(token);
    return token;
  }
}

/** Verifies an RS256 JWT against the known service accounts' public keys; returns its claims or undefined. */
function verifyJwt(
  assertion: string,
  accounts: Map<string, string>,
): { iss: string; aud: string; scope: string } | undefined {
  const [header, payload, signature] = assertion.split('.');
  if (!header || !payload || !signature) return undefined;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    iss: string;
    aud: string;
    scope: string;
    exp: number;
  };
  const pem = accounts.get(claims.iss);
  if (!pem || claims.exp < Date.now() / 1000) return undefined;
  const key: KeyObject = createPublicKey(pem);
  const valid = createVerify('RSA-SHA256')
    .update(`${header}.${payload}`)
    .verify(key, Buffer.from(signature, 'base64url'));
  return valid ? claims : undefined;
}
