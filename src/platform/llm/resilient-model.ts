import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3StreamPart,
} from '@ai-sdk/provider';

/** A model call that failed for good: after retries, on a timeout, or with a non-retryable answer. */
export class LlmCallFailed extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'LlmCallFailed';
  }
}

export interface ResilienceOptions {
  /** Retries after the first attempt, for 429 and 5xx answers. */
  maxRetries: number;
  /** Time allowed for a response to start, and between two streamed chunks. */
  timeoutMs: number;
  /** First backoff; doubles each attempt, capped at maxDelayMs, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Strips secrets (the API key) from provider error messages before they travel anywhere. */
  scrub?: (text: string) => string;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const retryableStatus = (status: number | undefined) => status === 429 || (status !== undefined && status >= 500);

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Seconds or an HTTP date, as in Retry-After; undefined when absent or unreadable. */
function retryAfterMs(headers: Record<string, string> | undefined): number | undefined {
  const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function backoffDelayMs(attempt: number, options: ResilienceOptions, retryAfter?: number): number {
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 10_000;
  const ceiling = Math.min(cap, base * 2 ** attempt);
  // Full jitter spreads many clients hitting the same rate limit; a server's Retry-After is a floor.
  const jittered = Math.random() * ceiling;
  return retryAfter !== undefined ? Math.min(Math.max(jittered, retryAfter), 60_000) : jittered;
}

function describe(error: unknown, scrub: (text: string) => string): { message: string; status?: number } {
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const kind = status === 429 ? 'rate limited (429)' : status ? `HTTP ${status}` : 'no response';
    return { message: scrub(`the model provider answered ${kind}: ${error.message}`), status };
  }
  return { message: scrub(error instanceof Error ? error.message : String(error)) };
}

/**
 * Wraps a provider's model: retries 429/5xx with exponential backoff and full jitter (honouring Retry-After),
 * times out a response that does not start or a stream that stalls, and turns failures into clear errors.
 * The AI SDK's own retries are turned off by callers (maxRetries: 0) so this is the one retry policy.
 */
export function resilientModel(inner: LanguageModelV3, options: ResilienceOptions): LanguageModelV3 {
  const scrub = options.scrub ?? ((text: string) => text);
  const sleep = options.sleep ?? abortableSleep;

  async function attempt<Result>(
    callOptions: LanguageModelV3CallOptions,
    call: (options: LanguageModelV3CallOptions, controller: AbortController) => PromiseLike<Result>,
  ): Promise<Result> {
    for (let attemptNumber = 0; ; attemptNumber++) {
      const controller = new AbortController();
      const outer = callOptions.abortSignal;
      const onAbort = () => controller.abort(outer?.reason);
      if (outer?.aborted) throw outer.reason;
      outer?.addEventListener('abort', onAbort, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new LlmCallFailed(`the model did not answer within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      try {
        return await call({ ...callOptions, abortSignal: controller.signal }, controller);
      } catch (error) {
        if (outer?.aborted) throw error;
        if (timedOut) throw new LlmCallFailed(`the model did not answer within ${options.timeoutMs} ms`);
        const status = APICallError.isInstance(error) ? error.statusCode : undefined;
        if (retryableStatus(status) && attemptNumber < options.maxRetries) {
          const delay = backoffDelayMs(
            attemptNumber,
            options,
            APICallError.isInstance(error) ? retryAfterMs(error.responseHeaders) : undefined,
          );
          await sleep(delay, outer);
          continue;
        }
        const described = describe(error, scrub);
        const tries = attemptNumber + 1;
        throw new LlmCallFailed(
          retryableStatus(status) ? `${described.message} (gave up after ${tries} attempts)` : described.message,
          described.status,
        );
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener('abort', onAbort);
      }
    }
  }

  return {
    specificationVersion: 'v3',
    provider: inner.provider,
    modelId: inner.modelId,
    get supportedUrls() {
      return inner.supportedUrls;
    },
    doGenerate: (callOptions) => attempt(callOptions, (attemptOptions) => inner.doGenerate(attemptOptions)),
    doStream: (callOptions) =>
      attempt(callOptions, async (attemptOptions, controller) => {
        const result = await inner.doStream(attemptOptions);
        // attempt() stops listening once the response has started; a cancel while streaming must still reach it.
        const outer = callOptions.abortSignal;
        const onOuterAbort = () => controller.abort(outer?.reason);
        outer?.addEventListener('abort', onOuterAbort, { once: true });
        const release = () => {
          clearTimeout(idle);
          clearImmediate(textFlush);
          outer?.removeEventListener('abort', onOuterAbort);
        };
        // The start timer is cleared by attempt(); from here a stall between chunks aborts the stream. One timer,
        // re-armed per chunk (refresh() allocates nothing; chunks come thousands a second).
        let idle: NodeJS.Timeout | undefined;
        // Text deltas that arrive in the same event-loop turn (one network read often carries several) go on as
        // one: every part costs the AI SDK's pipeline of web streams the same, whatever its length.
        let text: Extract<LanguageModelV3StreamPart, { type: 'text-delta' }> | undefined;
        let textFlush: NodeJS.Immediate | undefined;
        const flushText = (streamController: TransformStreamDefaultController<LanguageModelV3StreamPart>) => {
          clearImmediate(textFlush);
          textFlush = undefined;
          if (!text) return;
          const part = text;
          text = undefined;
          try {
            streamController.enqueue(part);
          } catch {
            // The stream was cancelled or failed meanwhile.
          }
        };
        const watchdog = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
          start: (streamController) => {
            idle = setTimeout(() => {
              const error = new LlmCallFailed(`the model stream stalled for ${options.timeoutMs} ms`);
              release();
              try {
                streamController.error(error);
              } catch {
                // Already closed or cancelled.
              }
              controller.abort(error);
            }, options.timeoutMs);
            idle.unref();
          },
          transform: (part, streamController) => {
            idle?.refresh();
            if (part.type === 'text-delta' && part.providerMetadata === undefined) {
              if (text && text.id !== part.id) flushText(streamController);
              if (text) text.delta += part.delta;
              else text = { ...part };
              textFlush ??= setImmediate(() => flushText(streamController));
              return;
            }
            flushText(streamController);
            if (part.type === 'error') {
              const described = describe(part.error, scrub);
              streamController.enqueue({
                type: 'error',
                error: new LlmCallFailed(described.message, described.status),
              });
              return;
            }
            streamController.enqueue(part);
          },
          // (A consumer that cancels leaves the idle timer to fire once; it then only aborts a finished request.)
          flush: (streamController) => {
            flushText(streamController);
            release();
          },
        });
        return { ...result, stream: result.stream.pipeThrough(watchdog) };
      }),
  };
}
