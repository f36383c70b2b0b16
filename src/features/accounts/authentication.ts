import type { FastifyRequest } from 'fastify';
import { Forbidden, Unauthenticated } from '../../platform/errors.js';
import type { Metrics } from '../../platform/metrics/metrics.js';
import type { AccountsService } from './accounts.service.js';
import type { AuroraApp } from './http.js';
import type { Principal } from './principal.js';
import { roleAtLeast } from './roles.js';

export const sessionCookieName = 'aurora_session';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authenticates every route by its `config.auth`: an `Authorization: Bearer` API token, or the
 * session cookie. /api/v1 routes must declare `auth`, so a new route cannot be public by accident.
 */
export function registerAuthentication(
  app: AuroraApp,
  accounts: AccountsService,
  options: { metrics: Metrics; publicUrl?: string },
): void {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1/') && route.config?.auth === undefined) {
      throw new Error(`Route ${route.method} ${route.url} must declare config.auth`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const required = request.routeOptions.config?.auth;
    if (!required || required === 'public') return;
    const principal = await authenticate(request, accounts, options);
    if (!principal) {
      throw new Unauthenticated('Sign in, or send an API token as "Authorization: Bearer <token>"');
    }
    if (!roleAtLeast(principal.role, required)) {
      throw new Forbidden(`This needs the ${required} role; you have ${principal.role}`);
    }
    request.principal = principal;
    request.log = request.log.child({ orgId: principal.orgId, userId: principal.userId });
  });
}

async function authenticate(
  request: FastifyRequest,
  accounts: AccountsService,
  options: { metrics: Metrics; publicUrl?: string },
): Promise<Principal | undefined> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const principal = match?.[1] ? await accounts.authenticateApiToken(match[1]) : undefined;
    if (!principal) options.metrics.authenticationFailures.inc({ kind: 'api_token' });
    return principal;
  }
  const cookie = request.cookies[sessionCookieName];
  if (!cookie) {
    options.metrics.authenticationFailures.inc({ kind: 'missing' });
    return undefined;
  }
  const principal = await accounts.authenticateSession(cookie);
  if (!principal) {
    options.metrics.authenticationFailures.inc({ kind: 'session' });
    return undefined;
  }
  if (unsafeMethods.has(request.method)) assertSameOrigin(request, options.publicUrl);
  return principal;
}

/**
 * Cookies ride along on cross-site requests, so a state-changing request authenticated by cookie must
 * come from Aurora's own pages: the browser's Origin (or Sec-Fetch-Site) must match.
 */
function assertSameOrigin(request: FastifyRequest, publicUrl?: string): void {
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    throw new Forbidden('Cross-site requests cannot use the session cookie');
  }
  const origin = request.headers.origin;
  if (!origin) return;
  const allowed = new Set<string>([`${request.protocol}://${request.headers.host ?? ''}`]);
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  if (!allowed.has(origin)) throw new Forbidden(`Requests from ${origin} cannot use the session cookie`);
}
