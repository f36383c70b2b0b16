import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Unauthenticated } from '../../platform/errors.js';
import type { RequestMetadata } from './accounts.service.js';
import type { Principal } from './principal.js';
import type { Role } from './roles.js';

/** Who may call a route: anyone, or a signed-in principal with at least this role in the org. */
export type RouteAuth = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every /api/v1 route; checked by the authentication hook. */
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export type AuroraApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The caller of a route that declared a role. Throws if used on a public route by mistake. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Unauthenticated('Sign in or send an API token');
  return request.principal;
}

export function requestMetadata(request: FastifyRequest): RequestMetadata {
  return { requestId: request.id, ip: request.ip, userAgent: request.headers['user-agent'] };
}
