import { createHash, randomUUID } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { KnowledgeConfig } from '../../config/config.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { Database, Executor } from '../../platform/database/database.js';
import { type Embedder, EmbeddingFailed, isUsableVector } from '../../platform/embeddings/embedder.js';
import { Conflict, NotFound, PayloadTooLarge, ValidationFailed } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { ObjectStore } from '../../platform/objects/object-store.js';
import type { AuroraJobCatalog } from '../../platform/queue/job-catalog.js';
import type { Queue } from '../../platform/queue/queue.js';
import { type Principal, principalAudit } from '../accounts/index.js';
import { ExtractionFailed } from './extraction/blocks.js';
import { formatBytes } from './extraction/zip-archive.js';
import { IngestionThread } from './ingestion-thread.js';
import { type DocumentRow, KnowledgeRepository, type RankedChunk } from './knowledge.repository.js';
import {
  type DocumentKind,
  type DocumentStatus,
  type MemoryKind,
  memoryKinds,
  type UploadKind,
  uploadKinds,
} from './knowledge.schema.js';

export interface DocumentView {
  id: string;
  title: string;
  kind: DocumentKind;
  status: DocumentStatus;
  error?: string;
  tags: string[];
  fileName: string | null;
  mediaType: string | null;
  pages: number | null;
  chunks: number;
  bytes: number;
  embeddingModel: string | null;
  createdAt: string;
  indexedAt: string | null;
}

export interface SearchResult {
  documentId: string;
  title: string;
  kind: DocumentKind;
  chunkId: string;
  text: string;
  page: number | null;
  headingPath: string[];
  /** For memory: the incident id (`incident`) or chat session id (`conversation`) it came from; null for uploads. */
  sourceId: string | null;
  score: number;
}

export interface SearchResponse {
  results: SearchResult[];
  /** `hybrid` when lexical and vector rankings were fused; `lexical` when only full-text search ran. */
  mode: 'hybrid' | 'lexical';
  /** Why the search was lexical only, when it was. */
  note?: string;
}

/** One part of a multipart upload, as the route hands it over. */
export type UploadPart =
  | { type: 'field'; name: string; value: string }
  | { type: 'file'; name: string; fileName: string; stream: Readable };

export interface MemoryInput {
  kind: MemoryKind;
  /** The incident or conversation id; indexing the same source again replaces its document. */
  sourceId: string;
  title: string;
  /** Markdown or plain text: root cause, evidence summary, feedback; or the conversation transcript. */
  text: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

export interface KnowledgeServiceDependencies {
  database: Database;
  objects: ObjectStore;
  queue: Queue<AuroraJobCatalog>;
  events: EventBus;
  audit: AuditLog;
  embedder: Embedder;
  logger: Logger;
  config: KnowledgeConfig;
}

type RequestMetadata = { requestId?: string; ip?: string };

/** Reciprocal rank fusion's damping constant (Cormack et al. 2009). */
const rrfK = 60;
const maxAttempts = 3;
const maxTags = 20;
const embeddingBatch = 64;

export class KnowledgeService {
  private readonly repository: KnowledgeRepository;
  private readonly ingestion: IngestionThread;

  constructor(private readonly dependencies: KnowledgeServiceDependencies) {
    this.repository = new KnowledgeRepository({
      m: dependencies.config.hnswM,
      efConstruction: dependencies.config.hnswEfConstruction,
    });
    this.ingestion = new IngestionThread({
      // Enough for any real document's XML; far below what a zip bomb expands to.
      maxUncompressedBytes: Math.max(256 * 1024 * 1024, dependencies.config.maxFileBytes * 2),
      timeoutMs: 5 * 60_000,
      maxHeapMb: 1536,
    });
  }

  async close(): Promise<void> {
    await this.ingestion.close();
  }

