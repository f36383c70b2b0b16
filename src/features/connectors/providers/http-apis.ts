import type { ConnectorsConfig } from '../../../config/config.js';
import { ValidationFailed } from '../../../platform/errors.js';
import { CredentialsRejected, callProvider } from '../provider-http.js';

/** `Authorization` for a URL-and-credentials connection (Prometheus, Grafana). */
export function authorizationHeader(
  credentials: { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string },
): string {
  return credentials.kind === 'bearer'
    ? `Bearer ${credentials.token}`
    : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** `{url}/{path}` without doubling slashes, keeping a base path (e.g. Grafana served under /grafana). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Prometheus `GET /api/v1/status/buildinfo` (Thanos, Mimir and VictoriaMetrics answer it too). */
export async function prometheusBuildInfo(url: string, authorization: string, outboundFetch: typeof fetch) {
  const response = await callProvider<{ status?: string; data?: { version?: string } }>({
    provider: 'Prometheus',
    fetch: outboundFetch,
    url: joinUrl(url, 'api/v1/status/buildinfo'),
    init: { headers: { authorization, accept: 'application/json' } },
  });
  if (response.body?.status !== 'success') {
    throw new ValidationFailed('The URL did not answer like a Prometheus API (GET /api/v1/status/buildinfo)');
  }
  return { version: response.body.data?.version ?? 'unknown' };
}

/** Grafana `GET /api/org`: needs a valid token (unlike /api/health), and names the org the token belongs to. */
export async function grafanaOrganization(url: string, authorization: string, outboundFetch: typeof fetch) {
  const response = await callProvider<{ id?: number; name?: string }>({
    provider: 'Grafana',
    fetch: outboundFetch,
    url: joinUrl(url, 'api/org'),
    init: { headers: { authorization, accept: 'application/json' } },
  });
  if (typeof response.body?.name !== 'string') {
    throw new ValidationFailed('The URL did not answer like the Grafana API (GET /api/org)');
  }
  return { id: response.body.id, name: response.body.name };
}

export function datadogApiUrl(config: ConnectorsConfig, site: string): string {
  return config.datadogApiUrl ?? `https://api.${site}`;
}

/** Datadog `GET /api/v1/validate` with both keys. */
export async function datadogValidate(
  apiUrl: string,
  keys: { apiKey: string; applicationKey: string },
  vendorFetch: typeof fetch,
) {
  const response = await callProvider<{ valid?: boolean }>({
    provider: 'Datadog',
    fetch: vendorFetch,
    url: `${apiUrl}/api/v1/validate`,
    init: {
      headers: { 'DD-API-KEY': keys.apiKey, 'DD-APPLICATION-KEY': keys.applicationKey, accept: 'application/json' },
    },
  });
  if (response.body?.valid !== true) throw new CredentialsRejected('Datadog did not accept the API key');
}

/** GitHub `GET /user`: the login, and the token's scopes (classic tokens list them in X-OAuth-Scopes). */
export async function githubUser(config: ConnectorsConfig, token: string, vendorFetch: typeof fetch) {
  const response = await callProvider<{ login?: string }>({
    provider: 'GitHub',
    fetch: vendorFetch,
    url: `${config.githubApiUrl}/user`,
    init: {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'aurora',
      },
    },
  });
  if (!response.body?.login) throw new ValidationFailed('GitHub answered GET /user without a login');
  const scopes = (response.headers.get('x-oauth-scopes') ?? '')
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  return { login: response.body.login, scopes };
}

export interface GithubRepository {
  fullName: string;
  private: boolean;
}

/** Repositories the token can read (`GET /user/repos`), page by page up to `limit`. */
export async function githubRepositories(
  config: ConnectorsConfig,
  token: string,
  vendorFetch: typeof fetch,
  limit = 500,
): Promise<{ repositories: GithubRepository[]; truncated: boolean }> {
  const repositories: GithubRepository[] = [];
  for (let page = 1; repositories.length < limit; page++) {
    const response = await callProvider<Array<{ full_name: string; private: boolean }>>({
      provider: 'GitHub',
      fetch: vendorFetch,
      url: `${config.githubApiUrl}/user/repos?per_page=100&sort=pushed&page=${page}`,
      init: {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'aurora',
        },
      },
    });
    const items = Array.isArray(response.body) ? response.body : [];
    for (const item of items) repositories.push({ fullName: item.full_name, private: Boolean(item.private) });
    if (items.length < 100) return { repositories: repositories.slice(0, limit), truncated: false };
  }
  return { repositories: repositories.slice(0, limit), truncated: true };
}

/** PagerDuty `GET /abilities`: works with account and user tokens alike (GET /users/me needs a user token). */
export async function pagerdutyAbilities(config: ConnectorsConfig, token: string, vendorFetch: typeof fetch) {
  const response = await callProvider<{ abilities?: string[] }>({
    provider: 'PagerDuty',
    fetch: vendorFetch,
    url: `${config.pagerdutyApiUrl}/abilities`,
    init: {
      headers: { authorization: `Token token=${token}`, accept: 'application/vnd.pagerduty+json;version=2' },
    },
  });
  return { abilities: response.body?.abilities ?? [] };
}

/** Slack `auth.test`: Slack answers 200 with `ok: false` for a bad token. */
export async function slackAuthTest(config: ConnectorsConfig, token: string, vendorFetch: typeof fetch) {
  const response = await callProvider<{ ok?: boolean; error?: string; team?: string; team_id?: string; user?: string }>(
    {
      provider: 'Slack',
      fetch: vendorFetch,
      url: `${config.slackApiUrl}/auth.test`,
      init: { method: 'POST', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
    },
  );
  if (!response.body?.ok) {
    throw new CredentialsRejected(`Slack refused the token (${response.body?.error ?? 'not ok'})`);
  }
  return { team: response.body.team ?? response.body.team_id ?? 'Slack', user: response.body.user };
}
