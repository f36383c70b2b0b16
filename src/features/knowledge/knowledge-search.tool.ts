import { z } from 'zod';
import { documentKinds } from './knowledge.schema.js';
import type { KnowledgeService, SearchResult } from './knowledge.service.js';

/**
 * The `knowledge_search` agent tool, ready for the agent's tool registry: name, description, zod input schema,
 * and `run`, which returns results with citations. Tool output is data for the model, never instructions.
 */
export const knowledgeSearchTool = {
  name: 'knowledge_search',
  description:
    "Search the organization's knowledge base: runbooks, postmortems, documents, past incidents (root cause, evidence, feedback) and past chat conversations. Returns the most relevant passages, each with a citation (document title, page, section) to quote when you use it. Use it to find how to diagnose or fix something, and whether a similar incident happened before.",
  inputSchema: z.object({
    query: z.string().min(1).max(1000).describe('what to look for, in natural language or keywords'),
    kinds: z
      .array(z.enum(documentKinds))
      .optional()
      .describe('only these kinds: runbook, postmortem, doc, incident, conversation'),
    limit: z.number().int().min(1).max(20).default(5).describe('how many passages to return'),
  }),
} as const;

export type KnowledgeSearchInput = z.input<typeof knowledgeSearchTool.inputSchema>;

export interface Citation {
  /** e.g. `[K1]`, for the answer to refer to. */
  label: string;
  documentId: string;
  chunkId: string;
  title: string;
  kind: string;
  page: number | null;
  section: string | null;
  /** Memory documents: the incident or chat session they came from. */
  source: { kind: 'incident' | 'conversation'; id: string } | null;
  /** Human-readable: `Disk full runbook, p. 3, § Recovery > Free space`, or `…, chat session <id>`. */
  reference: string;
}

export interface KnowledgeSearchOutput {
  results: Array<SearchResult & { citation: Citation }>;
  mode: 'hybrid' | 'lexical';
  note?: string;
}

/** Runs the tool for one org (the caller's, never one from the model's input). */
export async function runKnowledgeSearch(
  knowledge: KnowledgeService,
  orgId: string,
  input: KnowledgeSearchInput,
): Promise<KnowledgeSearchOutput> {
  const parsed = knowledgeSearchTool.inputSchema.parse(input);
  const response = await knowledge.search(orgId, { query: parsed.query, limit: parsed.limit, kinds: parsed.kinds });
  return {
    ...response,
    results: response.results.map((result, index) => ({ ...result, citation: citationFor(result, index) })),
  };
}

export function citationFor(result: SearchResult, index: number): Citation {
  const section = result.headingPath.length > 0 ? result.headingPath.join(' > ') : null;
  const source =
    result.sourceId && (result.kind === 'incident' || result.kind === 'conversation')
      ? { kind: result.kind, id: result.sourceId }
      : null;
  const reference = [
    result.title,
    result.page !== null ? `p. ${result.page}` : null,
    section ? `§ ${section}` : null,
    source ? `${source.kind === 'incident' ? 'incident' : 'chat session'} ${source.id}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    label: `[K${index + 1}]`,
    documentId: result.documentId,
    chunkId: result.chunkId,
    title: result.title,
    kind: result.kind,
    page: result.page,
    section,
    source,
    reference,
  };
}