  /** Streams the file to the object store at `{org}/kb/{id}.{ext}` and queues indexing. */
  async upload(
    principal: Principal,
    metadata: RequestMetadata,
    parts: AsyncIterable<UploadPart>,
  ): Promise<{ id: string; status: 'processing' }> {
    const { database, objects, config } = this.dependencies;
    const orgId = principal.orgId;
    const before = await this.repository.usage(database, orgId);
    this.assertDocumentQuota(before.documents);
    const remaining = config.orgMaxBytes - before.bytes;
    if (remaining <= 0) throw this.storageQuotaExceeded(before.bytes);

    const id = randomUUID();
    const fields = new Map<string, string[]>();
    let stored: { key: string; fileName: string; bytes: number; sha256: string } | undefined;
    try {
      for await (const part of parts) {
        if (part.type === 'field') {
          fields.set(part.name, [...(fields.get(part.name) ?? []), part.value]);
          continue;
        }
        if (part.name !== 'file' || stored) {
          part.stream.resume();
          throw new ValidationFailed('Send exactly one file, in the multipart field `file`');
        }
        const fileName = part.fileName.slice(0, 255);
        const key = `kb/${id}.${extensionOf(fileName)}`;
        const limit = Math.min(config.maxFileBytes, remaining);
        const hash = createHash('sha256');
        let bytes = 0;
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            bytes += chunk.length;
            if (bytes > limit) {
              callback(
                limit === config.maxFileBytes
                  ? new PayloadTooLarge(`The file is larger than the ${formatBytes(config.maxFileBytes)} limit`)
                  : new PayloadTooLarge(
                      `The file does not fit in the organization's knowledge storage quota (${formatBytes(config.orgMaxBytes)}; ${formatBytes(before.bytes)} used). Delete documents to make room.`,
                    ),
              );
              return;
            }
            hash.update(chunk);
            callback(null, chunk);
          },
        });
        // The counter is both the end of the pipeline from the request and the body the store reads.
        await Promise.all([
          pipeline(part.stream, counter),
          objects.put(orgId, key, counter, { contentType: 'application/octet-stream' }),
        ]);
        stored = { key, fileName, bytes, sha256: hash.digest('hex') };
      }
      if (!stored) throw new ValidationFailed('The multipart field `file` is required');

