import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { type AuroraApp, registerAccountsRoutes, registerAuthentication } from '../../features/accounts/index.js';
import {
  registerApprovalRoutes,
  registerLlmRoutes,
  registerMcpEndpoint,
  registerMcpServerRoutes,
} from '../../features/agent/index.js';
import { registerAlertRoutes, registerIntegrationRoutes, registerWebhookRoutes } from '../../features/alerts/index.js';
import { registerChatRoutes, registerChatWebSocket } from '../../features/chat/index.js';
import { registerConnectorRoutes } from '../../features/connectors/index.js';
import { registerIncidentRoutes } from '../../features/incidents/index.js';
import { registerInvestigationRoutes } from '../../features/investigations/index.js';
import { registerKnowledgeRoutes } from '../../features/knowledge/index.js';
import { registerNotificationRoutes } from '../../features/notifications/index.js';
import { installEventStreams } from '../../platform/http/server-sent-events.js';
import type { Platform } from '../../platform/platform.js';
import { registerHealthRoutes } from '../health.routes.js';
import type { Services } from '../services.js';
import { problemFor, sendProblem } from './problem-details.js';
import { registerWebUi } from './web-ui.js';

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RouteEntry {
  method: string;
  url: string;
  auth: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered, so tests can walk them all (e.g. the cross-org isolation test). */
    routeCatalog: RouteEntry[];
  }
}

export const openApiPath = '/api/v1/openapi.json';

/** The HTTP API: every route has zod schemas, declares who may call it, and fails with problem+json. */
export async function buildHttpServer(platform: Platform, services: Services): Promise<AuroraApp> {
  const { config, metrics } = platform;
  const app = Fastify({
    loggerInstance: platform.logger as FastifyBaseLogger,
    bodyLimit: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    // Reuse a caller's X-Request-Id so traces line up across services, but only if it is safe to log.
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
    // One access-log line per request comes from the onResponse hook below, with the route and duration.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>() as AuroraApp;

  const routeCatalog: RouteEntry[] = [];
  app.decorate('routeCatalog', routeCatalog);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeCatalog.push({ method, url: route.url, auth: route.config?.auth });
    }
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Aurora API',
        version: '1',
        description:
          'Errors are RFC 9457 application/problem+json with a stable `code`. Authenticate with `Authorization: Bearer <api token>` or the session cookie from POST /api/v1/auth/login.',
      },
      components: {
        securitySchemes: {
          bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token (aur_…)' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'aurora_session' },
        },
      },
      security: [{ bearerToken: [] }, { sessionCookie: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Responses finishing during shutdown close their connection; otherwise a keep-alive socket that turns
  // idle after close() began would hold the shutdown open until its keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, seconds);
    const level = reply.statusCode >= 500 ? 'error' : reply.statusCode >= 400 ? 'warn' : 'info';
    if (request.routeOptions.logLevel === 'warn' && level === 'info') return;
    request.log[level](
      { method: request.method, route, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime) },
      'request completed',
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const mapped = problemFor(error, request);
    if (mapped.unexpected) request.log.error({ err: error }, 'request failed');
    else request.log.warn({ code: mapped.problem.code, detail: mapped.problem.detail }, 'request rejected');
    return sendProblem(reply, mapped);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problemFor({ statusCode: 404, message: `No route for ${request.method} ${request.url.split('?')[0]}` }, request),
    ),
  );

  installEventStreams(app);
  registerAuthentication(app, services.accounts, { metrics, publicUrl: config.server.publicUrl });
  registerHealthRoutes(app, platform);
  registerAccountsRoutes(app, {
    accounts: services.accounts,
    audit: platform.audit,
    rateLimiters: platform.rateLimiters,
    secureCookies: config.server.publicUrl?.startsWith('https://') ?? false,
  });

  registerIntegrationRoutes(app, services.integrations);
  registerAlertRoutes(app, services.intake);
  registerWebhookRoutes(app, services.intake, { bodyLimitBytes: config.server.bodyLimitBytes });
  registerIncidentRoutes(app, services.incidents, platform.events);
  registerInvestigationRoutes(app, services.investigations);
  registerNotificationRoutes(app, services.notifications);
  registerConnectorRoutes(app, {
    connectors: services.connectors,
    accounts: services.accounts,
    events: platform.events,
    rateLimiters: platform.rateLimiters,
    rateLimitPerMinute: config.connectors.rateLimitPerMinute,
  });
  registerKnowledgeRoutes(app, services.knowledge, {
    events: platform.events,
    maxFileBytes: config.knowledge.maxFileBytes,
  });
  registerApprovalRoutes(app, services.agent.approvals);
  registerLlmRoutes(app, services.agent.models, services.agent.usage);
  registerMcpServerRoutes(app, services.agent.mcpServers);
  registerMcpEndpoint(app, {
    tools: () => services.agent.endpointTools,
    audit: platform.audit,
    logger: platform.logger,
    version: '0.1.0',
  });
  registerChatRoutes(app, services.chat, services.webSocketTickets);
  await registerChatWebSocket(app, {
    chat: services.chat,
    approvals: services.agent.approvals,
    accounts: services.accounts,
    tickets: services.webSocketTickets,
    logger: platform.logger,
    shutdownTimeoutMs: Math.min(config.server.shutdownTimeoutMs, 10_000),
  });

  app.get(openApiPath, { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await registerWebUi(app);

  return app;
}
