import { type KnowledgeService, knowledgeSearchTool, runKnowledgeSearch } from '../knowledge/index.js';
import { type AnyToolDefinition, defineTool } from './tool-registry.js';

/** The knowledge feature's search as an agent tool (read-only; always the caller's org, never one from the input). */
export function knowledgeTools(knowledge: KnowledgeService): AnyToolDefinition[] {
  return [
    defineTool({
      name: knowledgeSearchTool.name,
      description: knowledgeSearchTool.description,
      input: knowledgeSearchTool.inputSchema,
      access: 'readOnly',
      connector: null,
      timeoutMs: 20_000,
      execute: (input, context) => runKnowledgeSearch(knowledge, context.orgId, input),
    }),
  ];
}