      const kind = (fields.get('kind')?.[0] ?? 'doc') as UploadKind;
      if (!(uploadKinds as readonly string[]).includes(kind)) {
        throw new ValidationFailed(`kind must be one of ${uploadKinds.join(', ')}`);
      }
      const title = (fields.get('title')?.[0]?.trim() || titleFromFileName(stored.fileName)).slice(0, 500);
      const tags = parseTags(fields.get('tags') ?? []);
      const file = stored;
      await database.transaction(async (transaction) => {
        await transaction.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`aurora.kb.${orgId}`]);
        const usage = await this.repository.usage(transaction, orgId);
        this.assertDocumentQuota(usage.documents);
        if (usage.bytes + file.bytes > config.orgMaxBytes) throw this.storageQuotaExceeded(usage.bytes);
        await this.repository.insert(transaction, {
          id,
          orgId,
          title,
          kind,
          tags,
          status: 'processing',
          fileName: file.fileName,
          objectKey: file.key,
          bytes: file.bytes,
          sha256: file.sha256,
          createdBy: principal.userId,
        });
        await this.enqueueIndexing(transaction, orgId, id);
        await this.dependencies.audit.record(
          principalAudit(principal, metadata, {
            action: 'knowledge.document.uploaded',
            targetType: 'knowledge_document',
            targetId: id,
            details: { title, kind, bytes: file.bytes, fileName: file.fileName },
          }),
          transaction,
        );
        transaction.afterCommit(() => this.announce(orgId, id, { status: 'processing' }));
      });
      return { id, status: 'processing' };
    } catch (error) {
      if (stored) await objects.delete(orgId, stored.key).catch(() => undefined);
      else await objects.delete(orgId, `kb/${id}.bin`).catch(() => undefined);
      throw error;
    }
  }

  async list(
    principal: Principal,
    filter: { kind?: DocumentKind[]; status?: DocumentStatus[]; limit: number; cursor?: string },
  ): Promise<{ items: DocumentView[]; nextCursor: string | null }> {
    const rows = await this.repository.list(this.dependencies.database, principal.orgId, {
      ...filter,
      limit: filter.limit + 1,
      cursor: filter.cursor ? decodeCursor(filter.cursor) : undefined,
    });
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return {
      items: page.map(toView),
      nextCursor:
        rows.length > filter.limit && last
          ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url')
          : null,
    };
  }

  async get(principal: Principal, id: string): Promise<DocumentView> {
    return toView(await this.require(principal.orgId, id));
  }

  /** Removes the row, its chunks and vectors (cascade), and then the stored file. */
  async delete(principal: Principal, metadata: RequestMetadata, id: string): Promise<void> {
    const orgId = principal.orgId;
    const row = await this.dependencies.database.transaction(async (transaction) => {
      const deleted = await this.repository.delete(transaction, orgId, id);
      if (!deleted) throw new NotFound('Document not found');
      await this.dependencies.audit.record(
        principalAudit(principal, metadata, {
          action: 'knowledge.document.deleted',
          targetType: 'knowledge_document',
          targetId: id,
          details: { title: deleted.title },
        }),
        transaction,
      );
      transaction.afterCommit(() => this.announce(orgId, id, { status: 'deleted' }));
      return deleted;
    });
    await this.dependencies.objects.delete(orgId, row.objectKey).catch((error: unknown) => {
      this.dependencies.logger.warn({ err: error, documentId: id }, 'could not delete a knowledge file');
    });
  }

  async reindex(principal: Principal, metadata: RequestMetadata, id: string): Promise<DocumentView> {
    const orgId = principal.orgId;
    const row = await this.dependencies.database.transaction(async (transaction) => {
      const updated = await this.repository.update(transaction, orgId, id, {
        status: 'processing',
        error: null,
        attempts: 0,
      });
      if (!updated) throw new NotFound('Document not found');
      await this.enqueueIndexing(transaction, orgId, id);
      await this.dependencies.audit.record(
        principalAudit(principal, metadata, {
          action: 'knowledge.document.reindexed',
          targetType: 'knowledge_document',
          targetId: id,
        }),
        transaction,
      );
      transaction.afterCommit(() => this.announce(orgId, id, { status: 'processing' }));
      return updated;
    });
    return toView(row);
  }

  /**
   * Indexes an analysed incident or a finished conversation as a document of kind `incident` or `conversation`,
   * replacing the document indexed earlier for the same source. Called by the investigations and chat features.
   */
  async indexMemory(orgId: string, input: MemoryInput): Promise<{ id: string; status: 'processing' }> {
    const { database, objects } = this.dependencies;
    if (!(memoryKinds as readonly string[]).includes(input.kind)) {
      throw new ValidationFailed(`kind must be one of ${memoryKinds.join(', ')}`);
    }
    if (!input.sourceId.trim()) throw new ValidationFailed('sourceId is required');
    if (!input.text.trim()) throw new ValidationFailed('text is empty');
    const existing = await this.repository.findBySource(database, orgId, input.kind, input.sourceId);
    const id = existing?.id ?? randomUUID();
    const key = `kb/${id}.md`;
    const body = Buffer.from(`# ${input.title.trim()}\n\n${input.text.trim()}\n`, 'utf8');
    await objects.put(orgId, key, body, { contentType: 'text/markdown; charset=utf-8' });
    const values = {
      title: input.title.trim().slice(0, 500) || input.kind,
      tags: parseTags(input.tags ?? []),
      status: 'processing' as const,
      error: null,
      objectKey: key,
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
      metadata: input.metadata ?? {},
      attempts: 0,
    };
    await database.transaction(async (transaction) => {
      if (existing) await this.repository.update(transaction, orgId, id, values);
      else
        await this.repository.insert(transaction, {
          id,
          orgId,
          kind: input.kind,
          sourceId: input.sourceId,
          fileName: null,
          createdBy: null,
          ...values,
        });
      await this.enqueueIndexing(transaction, orgId, id);
      transaction.afterCommit(() => this.announce(orgId, id, { status: 'processing' }));
    });
    return { id, status: 'processing' };
  }

  /**
   * The `knowledge.document.index` job: extract and chunk in a worker thread, embed in batches, then replace
   * the chunks and vectors in one transaction. Problems with the file end as `failed` with a reason; only
   * infrastructure errors (database, object store) are thrown, so the queue retries them.
   */
  async indexDocument(orgId: string, id: string, signal?: AbortSignal): Promise<void> {
    const { database, objects, embedder, config, logger } = this.dependencies;
    const row = await this.repository.beginAttempt(database, orgId, id);
    if (row?.status !== 'processing') return;
    if (row.attempts > maxAttempts) {
      await this.finish(orgId, id, {
        status: 'failed',
        error: `Indexing failed ${maxAttempts} times${row.error ? ` (${row.error})` : ''}. Use re-index to try again.`,
      });
      return;
    }
    try {
      const { body } = await objects.get(orgId, row.objectKey);
      const bytes = await readAll(body, row.bytes);
      const extracted = await this.ingestion.process(bytes, {
        maxTokens: config.chunkTokens,
        overlapTokens: config.chunkOverlapTokens,
      });
      if (extracted.chunks.length === 0) throw new ExtractionFailed('The document contains no text.');
      const chunks = extracted.chunks.map((chunk) => ({ ...chunk, id: randomUUID() }));
      signal?.throwIfAborted();

      let vectors: number[][] | undefined;
      let embeddingModel: string | null = null;
      let note: string | null = null;
      const vectorSupport = embedder.modelId ? await this.repository.vectorSupport(database) : undefined;
      if (embedder.modelId && vectorSupport?.available) {
        try {
          vectors = [];
          for (let start = 0; start < chunks.length; start += embeddingBatch) {
            const batch = chunks.slice(start, start + embeddingBatch);
            vectors.push(
              ...(await embedder.embed(
                batch.map((chunk) => embeddingText(row.title, chunk)),
                { signal },
              )),
            );
            this.announce(orgId, id, {
              status: 'processing',
              stage: 'embedding',
              progress: { done: vectors.length, total: chunks.length },
            });
          }
          const dimensions = vectors.find(isUsableVector)?.length;
          if (dimensions) await this.repository.ensureVectorIndex(database, dimensions);
          embeddingModel = embedder.modelId;
        } catch (error) {
          if (!(error instanceof EmbeddingFailed)) throw error;
          logger.warn(
            { err: error, documentId: id },
            'embedding failed; the document is indexed for lexical search only',
          );
          vectors = undefined;
          note = `Indexed for lexical search only: ${error.message}`;
        }
      }

      const finished = await database.transaction(async (transaction) => {
        const current = await this.repository.find(transaction, orgId, id);
        if (current?.status !== 'processing') return false;
        await this.repository.replaceChunks(transaction, orgId, id, chunks);
        if (vectors && embeddingModel) {
          await this.repository.insertEmbeddings(
            transaction,
            orgId,
            id,
            embeddingModel,
            chunks.flatMap((chunk, index) => {
              const vector = vectors?.[index];
              return isUsableVector(vector) ? [{ chunkId: chunk.id as string, vector }] : [];
            }),
          );
        }
        await this.repository.update(transaction, orgId, id, {
          status: 'indexed',
          error: note,
          mediaType: extracted.mediaType,
          pages: extracted.pages,
          chunkCount: chunks.length,
          embeddingModel,
          indexedAt: new Date(),
        });
        return true;
      });
      if (finished) this.announce(orgId, id, { status: 'indexed', chunks: chunks.length, pages: extracted.pages });
    } catch (error) {
      if (error instanceof ExtractionFailed) {
        await this.finish(orgId, id, { status: 'failed', error: error.message });
        return;
      }
      if (error instanceof NotFound) {
        await this.finish(orgId, id, { status: 'failed', error: 'The stored file is missing; upload it again.' });
        return;
      }
      // Remembered so the final attempt can say what kept failing.
      await this.repository
        .update(database, orgId, id, { error: `Retrying after: ${(error as Error).message}`.slice(0, 500) })
        .catch(() => undefined);
      throw error;
    }
  }

  /**
   * After the embedding model changed (or one was configured), documents indexed with another model (or none) are
   * queued for re-indexing. Runs as a job when a worker starts.
   */
  async reindexStaleEmbeddings(): Promise<number> {
    const { database, embedder } = this.dependencies;
    if (!embedder.modelId) return 0;
    if (!(await this.repository.vectorSupport(database)).available) return 0;
    let queued = 0;
    for (;;) {
      const stale = await this.repository.staleDocuments(database, embedder.modelId, 200);
      if (stale.length === 0) return queued;
      for (const document of stale) {
        await database.transaction(async (transaction) => {
          await this.repository.update(transaction, document.orgId, document.id, {
            status: 'processing',
            attempts: 0,
          });
          await this.enqueueIndexing(transaction, document.orgId, document.id);
        });
        queued++;
      }
    }
  }

  /**
   * Hybrid search: full-text and vector rankings fused by reciprocal rank, or full-text alone when there is no
   * embedding model, no pgvector, or the model cannot embed the query right now (the note says which).
   */
  async search(
    orgId: string,
    input: { query: string; limit: number; kinds?: DocumentKind[] },
  ): Promise<SearchResponse> {
    const { database, embedder, config, logger } = this.dependencies;
    const query = input.query.trim();
    if (!query) throw new ValidationFailed('The query is empty');
    const candidates = Math.max(input.limit * 4, 40);
    const lexical = await this.repository.lexicalSearch(database, orgId, query, {
      kinds: input.kinds,
      limit: candidates,
    });

    let vector: RankedChunk[] | undefined;
    let note: string | undefined;
    if (!embedder.modelId) {
      note = 'No embedding model is configured (EMBEDDINGS_PROVIDER=none), so results are lexical (full-text) only.';
    } else {
      const support = await this.repository.vectorSupport(database);
      if (!support.available) {
        note = 'The database has no pgvector extension, so results are lexical (full-text) only.';
      } else {
        try {
          const [queryVector] = await embedder.embed([query]);
          // A query the model cannot place (a zero vector) has only its words to go by.
          vector = isUsableVector(queryVector)
            ? await this.repository.vectorSearch(database, orgId, queryVector, {
                model: embedder.modelId,
                kinds: input.kinds,
                limit: candidates,
                efSearch: config.hnswEfSearch,
                iterativeScan: support.iterativeScan,
              })
            : [];
        } catch (error) {
          if (!(error instanceof EmbeddingFailed)) throw error;
          logger.warn({ err: error }, 'query embedding failed; searching lexically');
          note = `The embedding model could not embed the query (${error.message}), so results are lexical only.`;
        }
      }
    }

    const ranked = vector ? reciprocalRankFusion([lexical, vector]) : lexical;
    const top = ranked.slice(0, input.limit);
    const details = new Map(
      (
        await this.repository.chunkDetails(
          database,
          orgId,
          top.map((entry) => entry.chunkId),
        )
      ).map((detail) => [detail.chunkId, detail]),
    );
    const results: SearchResult[] = [];
    for (const entry of top) {
      const detail = details.get(entry.chunkId);
      if (detail) results.push({ ...detail, score: Math.round(entry.score * 1e6) / 1e6 });
    }
    return { results, mode: vector ? 'hybrid' : 'lexical', ...(note ? { note } : {}) };
  }

  private async finish(orgId: string, id: string, outcome: { status: 'failed'; error: string }): Promise<void> {
    const row = await this.repository.update(this.dependencies.database, orgId, id, {
      status: outcome.status,
      error: outcome.error.slice(0, 1000),
    });
    if (row) this.announce(orgId, id, { status: outcome.status, error: outcome.error });
  }

  private async enqueueIndexing(transaction: Executor, orgId: string, documentId: string): Promise<void> {
    await this.dependencies.queue.enqueue(
      'knowledge.document.index',
      { orgId, documentId },
      { transaction, singletonKey: documentId },
    );
  }

  private assertDocumentQuota(documents: number): void {
    const max = this.dependencies.config.orgMaxDocuments;
    if (documents >= max) {
      throw new Conflict(
        `The organization already has ${documents.toLocaleString('en-US')} knowledge documents, the maximum of ${max.toLocaleString('en-US')}. Delete documents to upload more.`,
      );
    }
  }

  private storageQuotaExceeded(used: number): PayloadTooLarge {
    return new PayloadTooLarge(
      `The organization's knowledge storage quota is full (${formatBytes(used)} of ${formatBytes(this.dependencies.config.orgMaxBytes)} used). Delete documents to make room.`,
    );
  }

  private async require(orgId: string, id: string): Promise<DocumentRow> {
    const row = await this.repository.find(this.dependencies.database, orgId, id);
    if (!row) throw new NotFound('Document not found');
    return row;
  }

  private announce(orgId: string, documentId: string, data: Record<string, unknown>): void {
    this.dependencies.events
      .publish({ type: 'document.updated', orgId, data: { documentId, ...data } })
      .catch((error: unknown) => this.dependencies.logger.warn({ err: error }, 'could not publish a live event'));
  }
}

