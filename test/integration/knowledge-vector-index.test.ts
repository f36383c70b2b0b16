import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeRepository, vectorIndexName } from '../../src/features/knowledge/knowledge.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// pgvector is in PGlite; Debian's PostgreSQL here has none, where there is no vector index to build.
describe('knowledge vector index parameters', () => {
  let test: TestDatabase;
  let vectors = false;
  const dimensions = 8;

  async function indexes(): Promise<Array<{ name: string; definition: string }>> {
    return test.database.query<{ name: string; definition: string }>(
      `select indexname as name, indexdef as definition from pg_indexes
         where tablename = 'knowledge_embeddings' and indexname like 'knowledge_embeddings_hnsw_8%' order by 1`,
    );
  }

  beforeAll(async () => {
    test = await createTestDatabase();
    const rows = await test.database.query<{ table: string | null }>(
      `select to_regclass('public.knowledge_embeddings')::text as table`,
    );
    vectors = Boolean(rows[0]?.table);
    if (!vectors) console.warn('knowledge-vector-index: no pgvector in this database; the index tests are skipped');
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('builds the default index under its plain name, then rebuilds and drops it when the parameters change', async () => {
    if (!vectors) return;
    await new KnowledgeRepository().ensureVectorIndex(test.database, dimensions);
    expect((await indexes()).map((index) => index.name)).toEqual(['knowledge_embeddings_hnsw_8']);

    const tuned = { m: 24, efConstruction: 96 };
    await new KnowledgeRepository(tuned).ensureVectorIndex(test.database, dimensions);
    const after = await indexes();
    expect(after.map((index) => index.name)).toEqual([vectorIndexName(dimensions, tuned)]);
    expect(after[0]?.definition).toMatch(/m='?24'?/);
    expect(after[0]?.definition).toMatch(/ef_construction='?96'?/);

    // Back to the defaults: the tuned index is superseded in turn.
    await new KnowledgeRepository().ensureVectorIndex(test.database, dimensions);
    expect((await indexes()).map((index) => index.name)).toEqual(['knowledge_embeddings_hnsw_8']);
  });
});
