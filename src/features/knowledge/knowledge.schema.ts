import { type SQL, sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

// The accounts table, named only so the foreign keys below can point at it (features share only their index.ts).
// Not exported, so drizzle-kit does not see it twice.
const organizations = pgTable('organizations', { id: uuid('id').primaryKey() });

export const uploadKinds = ['runbook', 'postmortem', 'doc'] as const;
/** Memory: analysed incidents and finished chat conversations, indexed by those features. */
export const memoryKinds = ['incident', 'conversation'] as const;
export const documentKinds = [...uploadKinds, ...memoryKinds] as const;
export type DocumentKind = (typeof documentKinds)[number];
export type UploadKind = (typeof uploadKinds)[number];
export type MemoryKind = (typeof memoryKinds)[number];

export const documentStatuses = ['processing', 'indexed', 'failed'] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * One uploaded file (or one memory: an incident's analysis, a conversation). The file itself is in the object
 * store at `{org}/kb/{id}.{ext}`.
 */
export const knowledgeDocuments = pgTable(
  'knowledge_documents',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    kind: text('kind', { enum: documentKinds }).notNull(),
    tags: jsonb('tags').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    status: text('status', { enum: documentStatuses }).notNull(),
    error: text('error'),
    fileName: text('file_name'),
    objectKey: text('object_key').notNull(),
    /** Detected from the content when indexed (application/pdf, text/markdown, …). */
    mediaType: text('media_type'),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    pages: integer('pages'),
    chunkCount: integer('chunk_count').notNull().default(0),
    /** The model its vectors were made with; null when indexed without one. A different current model means re-index. */
    embeddingModel: text('embedding_model'),
    /** Indexing attempts since the last upload or re-index request; bounded so a failing document ends as `failed`. */
    attempts: integer('attempts').notNull().default(0),
    /** For memory documents: the incident or conversation id; one document per (kind, source). */
    sourceId: text('source_id'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    indexedAt: timestamp('indexed_at', { withTimezone: true }),
  },
  (table) => [
    index('knowledge_documents_org_created_idx').on(table.orgId, table.createdAt.desc(), table.id.desc()),
    uniqueIndex('knowledge_documents_source_unique')
      .on(table.orgId, table.kind, table.sourceId)
      .where(sql`${table.sourceId} is not null`),
  ],
);

/**
 * Searchable pieces of a document. `search_vector` is derived by PostgreSQL: the heading path weighs more (A)
 * than the text (B). Vectors live in `knowledge_embeddings`, created only where pgvector exists.
 */
export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    documentId: uuid('document_id')
      .notNull()
      .references(() => knowledgeDocuments.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    text: text('text').notNull(),
    page: integer('page'),
    pageEnd: integer('page_end'),
    headingPath: jsonb('heading_path').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    heading: text('heading').notNull().default(''),
    tokenCount: integer('token_count').notNull(),
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`setweight(to_tsvector('english'::regconfig, ${knowledgeChunks.heading}), 'A') || setweight(to_tsvector('english'::regconfig, ${knowledgeChunks.text}), 'B')`,
      ),
  },
  (table) => [
    index('knowledge_chunks_document_idx').on(table.documentId, table.ordinal),
    index('knowledge_chunks_org_idx').on(table.orgId),
    index('knowledge_chunks_search_idx').using('gin', table.searchVector),
  ],
);