/** Reciprocal rank fusion: each list contributes 1/(k + rank) for each item it ranks. */
export function reciprocalRankFusion(lists: RankedChunk[][]): RankedChunk[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    for (const [index, entry] of list.entries()) {
      scores.set(entry.chunkId, (scores.get(entry.chunkId) ?? 0) + 1 / (rrfK + index + 1));
    }
  }
  return [...scores.entries()]
    .map(([chunkId, score]) => ({ chunkId, score }))
    .sort((a, b) => b.score - a.score || a.chunkId.localeCompare(b.chunkId));
}

/** What the model embeds: the chunk with its document title and headings, which carry much of its meaning. */
function embeddingText(title: string, chunk: { text: string; headingPath: string[] }): string {
  const context = [title, ...chunk.headingPath].filter(Boolean).join(' > ');
  return context ? `${context}\n${chunk.text}` : chunk.text;
}

function toView(row: DocumentRow): DocumentView {
  return {
    id: row.id,
    title: row.title,
    kind: row.kind,
    status: row.status,
    ...(row.error ? { error: row.error } : {}),
    tags: row.tags,
    fileName: row.fileName,
    mediaType: row.mediaType,
    pages: row.pages,
    chunks: row.chunkCount,
    bytes: row.bytes,
    embeddingModel: row.embeddingModel,
    createdAt: row.createdAt.toISOString(),
    indexedAt: row.indexedAt?.toISOString() ?? null,
  };
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(createdAt ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime()))
    throw new ValidationFailed('The cursor is not valid');
  return { createdAt: date, id };
}

