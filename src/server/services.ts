import { AccountsService } from '../features/accounts/index.js';
import { type AgentRuntime, createAgentRuntime, knowledgeTools } from '../features/agent/index.js';
import {
  IntakeBatcher,
  IntakeService,
  IntegrationsRepository,
  IntegrationsService,
  SnsMessageVerifier,
} from '../features/alerts/index.js';
import { ChatService, ConversationMemory, WebSocketTickets } from '../features/chat/index.js';
import { type CloudTools, createCloudTools } from '../features/cloud-tools/index.js';
import { ConnectorsService } from '../features/connectors/index.js';
import { IncidentCorrelator, IncidentsService } from '../features/incidents/index.js';
import {
  defaultInvestigationTelemetry,
  InvestigationsService,
  type InvestigationTelemetry,
} from '../features/investigations/index.js';
import { KnowledgeService } from '../features/knowledge/index.js';
import { NotificationsService } from '../features/notifications/index.js';
import type { LanguageModelOverride } from '../platform/llm/llm-models.js';
import type { Platform } from '../platform/platform.js';
import { jobCatalog } from '../platform/queue/job-catalog.js';

/** Feature services, built once from the platform. */
export interface Services {
  accounts: AccountsService;
  integrations: IntegrationsService;
  intake: IntakeService;
  incidents: IncidentsService;
  connectors: ConnectorsService;
  /** Read-only provider tools, and `telemetry.telemetryFor(orgId)`: ports from the org's connections. */
  cloudTools: CloudTools;
  knowledge: KnowledgeService;
  agent: AgentRuntime;
  chat: ChatService;
  /** Finished chat conversations into the knowledge base as `conversation` memory (the `chat.memory.sweep` job). */
  conversationMemory: ConversationMemory;
  webSocketTickets: WebSocketTickets;
  notifications: NotificationsService;
  investigations: InvestigationsService;
}

/** Seams for tests that must stand in for the outside world (AWS SNS's certificates and confirmations). */
export interface ServiceOverrides {
  sns?: SnsMessageVerifier;
  confirmSubscription?: (subscribeUrl: string) => Promise<void>;
  /** A scripted model (tests, benchmarks) used instead of the configured provider. */
  languageModel?: LanguageModelOverride;
  /** Telemetry for investigations (stand-in sources that are slow, failing or scripted). */
  investigationTelemetry?: InvestigationTelemetry;
}

const outboundTimeoutMs = 10_000;

// The callers have already checked the host (an AWS SNS or Amazon Trust host); redirects could leave it, so they are refused.
async function fetchChecked(url: string): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(outboundTimeoutMs), redirect: 'error' });
  if (!response.ok) throw new Error(`GET ${new URL(url).host} answered ${response.status}`);
  return response;
}

const fetchText = async (url: string) => (await fetchChecked(url)).text();
const fetchBytes = async (url: string) => Buffer.from(await (await fetchChecked(url)).arrayBuffer());

