/**
 * Turns texts into vectors for semantic search. Vectors from different `modelId`s are never compared; a
 * change of model means re-indexing. The dimension is whatever the model produces (384 for all-MiniLM-L6-v2,
 * 1536 for text-embedding-3-small, …), learned from its output.
 */
export interface Embedder {
  readonly kind: 'local' | 'openai-compatible' | 'none';
  /** e.g. `local:all-MiniLM-L6-v2` or `openai-compatible:text-embedding-3-small`; null when there is no model. */
  readonly modelId: string | null;
  /** One L2-normalised vector per text, in order. Batches internally. */
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
  close(): Promise<void>;
}

/** Raised when the model cannot be loaded or the embeddings service fails; the message is safe to show. */
export class EmbeddingFailed extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmbeddingFailed';
  }
}

/** `EMBEDDINGS_PROVIDER=none`: lexical search only. */
export class NoEmbedder implements Embedder {
  readonly kind = 'none' as const;
  readonly modelId = null;
  async embed(): Promise<number[][]> {
    throw new EmbeddingFailed('No embedding model is configured (EMBEDDINGS_PROVIDER=none)');
  }
  async close(): Promise<void> {}
}

export function normalize(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm > 0 ? vector.map((value) => value / norm) : vector;
}

/**
 * A model can return a zero vector (every token unknown to it), which normalises to NaN; such a vector has no
 * direction to compare, so callers skip it.
 */
export function isUsableVector(vector: readonly number[] | undefined): vector is number[] {
  if (!vector || vector.length === 0) return false;
  let norm = 0;
  for (const value of vector) {
    if (!Number.isFinite(value)) return false;
    norm += value * value;
  }
  return norm > 0;
}
