import { once } from 'node:events';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddingFailed } from './embedder.js';
import { LocalEmbedder } from './local-embedder.js';
import { OpenAiCompatibleEmbedder } from './openai-compatible-embedder.js';

const tinyModel = fileURLToPath(new URL('../../../test/fixtures/knowledge/tiny-embedder', import.meta.url));
const cosine = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);

describe('LocalEmbedder (transformers.js, remote loading off, in a worker thread)', () => {
  const embedder = new LocalEmbedder({ modelDirectory: tinyModel, batchSize: 2, timeoutMs: 60_000 });
  afterAll(() => embedder.close());

  it('loads the ONNX model and tokenizer from the directory and embeds in batches, normalised', async () => {
    expect(embedder.modelId).toMatch(/^local:tiny-embedder@[0-9a-f]{8}$/);
    const [oom, heap, certificate] = await embedder.embed([
      'The pod was OOM killed',
      'heap memory exhausted',
      'TLS certificate expired',
    ]);
    for (const vector of [oom, heap, certificate]) {
      expect(vector).toHaveLength(16);
      expect(cosine(vector as number[], vector as number[])).toBeCloseTo(1, 5);
    }
    // The model puts oom beside memory and heap, far from certificates.
    expect(cosine(oom as number[], heap as number[])).toBeGreaterThan(0.5);
    expect(Math.abs(cosine(oom as number[], certificate as number[]))).toBeLessThan(0.3);
    expect(await embedder.embed(['heap memory exhausted'])).toEqual([heap]);
  });

  it('refuses a directory without a model, naming what is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'aurora-model-'));
    try {
      expect(() => new LocalEmbedder({ modelDirectory: empty, batchSize: 2, timeoutMs: 1000 })).toThrow(
        /missing config\.json, tokenizer\.json, onnx\/model\.onnx/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('fails with EmbeddingFailed (never a download) when the model file is broken', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'aurora-model-')), 'broken-model');
    cpSync(tinyModel, directory, { recursive: true });
    cpSync(join(tinyModel, 'config.json'), join(directory, 'onnx', 'model.onnx'));
    const broken = new LocalEmbedder({ modelDirectory: directory, batchSize: 2, timeoutMs: 60_000 });
    try {
      await expect(broken.embed(['anything'])).rejects.toBeInstanceOf(EmbeddingFailed);
    } finally {
      await broken.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('OpenAiCompatibleEmbedder against a stand-in of the /v1/embeddings API', () => {
  it('posts the documented request, orders results by index, normalises, retries 503 and keeps the key out of errors', async () => {
    const requests: Array<{ authorization?: string; body: { model: string; input: string[]; dimensions?: number } }> =
      [];
    let failures = 1;
    const server = createServer(async (request, response) => {
      let raw = '';
      for await (const chunk of request) raw += chunk;
      if (failures-- > 0) {
        response.writeHead(503).end();
        return;
      }
      const body = JSON.parse(raw);
      requests.push({ authorization: request.headers.authorization, body });
      if (body.input.includes('reject')) {
        response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"bad input"}}');
        return;
      }
      // Reversed order on purpose: clients must use `index`.
      const data = body.input
        .map((text: string, index: number) => ({ object: 'embedding', index, embedding: [text.length, 0, 0] }))
        .reverse();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } }),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const embedder = new OpenAiCompatibleEmbedder({
        baseUrl: `http://127.0.0.1:${port}/v1/`,
        model: 'text-embedding-3-small',
        apiKey: 'sk-test-secret-key',
        dimensions: 3,
        batchSize: 2,
        timeoutMs: 5000,
      });
      expect(embedder.modelId).toBe('openai-compatible:text-embedding-3-small:3');
      expect(await embedder.embed(['a', 'bb', 'ccc'])).toEqual([
        [1, 0, 0],
        [1, 0, 0],
        [1, 0, 0],
      ]);
      expect(requests.map((entry) => entry.body.input)).toEqual([['a', 'bb'], ['ccc']]);
      expect(requests[0]).toMatchObject({
        authorization: 'Bearer sk-test-secret-key',
        body: { model: 'text-embedding-3-small', dimensions: 3, encoding_format: 'float' },
      });
      const error = await embedder.embed(['reject']).catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(EmbeddingFailed);
      expect((error as Error).message).toMatch(/answered 400/);
      expect((error as Error).message).not.toContain('sk-test-secret-key');
    } finally {
      server.close();
    }
  });
});
