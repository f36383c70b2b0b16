export {
  hnswIndexParameters,
  vectorIndexesOf,
  vectorIndexName,
  vectorIndexStatement,
} from './knowledge.repository.js';
export { registerKnowledgeRoutes, searchResultSchema } from './knowledge.routes.js';
export { type DocumentKind, documentKinds, type MemoryKind, memoryKinds } from './knowledge.schema.js';
export {
  type DocumentView,
  KnowledgeService,
  type MemoryInput,
  reciprocalRankFusion,
  type SearchResponse,
  type SearchResult,
} from './knowledge.service.js';
export {
  type Citation,
  citationFor,
  type KnowledgeSearchInput,
  type KnowledgeSearchOutput,
  knowledgeSearchTool,
  runKnowledgeSearch,
} from './knowledge-search.tool.js';
