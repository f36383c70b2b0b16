import { workerData } from 'node:worker_threads';
import { serveThread } from '../../platform/embeddings/worker-thread.js';
import { type Chunk, type ChunkingOptions, chunkBlocks } from './chunking/chunker.js';
import { extractDocument } from './extraction/extract-document.js';

/** Runs in a worker thread: parse the document and chunk it, away from the event loop that serves HTTP. */
const { maxUncompressedBytes } = workerData as { maxUncompressedBytes: number };

export interface IngestionRequest {
  bytes: Uint8Array;
  chunking: ChunkingOptions;
}

export interface IngestionResult {
  format: string;
  mediaType: string;
  pages: number | null;
  chunks: Chunk[];
}

serveThread<IngestionRequest, IngestionResult>(async ({ bytes, chunking }) => {
  const document = await extractDocument(bytes, { maxUncompressedBytes });
  const chunks = chunkBlocks(document.blocks, chunking);
  return { value: { format: document.format, mediaType: document.mediaType, pages: document.pages, chunks } };
});
