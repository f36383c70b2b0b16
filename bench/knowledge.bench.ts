import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import {
  hnswIndexParameters,
  KnowledgeService,
  vectorIndexesOf,
  vectorIndexStatement,
} from '../src/features/knowledge/index.js';
import { AuditLog } from '../src/platform/audit/audit-log.js';
import type { Database, Executor } from '../src/platform/database/database.js';
import { type Embedder, NoEmbedder, normalize } from '../src/platform/embeddings/embedder.js';
import { MemoryEventBus } from '../src/platform/events/memory-event-bus.js';
import { FsObjectStore } from '../src/platform/objects/fs-object-store.js';
import type { AuroraJobCatalog } from '../src/platform/queue/job-catalog.js';
import type { Queue } from '../src/platform/queue/queue.js';
import { pdfDocument } from '../test/fixtures/knowledge/generate-documents.js';
import { type BenchBackend, backendLabel, benchBackends, openBench } from './support/databases.js';
import type { Suite, SuiteContext, SuiteResult, Table, TargetCheck } from './support/report.js';
import { ms, round, roundSummary, type Summary, summarize } from './support/stats.js';

const documents = 100;
const pagesPerDocument = 5;
const dimensions = 384;
const searchQueries = 200;
const recallQueries = 100;
/** pgvector accepts ef_search up to 1,000. */
const efSearchValues = [40, 100, 200, 400, 800, 1000];
/** Queries whose top 10 is also computed by PostgreSQL without the index, to check the JavaScript ground truth. */
const groundTruthChecks = 10;
/** The product's default (AURORA_KB_HNSW_EF_SEARCH), as config.ts sets it. */
const defaultEfSearch = loadConfig({}).knowledge.hnswEfSearch;
const standInCostMs = { perBatch: 5, perText: 0.5 };
// To re-measure one part: AURORA_BENCH_KNOWLEDGE_PARTS=ingestion,search,recall and AURORA_BENCH_KNOWLEDGE_BACKENDS=pglite,postgres.
const parts = new Set((process.env.AURORA_BENCH_KNOWLEDGE_PARTS ?? 'ingestion,search,recall').split(','));
const backendFilter = process.env.AURORA_BENCH_KNOWLEDGE_BACKENDS?.split(',');
// HNSW index parameters to measure recall with, as m:ef_construction pairs (default: the product's index).
const hnswConfigs = (
  process.env.AURORA_BENCH_KNOWLEDGE_HNSW ?? `${hnswIndexParameters.m}:${hnswIndexParameters.efConstruction}`
)
  .split(',')
  .map((pair) => {
    const [m, efConstruction] = pair.split(':').map(Number);
    if (!m || !efConstruction) throw new Error(`AURORA_BENCH_KNOWLEDGE_HNSW: expected m:ef_construction, got ${pair}`);
    return { m, efConstruction };
  });
// Fewer vectors for a quick check of the bench itself; the figures in docs/benchmarks.md use 100,000.
const recallVectors = Number(process.env.AURORA_BENCH_KNOWLEDGE_RECALL_VECTORS ?? 100_000);

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const vocabulary = (() => {
  const next = random(1);
  const syllables = ['ka', 'ro', 'mi', 'te', 'lu', 'sa', 'po', 'ne', 'vi', 'da', 'qu', 'zo', 'fe', 'gi', 'ha', 'ju'];
  return Array.from({ length: 5000 }, (_, index) => {
    let word = '';
    for (let part = 0; part < 2 + (index % 3); part++) word += syllables[Math.floor(next() * syllables.length)];
    return `${word}${index}`;
  });
})();

/** Zipf-like word choice: a few words are common, most are rare, as in real prose. */
function words(next: () => number, count: number): string {
  return Array.from({ length: count }, () => vocabulary[Math.floor(next() ** 3 * vocabulary.length)]).join(' ');
}

