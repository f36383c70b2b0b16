import { createHash, randomBytes } from 'node:crypto';
import type { OAuthAppConfig, OAuthProviderName } from '../../config/config.js';
import { UpstreamUnavailable } from '../../platform/errors.js';
import { CredentialsRejected, callProvider, form } from './provider-http.js';

/** How each provider departs from plain RFC 6749 / 7009. */
const dialects: Record<
  OAuthProviderName,
  {
    scopeSeparator: string;
    authorizationParameters: Record<string, string>;
    revocation: 'rfc7009' | 'github' | 'slack';
  }
> = {
  // offline + consent: Google returns a refresh token only then.
  gcp: {
    scopeSeparator: ' ',
    authorizationParameters: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
    revocation: 'rfc7009',
  },
  github: { scopeSeparator: ' ', authorizationParameters: { allow_signup: 'false' }, revocation: 'github' },
  slack: { scopeSeparator: ',', authorizationParameters: {}, revocation: 'slack' },
};

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** RFC 7636 S256: a 256-bit verifier, and its SHA-256 as the challenge. */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizationUrl(
  provider: OAuthProviderName,
  app: OAuthAppConfig,
  input: { state: string; codeChallenge: string; redirectUri: string },
): string {
  const dialect = dialects[provider];
  const url = new URL(app.authorizationUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', app.clientId ?? '');
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', app.scopes.join(dialect.scopeSeparator));
  url.searchParams.set('state', input.state);
  url.searchParams.set('code_challenge', input.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  for (const [key, value] of Object.entries(dialect.authorizationParameters)) url.searchParams.set(key, value);
  return url.toString();
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  tokenType: string;
  expiresAt?: Date;
  /** Undefined when the server did not say (RFC 6749 §5.1: then the requested scopes were granted). */
  scopes?: string[];
  /** Slack: the workspace the bot was installed in. */
  team?: string;
}

/** The token endpoint refused the grant (bad code, revoked refresh token): the user must authorise again. */
export class OAuthGrantRejected extends CredentialsRejected {}

type TokenResponse = {
  access_token?: string;
  refresh_token?: string;
  token_type?: string;
  expires_in?: number | string;
  scope?: string;
  error?: string;
  ok?: boolean;
  team?: { name?: string };
};

async function tokenRequest(
  provider: OAuthProviderName,
  app: OAuthAppConfig,
  parameters: Record<string, string>,
  vendorFetch: typeof fetch,
): Promise<TokenSet> {
  const response = await callProvider<TokenResponse>({
    provider: `the ${provider} token endpoint`,
    fetch: vendorFetch,
    url: app.tokenUrl,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form({ ...parameters, client_id: app.clientId, client_secret: app.clientSecret }),
    },
    // RFC 6749 §5.2 errors are 400 (401 for client authentication); GitHub and Slack answer 200 with an error.
    accept: [400, 401],
  });
  const body = typeof response.body === 'object' && response.body !== null ? response.body : ({} as TokenResponse);
  if (response.status !== 200 || body.error || body.ok === false || !body.access_token) {
    throw new OAuthGrantRejected(
      `The ${provider} token endpoint refused the grant (${body.error ?? `HTTP ${response.status}`})`,
      { error: body.error },
    );
  }
  const expiresIn = Number(body.expires_in);
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    tokenType: body.token_type ?? 'Bearer',
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : undefined,
    scopes: body.scope === undefined ? undefined : body.scope.split(/[\s,]+/).filter(Boolean),
    team: body.team?.name,
  };
}

export function exchangeCode(
  provider: OAuthProviderName,
  app: OAuthAppConfig,
  input: { code: string; redirectUri: string; codeVerifier: string },
  vendorFetch: typeof fetch,
): Promise<TokenSet> {
  return tokenRequest(
    provider,
    app,
    {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      code_verifier: input.codeVerifier,
    },
    vendorFetch,
  );
}

export function refreshAccessToken(
  provider: OAuthProviderName,
  app: OAuthAppConfig,
  refreshToken: string,
  vendorFetch: typeof fetch,
): Promise<TokenSet> {
  return tokenRequest(provider, app, { grant_type: 'refresh_token', refresh_token: refreshToken }, vendorFetch);
}

/** Scopes Aurora asked for that the grant lacks. */
export function missingScopes(requested: string[], granted: string[] | undefined): string[] {
  if (granted === undefined) return [];
  const have = new Set(granted);
  return requested.filter((scope) => !have.has(scope));
}

/**
 * Revokes what Aurora was granted: RFC 7009 (Google), GitHub's "delete an app authorization", Slack's
 * auth.revoke. Throws UpstreamUnavailable or CredentialsRejected; callers treat revocation as best effort.
 */
export async function revokeGrant(
  provider: OAuthProviderName,
  app: OAuthAppConfig,
  tokens: { accessToken: string; refreshToken?: string },
  vendorFetch: typeof fetch,
): Promise<void> {
  const dialect = dialects[provider];
  if (dialect.revocation === 'rfc7009') {
    // Revoking the refresh token revokes the whole grant at Google.
    await callProvider({
      provider: `the ${provider} revocation endpoint`,
      fetch: vendorFetch,
      url: app.revocationUrl,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({
          token: tokens.refreshToken ?? tokens.accessToken,
          token_type_hint: tokens.refreshToken ? 'refresh_token' : 'access_token',
          client_id: app.clientId,
          client_secret: app.clientSecret,
        }),
      },
    });
    return;
  }
  if (dialect.revocation === 'github') {
    const basic = Buffer.from(`${app.clientId ?? ''}:${app.clientSecret ?? ''}`).toString('base64');
    await callProvider({
      provider: 'GitHub',
      fetch: vendorFetch,
      url: app.revocationUrl.replace('{clientId}', encodeURIComponent(app.clientId ?? '')),
      init: {
        method: 'DELETE',
        headers: {
          authorization: `Basic ${basic}`,
          accept: 'application/vnd.github+json',
          'content-type': 'application/json',
          'user-agent': 'aurora',
        },
        body: JSON.stringify({ access_token: tokens.accessToken }),
      },
      accept: [404],
    });
    return;
  }
  const response = await callProvider<{ ok?: boolean; error?: string }>({
    provider: 'Slack',
    fetch: vendorFetch,
    url: app.revocationUrl,
    init: { method: 'POST', headers: { authorization: `Bearer ${tokens.accessToken}` } },
  });
  if (
    response.body?.ok === false &&
    response.body.error !== 'invalid_auth' &&
    response.body.error !== 'token_revoked'
  ) {
    throw new UpstreamUnavailable(`Slack did not revoke the token (${response.body.error})`);
  }
}
