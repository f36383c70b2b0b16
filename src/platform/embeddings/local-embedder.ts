import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type Embedder, EmbeddingFailed } from './embedder.js';
import { siblingModule, ThreadClient, ThreadTaskFailed } from './worker-thread.js';

export interface LocalEmbedderOptions {
  /** A Hugging Face model directory: config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx. */
  modelDirectory: string;
  batchSize: number;
  timeoutMs: number;
}

/**
 * A sentence-embedding ONNX model from a local directory (e.g. all-MiniLM-L6-v2 exported by Hugging Face),
 * run by transformers.js with remote loading disabled, in a worker thread. Mean pooling, L2-normalised.
 */
export class LocalEmbedder implements Embedder {
  readonly kind = 'local' as const;
  readonly modelId: string;
  private readonly thread: ThreadClient<{ texts: string[] }, { vectors: Float32Array; dimensions: number }>;

  constructor(private readonly options: LocalEmbedderOptions) {
    const directory = resolve(options.modelDirectory);
    const { modelFile, dtype } = checkModelDirectory(directory);
    // Swapping the files in the same directory is a model change too, so the id carries a fingerprint.
    const fingerprint = createHash('sha256')
      .update(readFileSync(join(directory, 'config.json')))
      .update(String(statSync(join(directory, modelFile)).size))
      .digest('hex')
      .slice(0, 8);
    this.modelId = `local:${basename(directory)}@${fingerprint}`;
    this.thread = new ThreadClient(siblingModule(import.meta.url, 'local-embedder.worker'), {
      name: 'embeddings',
      workerData: { modelDirectory: `${dirname(directory)}/`, modelName: basename(directory), dtype },
    });
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += this.options.batchSize) {
      options.signal?.throwIfAborted();
      const batch = texts.slice(start, start + this.options.batchSize);
      let result: { vectors: Float32Array; dimensions: number };
      try {
        result = await this.thread.run({ texts: [...batch] }, { timeoutMs: this.options.timeoutMs });
      } catch (error) {
        const detail = error instanceof ThreadTaskFailed ? error.message : (error as Error).message;
        throw new EmbeddingFailed(`The local embedding model failed: ${detail}`, { cause: error });
      }
      for (let index = 0; index < batch.length; index++) {
        vectors.push(Array.from(result.vectors.subarray(index * result.dimensions, (index + 1) * result.dimensions)));
      }
    }
    return vectors;
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

/** Fails at start-up, with the missing file named, rather than at the first upload. */
export function checkModelDirectory(directory: string): { modelFile: string; dtype: 'fp32' | 'q8' } {
  const modelFile = existsSync(join(directory, 'onnx', 'model.onnx'))
    ? join('onnx', 'model.onnx')
    : existsSync(join(directory, 'onnx', 'model_quantized.onnx'))
      ? join('onnx', 'model_quantized.onnx')
      : undefined;
  const missing = ['config.json', 'tokenizer.json'].filter((file) => !existsSync(join(directory, file)));
  if (!modelFile) missing.push('onnx/model.onnx (or onnx/model_quantized.onnx)');
  if (missing.length > 0) {
    throw new EmbeddingFailed(
      `EMBEDDINGS_MODEL_DIR=${directory} is not a usable model directory: missing ${missing.join(', ')}. Download a sentence-transformers ONNX export (e.g. Xenova/all-MiniLM-L6-v2) into it.`,
    );
  }
  try {
    JSON.parse(readFileSync(join(directory, 'config.json'), 'utf8'));
  } catch {
    throw new EmbeddingFailed(`EMBEDDINGS_MODEL_DIR=${directory}: config.json is not valid JSON`);
  }
  return { modelFile: modelFile as string, dtype: modelFile?.endsWith('quantized.onnx') ? 'q8' : 'fp32' };
}
