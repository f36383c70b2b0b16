import { type LanguageModelOverride, LlmModels } from '../../platform/llm/llm-models.js';
import { builtInPrices, PriceTable } from '../../platform/llm/prices.js';
import { UsageLedger } from '../../platform/llm/usage-ledger.js';
import type { Platform } from '../../platform/platform.js';
import type { IncidentsService } from '../incidents/index.js';
import { AgentRunner, type MemberDirectory } from './agent-runner.js';
import { ApprovalsService } from './approvals.service.js';
import { type ConnectedProviders, noConnectedProviders } from './connected-providers.js';
import { incidentTools } from './incident-tools.js';
import { McpServersService } from './mcp/mcp-servers.service.js';
import { type AnyToolDefinition, ToolRegistry } from './tool-registry.js';

/** Everything the agent needs, built once by the composition root. */
export interface AgentRuntime {
  models: LlmModels;
  usage: UsageLedger;
  registry: ToolRegistry;
  approvals: ApprovalsService;
  runner: AgentRunner;
  /** External MCP servers per org; their tools join the registry as the `mcp` toolset. */
  mcpServers: McpServersService;
  /**
   * What Aurora's own MCP endpoint (/mcp) serves: the incident tools, plus tools other features add here
   * (knowledge search is added by the composition root).
   */
  endpointTools: AnyToolDefinition[];
  /** Swapped in when the connectors feature lands (`runtime.setConnectedProviders(connectors)`). */
  setConnectedProviders(providers: ConnectedProviders): void;
}

export function createAgentRuntime(
  platform: Platform,
  features: { incidents: IncidentsService; members: MemberDirectory },
  options: { languageModel?: LanguageModelOverride } = {},
): AgentRuntime {
  const { config, database, secrets, audit, events, logger, redactor, outbound, cache } = platform;
  const models = new LlmModels({
    config,
    database,
    secrets,
    audit,
    events,
    logger: logger.child({ component: 'llm' }),
    redactor,
    outbound,
    override: options.languageModel,
  });
  const usage = new UsageLedger(database, cache, new PriceTable(builtInPrices, config.llm.prices), logger);
  const registry = new ToolRegistry(logger.child({ component: 'tools' })).register(
    ...incidentTools(features.incidents),
  );
  const mcpServers = new McpServersService(
    { database, secrets, audit, events, outbound, logger: logger.child({ component: 'mcp' }) },
    {
      stdioEnabled: config.mcp.stdioEnabled,
      stdioCommands: config.mcp.stdioCommands,
      connectTimeoutMs: config.mcp.connectTimeoutMs,
      idleSeconds: config.mcp.idleSeconds,
      defaultToolTimeoutMs: config.mcp.toolTimeoutMs,
    },
  );
  registry.registerToolset(mcpServers.toolset);
  const endpointTools = ['list_incidents', 'get_incident', 'update_incident'].flatMap((name) => {
    const tool = registry.get(name);
    return tool ? [tool] : [];
  });
  const approvals = new ApprovalsService(database, events, audit, logger.child({ component: 'approvals' }), {
    timeoutSeconds: config.agent.approvalTimeoutSeconds,
  });
  let providers: ConnectedProviders = noConnectedProviders;
  const runner = new AgentRunner({
    database,
    members: features.members,
    models,
    usage,
    registry,
    approvals,
    providers: { list: (request) => providers.list(request) },
    logger: logger.child({ component: 'agent' }),
  });
  return {
    models,
    usage,
    registry,
    approvals,
    runner,
    mcpServers,
    endpointTools,
    setConnectedProviders(next) {
      providers = next;
    },
  };
}
