import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RateLimiterFactory } from '../../platform/cache/cache.js';
import { RateLimited } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import { openEventStream } from '../../platform/http/server-sent-events.js';
import {
  type AccountsService,
  type AuroraApp,
  principalOf,
  requestMetadata,
  sessionCookieName,
} from '../accounts/index.js';
import { connectionStatuses } from './connectors.schema.js';
import { type ConnectorsService, connectorEventTypes } from './connectors.service.js';
import { credentialInputSchema } from './credential-input.js';
import { authKinds, oauthProviders, providerIds } from './providers.js';

const provider = z.enum(providerIds);
const oauthProvider = z.enum(oauthProviders as ['gcp', 'github', 'slack']);

const connectionView = z.object({
  id: z.uuid(),
  provider,
  authKind: z.enum(authKinds),
  name: z.string(),
  status: z.enum(connectionStatuses),
  account: z.string().nullable(),
  project: z.string().nullable(),
  subscription: z.string().nullable(),
  region: z.string().nullable(),
  scopes: z.array(z.string()),
  settings: z
    .object({
      url: z.string().optional(),
      site: z.string().optional(),
      context: z.string().optional(),
      server: z.string().optional(),
      roleArn: z.string().optional(),
      externalId: z.string().optional(),
      tenantId: z.string().optional(),
      clientId: z.string().optional(),
      clientEmail: z.string().optional(),
      login: z.string().optional(),
      team: z.string().optional(),
    })
    .describe('non-secret settings the connection is called with'),
  discovery: z
    .object({
      projects: z.array(z.object({ projectId: z.string(), name: z.string() })).optional(),
      regions: z.array(z.string()).optional(),
      accounts: z.array(z.object({ id: z.string(), name: z.string().optional() })).optional(),
      repositories: z.array(z.object({ fullName: z.string(), private: z.boolean() })).optional(),
      subscriptions: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
      truncated: z.boolean().optional(),
      discoveredAt: z.string().optional(),
    })
    .describe('what the post-auth job found'),
  lastVerifiedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const catalogEntry = z.object({
  id: provider,
  name: z.string(),
  description: z.string(),
  authKinds: z.array(
    z.object({ kind: z.enum(authKinds), label: z.string(), available: z.boolean(), reason: z.string().optional() }),
  ),
  connections: z.array(connectionView),
});

const connectionParams = z.object({ connectionId: z.uuid() });

export interface ConnectorRouteDependencies {
  connectors: ConnectorsService;
  accounts: AccountsService;
  events: EventBus;
  rateLimiters: RateLimiterFactory;
  rateLimitPerMinute: number;
}

export function registerConnectorRoutes(app: AuroraApp, dependencies: ConnectorRouteDependencies): void {
  const { connectors, accounts, events } = dependencies;
  // The seed's `rate_limit:{userId}:{endpoint}`: one-minute windows per user and endpoint.
  const limiter = dependencies.rateLimiters.create('rate_limit', {
    points: dependencies.rateLimitPerMinute,
    durationSeconds: 60,
  });
  const limit = async (subject: string, endpoint: string) => {
    const result = await limiter.consume(`${subject}:${endpoint}`);
    if (!result.allowed) {
      throw new RateLimited('Too many connector requests; wait and try again', result.retryAfterSeconds);
    }
  };
  const limitUser = (endpoint: string) => async (request: FastifyRequest) =>
    limit(principalOf(request).userId, endpoint);

  app.get(
    '/api/v1/connectors',
    {
      config: { auth: 'viewer' },
      preHandler: limitUser('connectors.list'),
      schema: {
        tags: ['connectors'],
        summary: "Every provider, its auth kinds, and this org's connections",
        response: { 200: z.object({ providers: z.array(catalogEntry) }) },
      },
    },
    async (request) => ({ providers: await connectors.catalog(principalOf(request)) }),
  );

  app.get(
    '/api/v1/connectors/stream',
    {
      config: { auth: 'viewer' },
      preHandler: limitUser('connectors.stream'),
      schema: {
        tags: ['connectors'],
        summary: 'Server-Sent Events: connector.created, connector.updated, connector.deleted',
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      openEventStream(request, reply, {
        events,
        orgId: principalOf(request).orgId,
        types: new Set(connectorEventTypes),
      });
    },
  );

  app.get(
    '/api/v1/connectors/aws/external-id',
    {
      config: { auth: 'viewer' },
      preHandler: limitUser('connectors.aws_external_id'),
      schema: {
        tags: ['connectors'],
        summary: "The external id this org's AWS roles must require (sts:ExternalId) for Aurora to assume them",
        response: { 200: z.object({ externalId: z.string() }) },
      },
    },
    async (request) => ({ externalId: await connectors.awsExternalId(principalOf(request)) }),
  );

  app.post(
    '/api/v1/connectors/:provider/connections',
    {
      config: { auth: 'editor' },
      preHandler: limitUser('connectors.create'),
      schema: {
        tags: ['connectors'],
        summary: 'Connect with credentials; they are checked with one read call before anything is saved',
        params: z.object({ provider }),
        body: credentialInputSchema,
        response: { 201: connectionView },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await connectors.create(
            principalOf(request),
            request.params.provider,
            request.body,
            requestMetadata(request),
          ),
        ),
  );

  app.get(
    '/api/v1/connectors/connections/:connectionId',
    {
      config: { auth: 'viewer' },
      preHandler: limitUser('connectors.get'),
      schema: {
        tags: ['connectors'],
        summary: 'One connection (never its credentials)',
        params: connectionParams,
        response: { 200: connectionView },
      },
    },
    async (request) => connectors.get(principalOf(request), request.params.connectionId),
  );

  app.post(
    '/api/v1/connectors/connections/:connectionId/verify',
    {
      config: { auth: 'editor' },
      preHandler: limitUser('connectors.verify'),
      schema: {
        tags: ['connectors'],
        summary: 'Check the stored credentials again; the status follows the answer',
        params: connectionParams,
        response: { 200: connectionView },
      },
    },
    async (request) => connectors.verify(principalOf(request), request.params.connectionId, requestMetadata(request)),
  );

  app.delete(
    '/api/v1/connectors/connections/:connectionId',
    {
      config: { auth: 'editor' },
      preHandler: limitUser('connectors.delete'),
      schema: {
        tags: ['connectors'],
        summary: 'Disconnect: revoke the grant where the provider supports it, delete the secret, clear caches',
        params: connectionParams,
        response: { 200: z.object({ revocation: z.enum(['revoked', 'failed', 'not_supported']) }) },
      },
    },
    async (request) => connectors.delete(principalOf(request), request.params.connectionId, requestMetadata(request)),
  );

  app.post(
    '/api/v1/connectors/:provider/oauth/start',
    {
      config: { auth: 'editor' },
      preHandler: limitUser('connectors.oauth_start'),
      schema: {
        tags: ['connectors'],
        summary: 'Start OAuth 2.0 (PKCE S256); send the browser to authorizationUrl within 10 minutes',
        params: z.object({ provider: oauthProvider }),
        body: z.object({ name: z.string().trim().min(1).max(100).optional() }).optional(),
        response: { 200: z.object({ authorizationUrl: z.string(), expiresAt: z.string() }) },
      },
    },
    async (request) =>
      connectors.startOAuth(
        principalOf(request),
        request.params.provider,
        { name: request.body?.name, requestOrigin: `${request.protocol}://${request.host}` },
        requestMetadata(request),
      ),
  );

  app.get(
    '/api/v1/connectors/:provider/oauth/callback',
    {
      // Public on purpose: the browser arrives from the provider, and every outcome (including a missing or
      // foreign session) must be a redirect to the UI, not a JSON error. The session is checked below, and the
      // state is bound to it.
      config: { auth: 'public' },
      schema: {
        tags: ['connectors'],
        summary: 'OAuth 2.0 redirect target; redirects to /settings/connectors?connected=… or ?error=…',
        params: z.object({ provider: oauthProvider }),
        querystring: z.object({
          code: z.string().max(4096).optional(),
          state: z.string().max(512).optional(),
          error: z.string().max(256).optional(),
          error_description: z.string().max(2048).optional(),
        }),
      },
    },
    async (request, reply) => {
      const cookie = request.cookies[sessionCookieName];
      const session = cookie ? await accounts.authenticateSession(cookie) : undefined;
      await limit(session?.userId ?? request.ip, 'connectors.oauth_callback');
      const location = await connectors.completeOAuth(
        request.params.provider,
        request.query,
        session,
        requestMetadata(request),
      );
      return reply.redirect(location, 302);
    },
  );
}
