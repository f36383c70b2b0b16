import {
  siblingModule,
  ThreadClient,
  ThreadCrashed,
  ThreadTaskFailed,
  ThreadTimedOut,
} from '../../platform/embeddings/worker-thread.js';
import type { ChunkingOptions } from './chunking/chunker.js';
import { ExtractionFailed } from './extraction/blocks.js';
import { formatBytes } from './extraction/zip-archive.js';
import type { IngestionRequest, IngestionResult } from './ingestion.worker.js';

export interface IngestionThreadOptions {
  maxUncompressedBytes: number;
  timeoutMs: number;
  /** Heap cap of the thread: a pathological file fails alone instead of taking the process down. */
  maxHeapMb: number;
}

/** Extraction and chunking in a worker thread. Every way it can go wrong ends as an ExtractionFailed. */
export class IngestionThread {
  private readonly thread: ThreadClient<IngestionRequest, IngestionResult>;

  constructor(private readonly options: IngestionThreadOptions) {
    this.thread = new ThreadClient(siblingModule(import.meta.url, 'ingestion.worker'), {
      name: 'knowledge-ingestion',
      workerData: { maxUncompressedBytes: options.maxUncompressedBytes },
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb },
    });
  }

  /** `bytes` is handed to the thread (transferred, not copied) and is unusable afterwards. */
  async process(bytes: Uint8Array, chunking: ChunkingOptions): Promise<IngestionResult> {
    const size = bytes.byteLength;
    try {
      return await this.thread.run(
        { bytes, chunking },
        { timeoutMs: this.options.timeoutMs, transfer: [bytes.buffer as ArrayBuffer] },
      );
    } catch (error) {
      if (error instanceof ThreadTaskFailed) {
        if (error.errorName === 'ExtractionFailed') throw new ExtractionFailed(error.message);
        throw new ExtractionFailed(`The document could not be read: ${error.message}`);
      }
      if (error instanceof ThreadTimedOut) {
        throw new ExtractionFailed(
          `Reading the document took longer than ${Math.round(this.options.timeoutMs / 1000)} s, so it was stopped.`,
        );
      }
      if (error instanceof ThreadCrashed) {
        throw new ExtractionFailed(`Reading the document (${formatBytes(size)}) failed: ${error.message}.`);
      }
      throw error;
    }
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