function extensionOf(fileName: string): string {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(fileName);
  return match ? (match[1] as string).toLowerCase() : 'bin';
}

function titleFromFileName(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[A-Za-z0-9]{1,10}$/, '');
  return base.replace(/[_-]+/g, ' ').trim() || 'Untitled document';
}

function parseTags(values: string[]): string[] {
  const tags = values
    .flatMap((value) => {
      const trimmed = value.trim();
      if (trimmed.startsWith('[')) {
        try {
          const parsed = JSON.parse(trimmed) as unknown;
          if (Array.isArray(parsed)) return parsed.map(String);
        } catch {
          // Not JSON: a comma-separated list.
        }
      }
      return trimmed.split(',');
    })
    .map((tag) => tag.trim())
    .filter(Boolean);
  const unique = [...new Set(tags)];
  if (unique.length > maxTags) throw new ValidationFailed(`At most ${maxTags} tags are allowed`);
  if (unique.some((tag) => tag.length > 64)) throw new ValidationFailed('A tag may have at most 64 characters');
  return unique;
}

/** Reads a stored file into one buffer of its own (so it can be transferred to the ingestion thread). */
async function readAll(body: Readable, expectedBytes: number): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    parts.push(chunk as Buffer);
    total += (chunk as Buffer).length;
  }
  if (total !== expectedBytes) {
    throw new ExtractionFailed(`The stored file has ${total} bytes instead of ${expectedBytes}; upload it again.`);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}
