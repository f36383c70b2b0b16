import { and, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../platform/database/database.js';
import type { Chunk } from './chunking/chunker.js';
import {
  type DocumentKind,
  type DocumentStatus,
  knowledgeChunks,
  knowledgeDocuments,
  memoryKinds,
} from './knowledge.schema.js';

export type DocumentRow = typeof knowledgeDocuments.$inferSelect;
export type NewDocumentRow = typeof knowledgeDocuments.$inferInsert;

export interface StoredChunk extends Chunk {
  id: string;
}

export interface RankedChunk {
  chunkId: string;
  score: number;
}

export interface ChunkDetail {
  chunkId: string;
  documentId: string;
  title: string;
  kind: DocumentKind;
  text: string;
  page: number | null;
  headingPath: string[];
  /** Memory documents: the incident or chat session the document was made from. */
  sourceId: string | null;
}

const batchRows = 500;

/** HNSW build parameters of the knowledge vector index (see docs/benchmarks.md, HNSW recall). */
export interface HnswParameters {
  m: number;
  efConstruction: number;
}

/** The defaults (`AURORA_KB_HNSW_M`, `AURORA_KB_HNSW_EF_CONSTRUCTION`): pgvector's own. */
export const hnswIndexParameters: HnswParameters = { m: 16, efConstruction: 64 };

/**
 * The index name says which parameters built it, so a changed setting builds a new index (and the old one is
 * dropped) instead of silently keeping the old. The defaults keep the plain name earlier versions created.
 */
export function vectorIndexName(dimensions: number, parameters: HnswParameters = hnswIndexParameters): string {
  const isDefault =
    parameters.m === hnswIndexParameters.m && parameters.efConstruction === hnswIndexParameters.efConstruction;
  return isDefault
    ? `knowledge_embeddings_hnsw_${dimensions}`
    : `knowledge_embeddings_hnsw_${dimensions}_m${parameters.m}_ef${parameters.efConstruction}`;
}

/** The HNSW indexes that exist over vectors of `dimensions`, whatever parameters built them. */
export async function vectorIndexesOf(executor: Executor, dimensions: number): Promise<string[]> {
  const rows = await executor.query<{ name: string }>(
    `select indexname as name from pg_indexes where tablename = 'knowledge_embeddings'
       and (indexname = $1 or indexname like $2)`,
    [vectorIndexName(dimensions), `${vectorIndexName(dimensions)}\\_m%`],
  );
  return rows.map((row) => row.name);
}

/** The HNSW index for vectors of `dimensions`: partial, over a typed cast, since one table holds every model's. */
export function vectorIndexStatement(dimensions: number, parameters: HnswParameters = hnswIndexParameters): string {
  return `create index if not exists ${vectorIndexName(dimensions, parameters)} on knowledge_embeddings
    using hnsw ((embedding::vector(${dimensions})) vector_cosine_ops)
    with (m = ${parameters.m}, ef_construction = ${parameters.efConstruction}) where dimensions = ${dimensions}`;
}

/**
 * Ranking reads every matching chunk's positions, so a query of common words over a large corpus would rank tens
 * of thousands of rows; only the first this many matches are ranked (a query that broad has that many relevant
 * chunks anyway, and hybrid search adds the semantic neighbours). Reading the rows is most of a search's cost: at
 * 100k chunks on PostgreSQL, 5,000 put the p95 at 45–52 ms and 2,000 at 22–24 ms (docs/benchmarks.md §8).
 */
const maxRankedMatches = 2_000;

export class KnowledgeRepository {
  constructor(private readonly hnsw: HnswParameters = hnswIndexParameters) {}

  private vectorStore: Promise<{ available: boolean; iterativeScan: boolean }> | undefined;
  private readonly vectorIndexes = new Map<number, Promise<void>>();

  /** Uploaded documents and bytes (memory documents do not count against the quota). */
  async usage(executor: Executor, orgId: string): Promise<{ documents: number; bytes: number }> {
    const [row] = await executor.query<{ documents: number; bytes: string | number }>(
      `select count(*)::int as documents, coalesce(sum(bytes), 0)::bigint as bytes
         from knowledge_documents where org_id = $1 and kind <> all($2::text[])`,
      [orgId, [...memoryKinds]],
    );
    return { documents: row?.documents ?? 0, bytes: Number(row?.bytes ?? 0) };
  }

  async insert(executor: Executor, row: NewDocumentRow): Promise<void> {
    await executor.db.insert(knowledgeDocuments).values(row);
  }

  async find(executor: Executor, orgId: string, id: string): Promise<DocumentRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(knowledgeDocuments)
      .where(and(eq(knowledgeDocuments.orgId, orgId), eq(knowledgeDocuments.id, id)))
      .limit(1);
    return row;
  }

  async findBySource(
    executor: Executor,
    orgId: string,
    kind: DocumentKind,
    sourceId: string,
  ): Promise<DocumentRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(knowledgeDocuments)
      .where(
        and(
          eq(knowledgeDocuments.orgId, orgId),
          eq(knowledgeDocuments.kind, kind),
          eq(knowledgeDocuments.sourceId, sourceId),
        ),
      )
      .limit(1);
    return row;
  }

  async list(
    executor: Executor,
    orgId: string,
    filter: {
      kind?: DocumentKind[];
      status?: DocumentStatus[];
      limit: number;
      cursor?: { createdAt: Date; id: string };
    },
  ): Promise<DocumentRow[]> {
    const conditions: SQL[] = [eq(knowledgeDocuments.orgId, orgId)];
    if (filter.kind?.length) conditions.push(inArray(knowledgeDocuments.kind, filter.kind));
    if (filter.status?.length) conditions.push(inArray(knowledgeDocuments.status, filter.status));
    if (filter.cursor) {
      conditions.push(
        or(
          lt(knowledgeDocuments.createdAt, filter.cursor.createdAt),
          and(eq(knowledgeDocuments.createdAt, filter.cursor.createdAt), lt(knowledgeDocuments.id, filter.cursor.id)),
        ) as SQL,
      );
    }
    return executor.db
      .select()
      .from(knowledgeDocuments)
      .where(and(...conditions))
      .orderBy(desc(knowledgeDocuments.createdAt), desc(knowledgeDocuments.id))
      .limit(filter.limit);
  }

  async update(
    executor: Executor,
    orgId: string,
    id: string,
    changes: Partial<Omit<DocumentRow, 'id' | 'orgId'>>,
  ): Promise<DocumentRow | undefined> {
    const [row] = await executor.db
      .update(knowledgeDocuments)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(knowledgeDocuments.orgId, orgId), eq(knowledgeDocuments.id, id)))
      .returning();
    return row;
  }

  /** Counts an indexing attempt; returns the row as it is now. */
  async beginAttempt(executor: Executor, orgId: string, id: string): Promise<DocumentRow | undefined> {
    const [row] = await executor.db
      .update(knowledgeDocuments)
      .set({ attempts: sql`${knowledgeDocuments.attempts} + 1`, updatedAt: new Date() })
      .where(and(eq(knowledgeDocuments.orgId, orgId), eq(knowledgeDocuments.id, id)))
      .returning();
    return row;
  }

  async delete(executor: Executor, orgId: string, id: string): Promise<DocumentRow | undefined> {
    const [row] = await executor.db
      .delete(knowledgeDocuments)
      .where(and(eq(knowledgeDocuments.orgId, orgId), eq(knowledgeDocuments.id, id)))
      .returning();
    return row;
  }

  /** Replaces a document's chunks (and, by cascade, their vectors). */
  async replaceChunks(executor: Executor, orgId: string, documentId: string, chunks: StoredChunk[]): Promise<void> {
    await executor.db
      .delete(knowledgeChunks)
      .where(and(eq(knowledgeChunks.orgId, orgId), eq(knowledgeChunks.documentId, documentId)));
    for (let start = 0; start < chunks.length; start += batchRows) {
      const rows = chunks.slice(start, start + batchRows).map((chunk) => ({
        id: chunk.id,
        ordinal: chunk.ordinal,
        text: chunk.text,
        page: chunk.page,
        page_end: chunk.pageEnd,
        heading_path: chunk.headingPath,
        heading: chunk.headingPath.join(' > '),
        token_count: chunk.tokenCount,
      }));
      await executor.query(
        `insert into knowledge_chunks (id, org_id, document_id, ordinal, text, page, page_end, heading_path, heading, token_count)
         select x.id, $1, $2, x.ordinal, x.text, x.page, x.page_end, x.heading_path, x.heading, x.token_count
           from jsonb_to_recordset($3::jsonb) as x(id uuid, ordinal int, text text, page int, page_end int,
                heading_path jsonb, heading text, token_count int)`,
        [orgId, documentId, JSON.stringify(rows)],
      );
    }
  }

  async insertEmbeddings(
    executor: Executor,
    orgId: string,
    documentId: string,
    model: string,
    vectors: Array<{ chunkId: string; vector: number[] }>,
  ): Promise<void> {
    for (let start = 0; start < vectors.length; start += batchRows) {
      const rows = vectors.slice(start, start + batchRows).map((entry) => ({
        chunk_id: entry.chunkId,
        dimensions: entry.vector.length,
        embedding: `[${entry.vector.join(',')}]`,
      }));
      await executor.query(
        `insert into knowledge_embeddings (chunk_id, org_id, document_id, model, dimensions, embedding)
         select x.chunk_id, $1, $2, $3, x.dimensions, x.embedding::vector
           from jsonb_to_recordset($4::jsonb) as x(chunk_id uuid, dimensions int, embedding text)`,
        [orgId, documentId, model, JSON.stringify(rows)],
      );
    }
  }

  /** Whether the vector table exists (it is created only where pgvector is installed). Cached per process. */
  vectorSupport(database: Database): Promise<{ available: boolean; iterativeScan: boolean }> {
    this.vectorStore ??= (async () => {
      const rows = await database.query<{ table: string | null; version: string | null }>(
        `select to_regclass('public.knowledge_embeddings')::text as table,
                (select extversion from pg_extension where extname = 'vector') as version`,
      );
      const version = rows[0]?.version ?? '0';
      const [major = 0, minor = 0] = version.split('.').map(Number);
      return { available: Boolean(rows[0]?.table), iterativeScan: major > 0 || minor >= 8 };
    })().catch((error) => {
      this.vectorStore = undefined;
      throw error;
    });
    return this.vectorStore;
  }

  /**
   * The HNSW index for vectors of `dimensions` (a partial index over a typed cast, since one table holds every
   * model's vectors). Created once, on first use; IF NOT EXISTS under a lock makes concurrent processes agree.
   */
  ensureVectorIndex(database: Database, dimensions: number): Promise<void> {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16_000) {
      return Promise.reject(new Error(`invalid vector dimension ${dimensions}`));
    }
    let pending = this.vectorIndexes.get(dimensions);
    if (!pending) {
      pending = database
        .withAdvisoryLock(`aurora.knowledge.vector-index.${dimensions}`, async () => {
          await database.exec(vectorIndexStatement(dimensions, this.hnsw));
          // An index built with other parameters (the setting changed) is superseded once the new one exists.
          const current = vectorIndexName(dimensions, this.hnsw);
          for (const name of await vectorIndexesOf(database, dimensions)) {
            if (name !== current) await database.exec(`drop index if exists "${name}"`);
          }
        })
        .catch((error) => {
          this.vectorIndexes.delete(dimensions);
          throw error;
        });
      this.vectorIndexes.set(dimensions, pending);
    }
    return pending;
  }

  /**
   * Full-text search, stemmed, ranked by cover density (headings weigh more). Chunks with every query word come
   * first; only when they are fewer than `limit` do chunks with any of the words fill up the list. Ranking every
   * chunk that shares one common word would cost a scan of most of the corpus.
   */
  async lexicalSearch(
    executor: Executor,
    orgId: string,
    query: string,
    options: { kinds?: DocumentKind[]; limit: number },
  ): Promise<RankedChunk[]> {
    const kinds = options.kinds?.length ? options.kinds : undefined;
    const run = (operator: '&' | '|') =>
      executor.query<RankedChunk>(
        `with query as (
           select to_tsquery('simple', string_agg(quote_literal(lexeme), ' ${operator} ')) as q
             from unnest(tsvector_to_array(to_tsvector('english', $2))) as lexeme
         )
         select c.id as "chunkId", ts_rank_cd(c.search_vector, query.q)::float8 as score
           from query, (
             select c.id, c.search_vector
               from query, knowledge_chunks c
              where query.q is not null and c.org_id = $1 and c.search_vector @@ query.q
                ${kinds ? 'and exists (select 1 from knowledge_documents d where d.id = c.document_id and d.kind = any($4::text[]))' : ''}
              limit ${maxRankedMatches}
           ) c
          order by score desc, c.id
          limit $3`,
        kinds ? [orgId, query, options.limit, kinds] : [orgId, query, options.limit],
      );
    const all = await run('&');
    if (all.length >= options.limit) return all;
    const seen = new Set(all.map((entry) => entry.chunkId));
    // Chunks with every word outrank those with only some, whatever their scores.
    const some = (await run('|')).filter((entry) => !seen.has(entry.chunkId));
    return [...all, ...some].slice(0, options.limit);
  }

  /** Nearest chunks by cosine similarity among vectors of the same model (HNSW; `efSearch` candidates). */
  async vectorSearch(
    database: Database,
    orgId: string,
    vector: number[],
    options: { model: string; kinds?: DocumentKind[]; limit: number; efSearch: number; iterativeScan: boolean },
  ): Promise<RankedChunk[]> {
    const dimensions = vector.length;
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16_000) return [];
    const efSearch = Math.max(10, Math.min(1000, Math.trunc(options.efSearch)));
    return database.transaction(async (transaction) => {
      await transaction.query(`select set_config('hnsw.ef_search', $1, true)`, [String(efSearch)]);
      // pgvector 0.8+: keep scanning the index until enough rows pass the org and kind filters.
      if (options.iterativeScan) {
        await transaction.query(`select set_config('hnsw.iterative_scan', 'relaxed_order', true)`);
      }
      const rows = await transaction.query<RankedChunk>(
        `select e.chunk_id as "chunkId",
                (1 - (e.embedding::vector(${dimensions}) <=> $2::vector(${dimensions})))::float8 as score
           from knowledge_embeddings e
           join knowledge_documents d on d.id = e.document_id
          where e.dimensions = ${dimensions} and e.org_id = $1 and e.model = $3
            and ($4::text[] is null or d.kind = any($4::text[]))
          order by e.embedding::vector(${dimensions}) <=> $2::vector(${dimensions})
          limit $5`,
        [orgId, `[${vector.join(',')}]`, options.model, options.kinds?.length ? options.kinds : null, options.limit],
      );
      return rows.sort((a, b) => b.score - a.score);
    });
  }

  async chunkDetails(executor: Executor, orgId: string, chunkIds: string[]): Promise<ChunkDetail[]> {
    if (chunkIds.length === 0) return [];
    return executor.query<ChunkDetail>(
      `select c.id as "chunkId", c.document_id as "documentId", d.title, d.kind, c.text, c.page,
              c.heading_path as "headingPath", d.source_id as "sourceId"
         from knowledge_chunks c join knowledge_documents d on d.id = c.document_id
        where c.org_id = $1 and c.id = any($2::uuid[])`,
      [orgId, chunkIds],
    );
  }

  /** Documents whose vectors are not from `model` (or that have none), across orgs, for re-indexing. */
  async staleDocuments(
    executor: Executor,
    model: string,
    limit: number,
  ): Promise<Array<{ orgId: string; id: string }>> {
    return executor.query<{ orgId: string; id: string }>(
      `select org_id as "orgId", id from knowledge_documents
        where status = 'indexed' and embedding_model is distinct from $1 and chunk_count > 0
        order by created_at limit $2`,
      [model, limit],
    );
  }
}
