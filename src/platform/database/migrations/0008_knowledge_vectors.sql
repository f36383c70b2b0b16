-- Knowledge vectors need pgvector, which a server PostgreSQL may lack (Debian bookworm has no package). The table
-- exists only where the extension is installed (migration 0000 enables it when available); without it, knowledge
-- search is lexical only and says so. The dimension depends on the embedding model, so the column is an untyped
-- `vector` with the dimension beside it; each dimension gets its own partial HNSW index over a typed cast
-- (`(embedding::vector(N)) vector_cosine_ops WHERE dimensions = N`), created when a model of that size is first
-- used (src/features/knowledge/knowledge.repository.ts), as pgvector's documentation suggests for mixed sizes.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    EXECUTE 'CREATE TABLE IF NOT EXISTS "knowledge_embeddings" (
      "chunk_id" uuid PRIMARY KEY REFERENCES "knowledge_chunks"("id") ON DELETE CASCADE,
      "org_id" uuid NOT NULL REFERENCES "organizations"("id") ON DELETE CASCADE,
      "document_id" uuid NOT NULL REFERENCES "knowledge_documents"("id") ON DELETE CASCADE,
      "model" text NOT NULL,
      "dimensions" integer NOT NULL,
      "embedding" vector NOT NULL
    )';
    EXECUTE 'CREATE INDEX IF NOT EXISTS "knowledge_embeddings_document_idx" ON "knowledge_embeddings" ("document_id")';
    EXECUTE 'CREATE INDEX IF NOT EXISTS "knowledge_embeddings_org_model_idx" ON "knowledge_embeddings" ("org_id", "model")';
  END IF;
END
$$;
