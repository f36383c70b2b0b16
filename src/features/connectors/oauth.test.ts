import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorizationUrl, createPkce, missingScopes } from './oauth.js';

const app = {
  clientId: 'client-1',
  clientSecret: 'secret',
  authorizationUrl: 'https://auth.example.com/authorize?tenant=x',
  tokenUrl: 'https://auth.example.com/token',
  revocationUrl: 'https://auth.example.com/revoke',
  scopes: ['channels:read', 'chat:write'],
};

describe('OAuth helpers', () => {
  it('makes an S256 PKCE pair (RFC 7636): a 43-character verifier and its SHA-256', () => {
    const { verifier, challenge } = createPkce();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(createPkce().verifier).not.toBe(verifier);
  });

  it('builds the authorization URL with state, PKCE and the provider dialect, keeping existing parameters', () => {
    const url = new URL(
      authorizationUrl('slack', app, { state: 'state-1', codeChallenge: 'challenge-1', redirectUri: 'https://a/cb' }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: 'x',
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://a/cb',
      scope: 'channels:read,chat:write',
      state: 'state-1',
      code_challenge: 'challenge-1',
      code_challenge_method: 'S256',
    });
    const google = new URL(
      authorizationUrl('gcp', app, { state: 's', codeChallenge: 'c', redirectUri: 'https://a/cb' }),
    );
    expect(google.searchParams.get('scope')).toBe('channels:read chat:write');
    expect(google.searchParams.get('access_type')).toBe('offline');
  });

  it('finds scopes a grant lacks; no scope in the answer means all were granted (RFC 6749 §5.1)', () => {
    expect(missingScopes(['a', 'b'], ['b', 'c'])).toEqual(['a']);
    expect(missingScopes(['a'], undefined)).toEqual([]);
    expect(missingScopes(['a', 'b'], ['a', 'b', 'openid'])).toEqual([]);
  });
});