function randomVector(next: () => number): number[] {
  return normalize(Array.from({ length: dimensions }, () => next() * 2 - 1));
}

// `uniform` (the issue's target: the hardest case for a graph index) or `clustered[:noise]` (closer to real sentence
// embeddings: 1,000 topics, each vector its topic's direction plus `noise` times a random one; noise 1 by default,
// cosine ≈ 0.7 to the topic; noise 2, ≈ 0.45, so neighbours mix with other topics' vectors).
const vectorSetting = process.env.AURORA_BENCH_KNOWLEDGE_VECTORS ?? 'uniform';
const vectorModel = vectorSetting.startsWith('clustered') ? 'clustered' : 'uniform';
const topicNoise = Number(vectorSetting.split(':')[1] ?? 1);
const vectorLabel = vectorModel === 'uniform' ? 'uniform' : `clustered, noise ${topicNoise}`;
const topics = (() => {
  const next = random(5);
  return Array.from({ length: 1000 }, () => randomVector(next));
})();

const recallPrefix = (backend: string) =>
  vectorModel === 'uniform' ? `recall.${backend}` : `recall.${backend}.clustered${topicNoise === 1 ? '' : topicNoise}`;

/** A corpus or query vector under `vectorModel`. */
function corpusVector(next: () => number): number[] {
  if (vectorModel === 'uniform') return randomVector(next);
  const topic = topics[Math.floor(next() * topics.length)] as number[];
  const noise = randomVector(next);
  return normalize(topic.map((value, at) => value + topicNoise * (noise[at] ?? 0)));
}

/** Positions of the 10 vectors nearest to `query` by cosine (the vectors are unit length, so by dot product). */
function exactTop10(vectors: readonly number[][], query: readonly number[]): number[] {
  const best: Array<{ index: number; score: number }> = [];
  for (const [index, vector] of vectors.entries()) {
    let score = 0;
    for (let at = 0; at < vector.length; at++) score += (vector[at] ?? 0) * (query[at] ?? 0);
    if (best.length < 10 || score > (best[best.length - 1]?.score ?? -Infinity)) {
      best.push({ index, score });
      best.sort((a, b) => b.score - a.score);
      if (best.length > 10) best.pop();
    }
  }
  return best.map((entry) => entry.index);
}

/** A stand-in for an embedding model with a fixed cost per batch and per text (awaited, as a model thread is). */
class FixedCostEmbedder implements Embedder {
  readonly kind = 'local' as const;
  readonly modelId = 'bench:fixed-cost-384';
  private readonly next = random(7);
  async embed(texts: readonly string[]): Promise<number[][]> {
    await new Promise((resolve) => setTimeout(resolve, standInCostMs.perBatch + standInCostMs.perText * texts.length));
    return texts.map(() => randomVector(this.next));
  }
  async close(): Promise<void> {}
}

/** The query embedder for hybrid search timings: a random unit vector per query. */
class RandomQueryEmbedder extends FixedCostEmbedder {
  override async embed(texts: readonly string[]): Promise<number[][]> {
    const next = random(texts[0]?.length ?? 1);
    return texts.map(() => randomVector(next));
  }
}

const noQueue = { enqueue: async () => null } as unknown as Queue<AuroraJobCatalog>;

async function createOrg(database: Database): Promise<string> {
  const orgId = randomUUID();
  await database.query('insert into organizations (id, name) values ($1, $2)', [orgId, `bench-${orgId}`]);
  return orgId;
}

function service(
  database: Database,
  objects: FsObjectStore,
  embedder: Embedder,
  context: SuiteContext,
  efSearch = defaultEfSearch,
) {
  return new KnowledgeService({
    database,
    objects,
    queue: noQueue,
    events: new MemoryEventBus(),
    audit: new AuditLog(database),
    embedder,
    logger: context.logger,
    config: {
      maxFileBytes: 100 * 1024 * 1024,
      orgMaxBytes: 1024 ** 4,
      orgMaxDocuments: 1_000_000,
      chunkTokens: 500,
      chunkOverlapTokens: 50,
      hnswEfSearch: efSearch,
      hnswM: hnswIndexParameters.m,
      hnswEfConstruction: hnswIndexParameters.efConstruction,
      conversationIdleMinutes: 0,
    },
  });
}