export function createServices(platform: Platform, overrides: ServiceOverrides = {}): Services {
  const { database, audit, events, logger, secrets, queue, rateLimiters, metrics, config } = platform;
  const accounts = new AccountsService(database, audit, { sessionTtlHours: config.auth.sessionTtlHours });
  const integrations = new IntegrationsService(
    database,
    secrets,
    audit,
    events,
    logger.child({ component: 'integrations' }),
  );
  const correlator = new IncidentCorrelator(queue);
  const batcher = new IntakeBatcher(
    database,
    correlator,
    new IntegrationsRepository(),
    events,
    logger.child({ component: 'intake' }),
    { replayWindowSeconds: 300, maxBatchAlerts: 2_000, registry: metrics.registry },
  );
  const intake = new IntakeService({
    integrations,
    batcher,
    audit,
    rateLimiters,
    logger: logger.child({ component: 'intake' }),
    registry: metrics.registry,
    verifyOptions: {
      sns: overrides.sns ?? new SnsMessageVerifier({ fetchCertificate: fetchText, fetchIssuerCertificate: fetchBytes }),
    },
    confirmSubscription: overrides.confirmSubscription ?? (async (url) => void (await fetchText(url))),
  });
  const incidents = new IncidentsService(
    database,
    queue,
    events,
    logger.child({ component: 'incidents' }),
    (orgId, userId) => accounts.isMember(orgId, userId),
  );
  const agent = createAgentRuntime(
    platform,
    { incidents, members: accounts },
    { languageModel: overrides.languageModel },
  );
  const chat = new ChatService(database, agent, logger.child({ component: 'chat' }), {
    maxSteps: config.agent.chatMaxSteps,
    maxTokens: config.agent.chatMaxTokens,
    historyTokens: config.agent.historyTokens,
  });
  const connectors = new ConnectorsService({
    database,
    secrets,
    audit,
    events,
    queue,
    cache: platform.cache,
    registry: metrics.registry,
    logger: logger.child({ component: 'connectors' }),
    config: config.connectors,
    publicUrl: config.server.publicUrl,
    outbound: platform.outbound,
  });
  const cloudTools = createCloudTools({
    connectors,
    config: config.connectors,
    rateLimiters,
    policy: platform.outbound.policy,
  });
  agent.registry.register(...cloudTools.tools);
  agent.setConnectedProviders(cloudTools.connectedProviders);
  const webSocketTickets = new WebSocketTickets(platform.cache);
  const notifications = new NotificationsService(
    {
      database,
      secrets,
      audit,
      queue,
      outbound: platform.outbound,
      logger: logger.child({ component: 'notifications' }),
    },
    {
      publicUrl: config.server.publicUrl,
      slackApiUrl: config.notifications.slackApiUrl,
      timeoutMs: config.notifications.timeoutMs,
      maxAttempts: jobCatalog['notification.deliver'].retryLimit + 1,
    },
  );
  const knowledge = new KnowledgeService({
    database,
    objects: platform.objects,
    queue,
    events,
    audit,
    embedder: platform.embedder,
    logger: logger.child({ component: 'knowledge' }),
    config: config.knowledge,
  });
  const conversationMemory = new ConversationMemory({
    database,
    logger: logger.child({ component: 'conversation-memory' }),
    indexMemory: (orgId, input) => knowledge.indexMemory(orgId, input),
    redact: (text) => platform.redactor.redact(text),
    idleMinutes: config.knowledge.conversationIdleMinutes,
  });
  // Runbooks and postmortems for the chat agent, and for MCP clients through Aurora's /mcp endpoint.
  const searchKnowledge = knowledgeTools(knowledge);
  agent.registry.register(...searchKnowledge);
  agent.endpointTools.push(...searchKnowledge);
  const investigations = new InvestigationsService({
    database,
    queue,
    events,
    audit,
    logger: logger.child({ component: 'investigations' }),
    incidents,
    // Aurora's own alerts, feedback memory, a bound built-in scenario (demo orgs), and the ports built from the
    // org's connections (Prometheus, Datadog, CloudWatch, GCP, Azure Monitor, GitHub, Kubernetes).
    telemetry:
      overrides.investigationTelemetry ??
      defaultInvestigationTelemetry({
        database,
        connected: async (orgId) => {
          const { connected: _fedBy, ...sources } = await cloudTools.telemetry.telemetryFor(orgId);
          return sources;
        },
      }),
    agent: { runner: agent.runner, models: agent.models },
    notify: (orgId, notice) => notifications.notify(orgId, notice),
    indexMemory: (orgId, input) => knowledge.indexMemory(orgId, input),
    // Runbooks, postmortems and analysed incidents, by whichever search (lexical or hybrid) the knowledge base supports.
    searchKnowledge: async (orgId, query, limit) =>
      (await knowledge.search(orgId, { query, limit, kinds: ['runbook', 'postmortem', 'incident'] })).results,
    limits: config.investigations,
  });
  return {
    accounts,
    integrations,
    intake,
    incidents,
    connectors,
    cloudTools,
    knowledge,
    agent,
    chat,
    conversationMemory,
    webSocketTickets,
    notifications,
    investigations,
  };
}
