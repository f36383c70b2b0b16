import { type Embedder, EmbeddingFailed, normalize } from './embedder.js';

export interface OpenAiCompatibleEmbedderOptions {
  /** The API base, e.g. https://api.openai.com/v1, http://localhost:11434/v1 (Ollama) or a vLLM server. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Asks models that support it (text-embedding-3-*) for shorter vectors. */
  dimensions?: number;
  batchSize: number;
  timeoutMs: number;
  /** Attempts per batch on 429 and 5xx answers. */
  attempts?: number;
}

interface EmbeddingsResponse {
  data?: Array<{ index?: number; embedding?: unknown }>;
}

/**
 * `POST {base}/embeddings` as OpenAI documents it (OpenAI, Azure-compatible gateways, Ollama, vLLM, LiteLLM).
 * The URL is operator configuration, so it is trusted (no SSRF guard); the key never appears in errors.
 */
export class OpenAiCompatibleEmbedder implements Embedder {
  readonly kind = 'openai-compatible' as const;
  readonly modelId: string;
  private readonly endpoint: string;

  constructor(
    private readonly options: OpenAiCompatibleEmbedderOptions,
    private readonly fetchImplementation: typeof fetch = fetch,
  ) {
    const base = options.baseUrl.replace(/\/+$/, '');
    this.endpoint = base.endsWith('/embeddings') ? base : `${base}/embeddings`;
    this.modelId = `openai-compatible:${options.model}${options.dimensions ? `:${options.dimensions}` : ''}`;
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += this.options.batchSize) {
      vectors.push(...(await this.embedBatch(texts.slice(start, start + this.options.batchSize), options.signal)));
    }
    return vectors;
  }

  async close(): Promise<void> {}

  private async embedBatch(input: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const attempts = this.options.attempts ?? 3;
    let lastProblem = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      signal?.throwIfAborted();
      let response: Response;
      try {
        response = await this.fetchImplementation(this.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: this.options.model,
            input,
            encoding_format: 'float',
            ...(this.options.dimensions ? { dimensions: this.options.dimensions } : {}),
          }),
          signal: signal
            ? AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)])
            : AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        signal?.throwIfAborted();
        lastProblem = `could not reach ${new URL(this.endpoint).host}: ${(error as Error).message}`;
        await pause(attempt);
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        lastProblem = `${new URL(this.endpoint).host} answered ${response.status}`;
        await response.body?.cancel();
        const retryAfter = Number(response.headers.get('retry-after'));
        await pause(
          attempt,
          Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : undefined,
        );
        continue;
      }
      if (!response.ok) {
        const detail = (await response.text().catch(() => '')).slice(0, 300);
        throw new EmbeddingFailed(`The embeddings service answered ${response.status}${detail ? `: ${detail}` : ''}`);
      }
      return parseEmbeddings((await response.json()) as EmbeddingsResponse, input.length);
    }
    throw new EmbeddingFailed(`The embeddings service failed after ${attempts} attempts (${lastProblem})`);
  }
}

function parseEmbeddings(body: EmbeddingsResponse, expected: number): number[][] {
  const data = Array.isArray(body.data) ? body.data : [];
  const vectors: number[][] = new Array(expected);
  for (const [position, item] of data.entries()) {
    const index = typeof item.index === 'number' ? item.index : position;
    if (!Array.isArray(item.embedding) || !item.embedding.every((value) => typeof value === 'number')) {
      throw new EmbeddingFailed('The embeddings service returned an embedding that is not a list of numbers');
    }
    vectors[index] = normalize(item.embedding as number[]);
  }
  if (data.length !== expected || vectors.some((vector) => vector === undefined)) {
    throw new EmbeddingFailed(`The embeddings service returned ${data.length} embeddings for ${expected} inputs`);
  }
  const dimensions = vectors[0]?.length ?? 0;
  if (dimensions === 0 || vectors.some((vector) => vector.length !== dimensions)) {
    throw new EmbeddingFailed('The embeddings service returned vectors of differing or zero length');
  }
  return vectors;
}

const pause = (attempt: number, milliseconds?: number) =>
  new Promise((resolve) => setTimeout(resolve, milliseconds ?? 250 * 2 ** (attempt - 1)));