interface IngestionFigures {
  seconds: number;
  pages: number;
  chunks: number;
  pagesPerSecond: number;
  chunksPerSecond: number;
}

async function ingest(
  database: Database,
  pdfs: Buffer[],
  embedder: Embedder,
  context: SuiteContext,
): Promise<IngestionFigures> {
  const root = mkdtempSync(join(tmpdir(), 'aurora-bench-objects-'));
  const objects = new FsObjectStore(root);
  const knowledge = service(database, objects, embedder, context);
  try {
    const orgId = await createOrg(database);
    const ids: string[] = [];
    for (const [index, pdf] of pdfs.entries()) {
      const id = randomUUID();
      await objects.put(orgId, `kb/${id}.pdf`, pdf);
      await database.query(
        `insert into knowledge_documents (id, org_id, title, kind, status, object_key, bytes, sha256)
         values ($1, $2, $3, 'runbook', 'processing', $4, $5, 'bench')`,
        [id, orgId, `Bench document ${index}`, `kb/${id}.pdf`, pdf.length],
      );
      ids.push(id);
    }
    const started = performance.now();
    for (const id of ids) await knowledge.indexDocument(orgId, id);
    const seconds = (performance.now() - started) / 1000;
    const [row] = await database.query<{ pages: number; chunks: number; failed: number }>(
      `select coalesce(sum(pages), 0)::int as pages, coalesce(sum(chunk_count), 0)::int as chunks,
              count(*) filter (where status <> 'indexed')::int as failed
         from knowledge_documents where org_id = $1`,
      [orgId],
    );
    if (!row || row.failed > 0) throw new Error(`${row?.failed} bench documents did not index`);
    return {
      seconds: round(seconds, 2),
      pages: row.pages,
      chunks: row.chunks,
      pagesPerSecond: round(row.pages / seconds, 1),
      chunksPerSecond: round(row.chunks / seconds, 1),
    };
  } finally {
    await knowledge.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Synthetic chunks (about 80 words each) written straight into the tables, with random vectors where pgvector exists. */
async function loadChunks(
  database: Database,
  orgId: string,
  count: number,
  withVectors: boolean,
  seed: number,
  wordsPerChunk = 80,
) {
  const next = random(seed);
  const documentId = randomUUID();
  await database.query(
    `insert into knowledge_documents (id, org_id, title, kind, status, object_key, bytes, sha256, chunk_count, embedding_model)
     values ($1, $2, 'Synthetic corpus', 'doc', 'indexed', 'kb/none', 0, 'bench', $3, $4)`,
    [documentId, orgId, count, withVectors ? 'bench:fixed-cost-384' : null],
  );
  const vectors: number[][] = [];
  const ids: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - start) }, (_, offset) => ({
      id: randomUUID(),
      ordinal: start + offset,
      text: words(next, wordsPerChunk),
      heading: words(next, 3),
      vector: withVectors ? corpusVector(next) : undefined,
    }));
    await database.query(
      `insert into knowledge_chunks (id, org_id, document_id, ordinal, text, heading, heading_path, token_count)
       select x.id, $1, $2, x.ordinal, x.text, x.heading, '[]'::jsonb, 120
         from jsonb_to_recordset($3::jsonb) as x(id uuid, ordinal int, text text, heading text)`,
      [orgId, documentId, JSON.stringify(rows.map(({ vector: _vector, ...row }) => row))],
    );
    if (withVectors) {
      await database.query(
        `insert into knowledge_embeddings (chunk_id, org_id, document_id, model, dimensions, embedding)
         select x.id, $1, $2, 'bench:fixed-cost-384', ${dimensions}, x.embedding::vector
           from jsonb_to_recordset($3::jsonb) as x(id uuid, embedding text)`,
        [
          orgId,
          documentId,
          JSON.stringify(
            rows.map((row) => ({
              id: row.id,
              embedding: `[${row.vector?.map((value) => value.toFixed(6)).join(',')}]`,
            })),
          ),
        ],
      );
      for (const row of rows) {
        vectors.push(row.vector as number[]);
        ids.push(row.id);
      }
    }
  }
  return { documentId, vectors, ids };
}

