import { workerData } from 'node:worker_threads';
import { env, type FeatureExtractionPipeline, pipeline } from '@huggingface/transformers';
import { serveThread } from './worker-thread.js';

/** Runs in a worker thread: transformers.js with remote loading off, so only the local directory is read. */
const { modelDirectory, modelName, dtype } = workerData as {
  modelDirectory: string;
  modelName: string;
  dtype: 'fp32' | 'q8';
};

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = modelDirectory;
env.useBrowserCache = false;
env.useFSCache = false;

let extractor: Promise<FeatureExtractionPipeline> | undefined;

serveThread<{ texts: string[] }, { vectors: Float32Array; dimensions: number }>(async ({ texts }) => {
  extractor ??= pipeline('feature-extraction', modelName, {
    local_files_only: true,
    dtype,
    device: 'cpu',
  }) as Promise<FeatureExtractionPipeline>;
  let model: FeatureExtractionPipeline;
  try {
    model = await extractor;
  } catch (error) {
    extractor = undefined;
    throw error;
  }
  const output = await model(texts, { pooling: 'mean', normalize: true });
  const dimensions = output.dims.at(-1) as number;
  const vectors = Float32Array.from(output.data as Float32Array);
  return { value: { vectors, dimensions }, transfer: [vectors.buffer as ArrayBuffer] };
});
