export type { ApprovalRow } from './agent.repository.js';
export { type AgentRunStatus, type ApprovalStatus, approvalStatuses, type ToolCallStatus } from './agent.schema.js';
export {
  type AgentEvent,
  AgentRunner,
  type AgentRunOptions,
  type AgentRunResult,
  type MemberDirectory,
} from './agent-runner.js';
export { type AgentRuntime, createAgentRuntime } from './agent-runtime.js';
export { registerApprovalRoutes } from './approvals.routes.js';
export {
  type ApprovalOutcome,
  type ApprovalRequest,
  ApprovalsService,
  type ApprovalView,
} from './approvals.service.js';
export { type ConnectedProvider, type ConnectedProviders, noConnectedProviders } from './connected-providers.js';
export { knowledgeTools } from './knowledge-tools.js';
export { registerLlmRoutes } from './llm-settings.routes.js';
export { registerMcpEndpoint } from './mcp/mcp-endpoint.js';
export { registerMcpServerRoutes } from './mcp/mcp-servers.routes.js';
export { McpServersService } from './mcp/mcp-servers.service.js';
export { ProcessStopping } from './process-stopping.js';
export { nextTurn, RunFailed } from './run-failed.js';
export { buildSystemPrompt } from './system-prompt.js';
export { capOutput, wrapToolOutput } from './tool-output.js';
export {
  type AgentMode,
  type AnyToolDefinition,
  defineTool,
  type ToolAccess,
  type ToolContext,
  type ToolDefinition,
  ToolRegistry,
  type Toolset,
} from './tool-registry.js';