async function timeSearches(knowledge: KnowledgeService, orgId: string, seed: number): Promise<Summary> {
  const next = random(seed);
  const queries = Array.from({ length: searchQueries }, () => words(next, 2 + Math.floor(next() * 2)));
  for (const query of queries.slice(0, 10)) await knowledge.search(orgId, { query, limit: 10 });
  const samples: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    await knowledge.search(orgId, { query, limit: 10 });
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

/** Drops every HNSW index over vectors of `dimensions`, whatever parameters built it. */
async function dropVectorIndexes(database: Database, dimensions: number): Promise<void> {
  for (const name of await vectorIndexesOf(database, dimensions)) await database.exec(`drop index if exists "${name}"`);
}

export const knowledgeSuite: Suite = {
  name: 'knowledge',
  title: 'Knowledge base: ingestion throughput, search latency, HNSW recall',
  async run(context): Promise<SuiteResult> {
    const tables: Table[] = [];
    const figures: Record<string, unknown> = {};
    const targets: TargetCheck[] = [];
    const notes: string[] = [];

    context.progress(`generating ${documents} PDFs of ${pagesPerDocument} pages`);
    const next = random(3);
    const pdfs: Buffer[] = [];
    for (let index = 0; index < (parts.has('ingestion') ? documents : 0); index++) {
      pdfs.push(
        await pdfDocument(
          Array.from({ length: pagesPerDocument }, (_, page) => ({
            heading: page === 0 ? `Runbook ${index}` : undefined,
            subheading: `Section ${page + 1}`,
            paragraphs: [words(next, 180), words(next, 180)],
            code:
              page % 2 === 0
                ? `kubectl -n prod get pods -l app=service-${index}\nkubectl logs deploy/service-${index}`
                : undefined,
          })),
        ),
      );
    }

    const ingestionRows: string[][] = [];
    const searchRows: string[][] = [];
    const backends = (benchBackends(context.databaseUrl) as BenchBackend[]).filter(
      (backend) => !backendFilter || backendFilter.includes(backend),
    );
    for (const backend of backends) {
      const bench = await openBench(backend, context.databaseUrl, context.logger);
      try {
        const label = backendLabel(backend);
        for (const [mode, embedder] of [
          ['lexical only', new NoEmbedder()],
          [
            `stand-in embedder (${standInCostMs.perBatch} ms/batch + ${standInCostMs.perText} ms/text)`,
            new FixedCostEmbedder(),
          ],
        ] as const) {
          if (!parts.has('ingestion')) break;
          const vectorTable = await bench.database.query<{ table: string | null }>(
            `select to_regclass('public.knowledge_embeddings')::text as table`,
          );
          if (embedder.modelId && !vectorTable[0]?.table) {
            notes.push(
              `${label}: no pgvector, so ingestion with embeddings was not measured (vectors cannot be stored).`,
            );
            continue;
          }
          context.progress(`${label}: ingesting ${documents} PDFs, ${mode}`);
          const result = await ingest(bench.database, pdfs, embedder, context);
          figures[`ingestion.${backend}.${embedder.modelId ? 'embedded' : 'lexical'}`] = result;
          ingestionRows.push([
            label,
            mode,
            String(result.pages),
            String(result.chunks),
            result.seconds.toFixed(1),
            result.pagesPerSecond.toFixed(1),
            result.chunksPerSecond.toFixed(1),
          ]);
        }

        if (!parts.has('search') && !parts.has('recall')) continue;
        const hasVectors = Boolean(
          (
            await bench.database.query<{ table: string | null }>(
              `select to_regclass('public.knowledge_embeddings')::text as table`,
            )
          )[0]?.table,
        );
        const orgId = await createOrg(bench.database);
        let loaded = 0;
        let vectors: number[][] = [];
        // Chunk id → position in `vectors`, kept from loading (the ground truth is computed over `vectors`).
        let vectorIds: string[] = [];
        // Recall alone needs only the vectors: one load, short texts, and the index built per configuration below.
        const sizes = parts.has('search') ? [10_000, 100_000] : [recallVectors];
        for (const size of sizes) {
          // Bulk loads go much faster without the HNSW index (above all in WASM); it is rebuilt after each load.
          if (hasVectors) await dropVectorIndexes(bench.database, dimensions);
          context.progress(
            `${label}: loading ${size.toLocaleString('en-US')} chunks${hasVectors ? ' with vectors' : ''}`,
          );
          const corpus = await loadChunks(
            bench.database,
            orgId,
            size - loaded,
            hasVectors,
            size,
            parts.has('search') ? 80 : 3,
          );
          vectors = vectors.concat(corpus.vectors);
          vectorIds = vectorIds.concat(corpus.ids);
          loaded = size;
          await bench.database.exec('analyze knowledge_chunks');
          if (hasVectors && parts.has('search')) {
            context.progress(`${label}: building the HNSW index over ${size.toLocaleString('en-US')} vectors`);
            const started = performance.now();
            await bench.database.exec(`set maintenance_work_mem = '1GB'`);
            await bench.database.exec(vectorIndexStatement(dimensions));
            figures[`hnswBuildSeconds.${backend}.${size}`] = round((performance.now() - started) / 1000, 1);
            await bench.database.exec('analyze knowledge_embeddings');
          }
          if (!parts.has('search')) continue;
          const objects = new FsObjectStore(mkdtempSync(join(tmpdir(), 'aurora-bench-objects-')));
          const lexical = service(bench.database, objects, new NoEmbedder(), context);
          context.progress(`${label}: ${searchQueries} lexical searches at ${size.toLocaleString('en-US')} chunks`);
          const lexicalTimes = roundSummary(await timeSearches(lexical, orgId, size + 1));
          figures[`search.${backend}.${size}.lexical`] = lexicalTimes;
          searchRows.push([label, size.toLocaleString('en-US'), 'lexical', ms(lexicalTimes.p50), ms(lexicalTimes.p95)]);
          if (backend === 'postgres' && size === 100_000) {
            targets.push({
              name: 'search p95 at 100k chunks on PostgreSQL (lexical)',
              target: '< 50 ms',
              measured: `${ms(lexicalTimes.p95)} ms`,
              met: lexicalTimes.p95 < 50,
            });
          }
          if (hasVectors) {
            const hybrid = service(bench.database, objects, new RandomQueryEmbedder(), context, defaultEfSearch);
            context.progress(`${label}: ${searchQueries} hybrid searches at ${size.toLocaleString('en-US')} chunks`);
            const hybridTimes = roundSummary(await timeSearches(hybrid, orgId, size + 2));
            figures[`search.${backend}.${size}.hybrid`] = hybridTimes;
            searchRows.push([
              label,
              size.toLocaleString('en-US'),
              `hybrid (ef_search ${defaultEfSearch})`,
              ms(hybridTimes.p50),
              ms(hybridTimes.p95),
            ]);
            await hybrid.close();
          }
          await lexical.close();
        }

        if (hasVectors && parts.has('recall')) {
          const count = vectors.length.toLocaleString('en-US');
          context.progress(`${label}: exact top 10 of ${recallQueries} queries over ${count} vectors`);
          const queryNext = random(99);
          const queries = Array.from({ length: recallQueries }, () => corpusVector(queryNext));
          const exact = queries.map((query) => exactTop10(vectors, query));
          const indexOf = new Map(vectorIds.map((id, index) => [id, index]));
          const toSql = (vector: number[]) => `[${vector.join(',')}]`;
          const nearest = (executor: Executor, query: number[]) =>
            executor.query<{ id: string }>(
              `select chunk_id as id from knowledge_embeddings where dimensions = ${dimensions} and org_id = $1
                order by embedding::vector(${dimensions}) <=> $2::vector(${dimensions}) limit 10`,
              [orgId, toSql(query)],
            );
          // The ground truth checked against PostgreSQL itself: the same query with index scans off is exact.
          await dropVectorIndexes(bench.database, dimensions);
          let agreeing = 0;
          for (const [queryIndex, query] of queries.slice(0, groundTruthChecks).entries()) {
            const rows = await bench.database.transaction(async (transaction) => {
              await transaction.query('set local enable_indexscan = off');
              return nearest(transaction, query);
            });
            const truth = new Set(exact[queryIndex]);
            agreeing += rows.filter((row) => truth.has(indexOf.get(row.id) ?? -1)).length;
          }
          const agreement = agreeing / (groundTruthChecks * 10);
          figures[`${recallPrefix(backend)}.groundTruthAgreement`] = agreement;
          notes.push(
            `${label}: for ${groundTruthChecks} queries the exact top 10 computed by PostgreSQL (no index) and by JavaScript agree on ${(agreement * 100).toFixed(1)}% of ids.`,
          );
          if (agreement < 0.99) throw new Error(`the recall ground truth disagrees with PostgreSQL (${agreement})`);

          const recallRows: string[][] = [];
          for (const parameters of hnswConfigs) {
            const setting = `m=${parameters.m}, ef_construction=${parameters.efConstruction}`;
            context.progress(`${label}: building the HNSW index (${setting}) over ${count} vectors`);
            await dropVectorIndexes(bench.database, dimensions);
            await bench.database.exec(`set maintenance_work_mem = '1GB'`);
            const started = performance.now();
            await bench.database.exec(vectorIndexStatement(dimensions, parameters));
            const buildSeconds = round((performance.now() - started) / 1000, 1);
            await bench.database.exec('analyze knowledge_embeddings');
            const key = `m${parameters.m}.efConstruction${parameters.efConstruction}`;
            figures[`${recallPrefix(backend)}.${key}.buildSeconds`] = buildSeconds;
            for (const efSearch of efSearchValues) {
              context.progress(`${label}: recall@10 at ${setting}, ef_search ${efSearch}`);
              let found = 0;
              const samples: number[] = [];
              for (const [queryIndex, query] of queries.entries()) {
                const started = performance.now();
                const rows = await bench.database.transaction(async (transaction) => {
                  await transaction.query(`select set_config('hnsw.ef_search', $1, true)`, [String(efSearch)]);
                  return nearest(transaction, query);
                });
                samples.push(performance.now() - started);
                const truth = new Set(exact[queryIndex]);
                found += rows.filter((row) => truth.has(indexOf.get(row.id) ?? -1)).length;
              }
              const recall = found / (recallQueries * 10);
              const latency = roundSummary(summarize(samples));
              figures[`${recallPrefix(backend)}.${key}.efSearch${efSearch}`] = {
                recallAt10: round(recall, 4),
                latency,
              };
              recallRows.push([
                label,
                vectorLabel,
                String(parameters.m),
                String(parameters.efConstruction),
                buildSeconds.toFixed(0),
                String(efSearch),
                recall.toFixed(3),
                ms(latency.p50),
                ms(latency.p95),
              ]);
              const isDefault =
                efSearch === defaultEfSearch &&
                parameters.m === hnswIndexParameters.m &&
                parameters.efConstruction === hnswIndexParameters.efConstruction;
              if (isDefault && vectors.length === 100_000 && vectorModel === 'uniform') {
                targets.push({
                  name: `HNSW recall@10 at 100k random 384-dim vectors, ${label}, ${setting}, ef_search ${efSearch} (the defaults)`,
                  target: '≥ 0.95',
                  measured: recall.toFixed(3),
                  met: recall >= 0.95,
                });
              }
            }
          }
          tables.push({
            title: `HNSW recall@10 against exact search (${count} ${vectorModel === 'uniform' ? 'uniformly random' : `clustered (noise ${topicNoise})`} unit vectors, ${dimensions} dimensions, ${recallQueries} queries)`,
            headers: [
              'Backend',
              'Vectors',
              'm',
              'ef_construction',
              'Build s',
              'ef_search',
              'Recall@10',
              'p50 ms',
              'p95 ms',
            ],
            rows: recallRows,
          });
        } else if (!hasVectors) {
          notes.push(`${label}: no pgvector extension, so hybrid search and HNSW recall were not measured there.`);
        }
      } finally {
        // AURORA_BENCH_KNOWLEDGE_KEEP_DATABASE=1 keeps a PostgreSQL database for inspection (drop it by hand).
        if (backend === 'postgres' && process.env.AURORA_BENCH_KNOWLEDGE_KEEP_DATABASE) {
          await bench.database.close();
          context.progress(`kept the PostgreSQL database (${bench.serverVersion})`);
        } else await bench.drop();
      }
    }
    tables.unshift(
      ...[
        {
          title: `Ingestion: ${documents} generated PDFs of ${pagesPerDocument} pages (extract, chunk 500/50 tokens, embed, store), one document at a time`,
          headers: ['Backend', 'Embeddings', 'Pages', 'Chunks', 'Seconds', 'Pages/s', 'Chunks/s'],
          rows: ingestionRows,
        },
        {
          title: `Search latency (KnowledgeService.search, limit 10, ${searchQueries} queries of 2–3 Zipf-distributed words, after 10 warm-up)`,
          headers: ['Backend', 'Chunks', 'Mode', 'p50 ms', 'p95 ms'],
          rows: searchRows,
        },
      ].filter((table) => table.rows.length > 0),
    );
    return {
      method: [
        `Ingestion: ${documents} PDFs written by pdfkit (${pagesPerDocument} pages each: a heading, two paragraphs of 180 words, a code block on every other page), stored in a filesystem object store, then KnowledgeService.indexDocument for each in turn (worker-thread extraction and chunking, embedding, one transaction per document). No HTTP, no queue.`,
        `The embedder stand-in costs ${standInCostMs.perBatch} ms per batch of up to 64 chunks plus ${standInCostMs.perText} ms per chunk (awaited, like a model in its own thread) and returns random ${dimensions}-dim unit vectors.`,
        'Search: synthetic chunks of 80 words from a 5,000-word vocabulary with a Zipf-like distribution, loaded with SQL in one org; lexical search uses the tsvector GIN index; hybrid adds an HNSW query (random query vector) and reciprocal rank fusion.',
        `Recall: exact top-10 by brute force (dot product in JavaScript) over ${parts.has('search') ? 'the same' : recallVectors.toLocaleString('en-US')} ${vectorModel === 'uniform' ? 'uniformly random' : `clustered (1,000 topics; each vector its topic plus ${topicNoise} × a random unit vector)`} unit vectors, checked against PostgreSQL's own exact answer (index scans off) for ${groundTruthChecks} queries, compared by chunk id (kept from loading) with the HNSW index query at ef_search ${efSearchValues.join(', ')}; the index rebuilt for each (m, ef_construction) in ${hnswConfigs.map((config) => `${config.m}:${config.efConstruction}`).join(', ')}.`,
      ],
      tables,
      figures,
      targets,
      notes,
    };
  },
};
