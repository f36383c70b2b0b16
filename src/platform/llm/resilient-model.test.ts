import { APICallError, type LanguageModelV3, type LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, LlmCallFailed, resilientModel } from './resilient-model.js';

const apiError = (statusCode: number, headers: Record<string, string> = {}) =>
  new APICallError({
    message: `status ${statusCode} for key sk-secret-123`,
    url: 'http://provider/v1/chat/completions',
    requestBodyValues: {},
    statusCode,
    responseHeaders: headers,
    isRetryable: statusCode === 429 || statusCode >= 500,
  });

function fakeModel(
  streams: Array<() => ReadableStream<LanguageModelV3StreamPart> | Error>,
): LanguageModelV3 & { attempts: number } {
  const model = {
    specificationVersion: 'v3' as const,
    provider: 'fake',
    modelId: 'fake-model',
    supportedUrls: {},
    attempts: 0,
    doGenerate: async () => {
      throw new Error('not used');
    },
    doStream: async () => {
      const next = streams[model.attempts++]!();
      if (next instanceof Error) throw next;
      return { stream: next };
    },
  };
  return model;
}

const finished = (): ReadableStream<LanguageModelV3StreamPart> =>
  new ReadableStream({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings: [] });
      controller.close();
    },
  });

describe('resilientModel', () => {
  it('retries 429 and 5xx with backoff, honouring Retry-After as a floor', async () => {
    const sleeps: number[] = [];
    const inner = fakeModel([() => apiError(429, { 'retry-after': '2' }), () => apiError(502), finished]);
    const model = resilientModel(inner, { maxRetries: 3, timeoutMs: 1_000, sleep: async (ms) => void sleeps.push(ms) });
    await model.doStream({ prompt: [] });
    expect(inner.attempts).toBe(3);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2_000);
    expect(sleeps[1]).toBeLessThanOrEqual(1_000);
  });

  it('gives up after maxRetries with a clear, scrubbed error; does not retry a 400', async () => {
    const inner = fakeModel([() => apiError(503), () => apiError(503)]);
    const model = resilientModel(inner, {
      maxRetries: 1,
      timeoutMs: 1_000,
      sleep: async () => undefined,
      scrub: (text) => text.replaceAll('sk-secret-123', '[REDACTED]'),
    });
    const failure = await Promise.resolve(model.doStream({ prompt: [] })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmCallFailed);
    expect((failure as Error).message).toMatch(/HTTP 503.*gave up after 2 attempts/);
    expect((failure as Error).message).not.toContain('sk-secret-123');

    const badRequest = fakeModel([() => apiError(400), finished]);
    await expect(
      resilientModel(badRequest, { maxRetries: 3, timeoutMs: 1_000 }).doStream({ prompt: [] }),
    ).rejects.toThrow('HTTP 400');
    expect(badRequest.attempts).toBe(1);
  });

  it('fails a stream that stalls longer than the timeout', async () => {
    const inner = fakeModel([() => new ReadableStream<LanguageModelV3StreamPart>({ start: () => undefined })]);
    const model = resilientModel(inner, { maxRetries: 0, timeoutMs: 100 });
    const { stream } = await model.doStream({ prompt: [] });
    await expect(stream.getReader().read()).rejects.toThrow('stalled for 100 ms');
  });

  it('merges text deltas that arrive in one event-loop turn, keeping every part and its order', async () => {
    const parts: LanguageModelV3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 'a' },
      { type: 'text-delta', id: 'a', delta: 'Hello' },
      { type: 'text-delta', id: 'a', delta: ', ' },
      { type: 'text-delta', id: 'a', delta: 'world' },
      { type: 'text-end', id: 'a' },
      { type: 'text-start', id: 'b' },
      { type: 'text-delta', id: 'b', delta: 'later' },
      { type: 'text-delta', id: 'b', delta: ' and more' },
    ];
    let index = 0;
    const inner = fakeModel([
      () =>
        new ReadableStream<LanguageModelV3StreamPart>({
          // Two bursts: the first seven parts arrive together, the rest on a later turn (one at a time).
          async pull(controller) {
            if (index === 7 || index === 8) await new Promise((resolve) => setTimeout(resolve, 5));
            const part = parts[index++];
            if (part) controller.enqueue(part);
            else controller.close();
          },
        }),
    ]);
    const { stream } = await resilientModel(inner, { maxRetries: 0, timeoutMs: 1_000 }).doStream({ prompt: [] });
    const received: LanguageModelV3StreamPart[] = [];
    const reader = stream.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) received.push(next.value);
    expect(received).toEqual([
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 'a' },
      { type: 'text-delta', id: 'a', delta: 'Hello, world' },
      { type: 'text-end', id: 'a' },
      { type: 'text-start', id: 'b' },
      { type: 'text-delta', id: 'b', delta: 'later' },
      { type: 'text-delta', id: 'b', delta: ' and more' },
    ]);
  });

  it('spreads backoff with full jitter under a cap', () => {
    const delays = Array.from({ length: 200 }, () =>
      backoffDelayMs(10, { maxRetries: 3, timeoutMs: 1, maxDelayMs: 4_000 }),
    );
    expect(Math.max(...delays)).toBeLessThanOrEqual(4_000);
    expect(new Set(delays.map((delay) => Math.round(delay / 100))).size).toBeGreaterThan(10);
  });
});
