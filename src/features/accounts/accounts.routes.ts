import { z } from 'zod';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { RateLimiterFactory } from '../../platform/cache/cache.js';
import { RateLimited } from '../../platform/errors.js';
import type { AccountsService } from './accounts.service.js';
import { sessionCookieName } from './authentication.js';
import { type AuroraApp, principalOf, requestMetadata } from './http.js';
import { roles } from './roles.js';

const role = z.enum(roles);

const sessionView = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
  organization: z.object({ id: z.uuid(), name: z.string() }),
  role,
  authenticatedWith: z.enum(['session', 'api_token']),
  organizations: z.array(z.object({ id: z.uuid(), name: z.string(), role })),
});

const apiTokenView = z.object({
  id: z.uuid(),
  name: z.string(),
  role,
  prefix: z.string().describe('The first characters of the token, to recognise it'),
  userId: z.uuid(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const memberView = z.object({ userId: z.uuid(), email: z.string(), name: z.string(), role, joinedAt: z.string() });

const auditEntryView = z.object({
  id: z.number(),
  actor: z.object({ type: z.string(), id: z.string().optional() }),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  outcome: z.string(),
  requestId: z.string(),
  ip: z.string(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

export function registerAccountsRoutes(
  app: AuroraApp,
  dependencies: {
    accounts: AccountsService;
    audit: AuditLog;
    rateLimiters: RateLimiterFactory;
    secureCookies: boolean;
  },
): void {
  const { accounts, audit } = dependencies;
  // Per address and per account, so neither one address nor a botnet on one account can guess freely.
  const loginByAddress = dependencies.rateLimiters.create('login-ip', { points: 20, durationSeconds: 60 });
  const loginByEmail = dependencies.rateLimiters.create('login-email', { points: 10, durationSeconds: 300 });

  app.get(
    '/api/v1/setup',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['accounts'],
        summary: 'Whether first-run setup is done (an admin exists)',
        response: { 200: z.object({ hasAdmin: z.boolean(), createAdminCommand: z.string() }) },
      },
    },
    async () => ({
      hasAdmin: await accounts.hasAdmin(),
      createAdminCommand:
        'npx --no-install aurora admin create --email you@example.com --password <password> --org <name>',
    }),
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['accounts'],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        body: z.object({ email: z.string().max(320), password: z.string().max(1024), orgId: z.uuid().optional() }),
        response: { 200: sessionView },
      },
    },
    async (request, reply) => {
      for (const [limiter, key] of [
        [loginByAddress, request.ip],
        [loginByEmail, request.body.email.trim().toLowerCase()],
      ] as const) {
        const result = await limiter.consume(key);
        if (!result.allowed) {
          throw new RateLimited('Too many sign-in attempts; wait and try again', result.retryAfterSeconds);
        }
      }
      const { token, expiresAt, principal } = await accounts.login(request.body, requestMetadata(request));
      reply.setCookie(sessionCookieName, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: dependencies.secureCookies || request.protocol === 'https',
        path: '/',
        expires: expiresAt,
      });
      return accounts.describe(principal);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { auth: 'viewer' },
      schema: { tags: ['accounts'], summary: 'End the current session', response: { 204: z.null() } },
    },
    async (request, reply) => {
      await accounts.logout(principalOf(request), requestMetadata(request));
      reply.clearCookie(sessionCookieName, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      config: { auth: 'viewer' },
      schema: { tags: ['accounts'], summary: 'The signed-in user, org and role', response: { 200: sessionView } },
    },
    async (request) => accounts.describe(principalOf(request)),
  );

  app.put(
    '/api/v1/auth/session/organization',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['accounts'],
        summary: 'Switch the session to another organization the user belongs to',
        body: z.object({ orgId: z.uuid() }),
        response: { 200: sessionView },
      },
    },
    async (request) => {
      const switched = await accounts.switchOrganization(principalOf(request), request.body.orgId);
      return accounts.describe(switched);
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['accounts'],
        summary: 'API tokens: your own, or every token in the org for admins',
        response: { 200: z.object({ items: z.array(apiTokenView) }) },
      },
    },
    async (request) => ({ items: await accounts.listApiTokens(principalOf(request)) }),
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['accounts'],
        summary: 'Create an API token; the token is shown only in this response',
        body: z.object({
          name: z.string().min(1).max(100),
          role: role.optional().describe('At most your own role; defaults to it'),
          expiresInDays: z.number().int().min(1).max(3650).optional(),
        }),
        response: { 201: z.object({ token: z.string(), apiToken: apiTokenView }) },
      },
    },
    async (request, reply) => {
      const created = await accounts.createApiToken(principalOf(request), request.body, requestMetadata(request));
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/tokens/:tokenId',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['accounts'],
        summary: 'Revoke an API token (your own, or any in the org for admins)',
        params: z.object({ tokenId: z.uuid() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await accounts.revokeApiToken(principalOf(request), request.params.tokenId, requestMetadata(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/members',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['accounts'],
        summary: 'Members of the org and their roles',
        response: { 200: z.object({ items: z.array(memberView) }) },
      },
    },
    async (request) => ({ items: await accounts.listMembers(principalOf(request)) }),
  );

  app.post(
    '/api/v1/members',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'Add a member; a new e-mail creates the user (then a password is required)',
        body: z.object({
          email: z.string().max(320),
          role,
          name: z.string().min(1).max(200).optional(),
          password: z.string().max(1024).optional(),
        }),
        response: { 201: z.object({ userId: z.uuid(), createdUser: z.boolean() }) },
      },
    },
    async (request, reply) => {
      const added = await accounts.addMember(principalOf(request), request.body, requestMetadata(request));
      return reply.code(201).send(added);
    },
  );

  app.patch(
    '/api/v1/members/:userId',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: "Change a member's role",
        params: z.object({ userId: z.uuid() }),
        body: z.object({ role }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await accounts.changeMemberRole(
        principalOf(request),
        request.params.userId,
        request.body.role,
        requestMetadata(request),
      );
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/members/:userId',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'Remove a member from the org',
        params: z.object({ userId: z.uuid() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await accounts.removeMember(principalOf(request), request.params.userId, requestMetadata(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/audit-log',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'The org audit log, newest first',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: z.string().regex(/^\d+$/).optional(),
          action: z.string().max(100).optional(),
        }),
        response: { 200: z.object({ items: z.array(auditEntryView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const page = await audit.list(principalOf(request).orgId, request.query);
      return {
        items: page.items.map((item) => ({ ...item, createdAt: item.createdAt.toISOString() })),
        nextCursor: page.nextCursor,
      };
    },
  );
}
