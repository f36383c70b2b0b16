import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, type ResourceLimits, Worker } from 'node:worker_threads';

/**
 * CPU-heavy work (document parsing, ONNX inference) runs in worker threads so it never blocks the event loop of
 * the process serving HTTP. A ThreadClient owns one thread running `moduleUrl` (which calls `serveThread`),
 * starts it on first use, and starts a fresh one after a crash, an out-of-memory kill or a timeout.
 */
export class ThreadCrashed extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ThreadCrashed';
  }
}

export class ThreadTimedOut extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the work did not finish within ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'ThreadTimedOut';
  }
}

/** An error the thread's handler threw on purpose, passed back with its name and message. */
export class ThreadTaskFailed extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'ThreadTaskFailed';
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; name: string; message: string };

export class ThreadClient<Request, Response> {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly moduleUrl: URL,
    private readonly options: { workerData?: unknown; resourceLimits?: ResourceLimits; name: string },
  ) {}

  /** Runs one request; `transfer` hands buffers to the thread without copying (they become unusable here). */
  run(request: Request, options: { timeoutMs?: number; transfer?: ArrayBuffer[] } = {}): Promise<Response> {
    if (this.closed) return Promise.reject(new ThreadCrashed(`${this.options.name} thread is closed`));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<Response>((resolve, reject) => {
      const pending: Pending = { resolve: resolve as (value: unknown) => void, reject };
      if (options.timeoutMs) {
        pending.timer = setTimeout(() => {
          // The thread may be stuck in synchronous code; only terminating it stops that.
          this.fail(new ThreadTimedOut(options.timeoutMs as number));
        }, options.timeoutMs);
      }
      this.pending.set(id, pending);
      // Keep the process alive only while work is pending.
      worker.ref();
      worker.postMessage({ id, request }, options.transfer ?? []);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll(new ThreadCrashed(`${this.options.name} thread is closed`));
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = spawn(this.moduleUrl, this.options);
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      clearTimeout(pending.timer);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new ThreadTaskFailed(reply.name, reply.message));
    });
    worker.on('error', (error) => {
      if (this.worker === worker) this.fail(describeCrash(error));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(new ThreadCrashed(`the ${this.options.name} thread exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll(error);
    void worker?.terminate();
  }

  private rejectAll(error: Error): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.pending.delete(id);
    }
  }
}

function describeCrash(error: Error & { code?: string }): ThreadCrashed {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ThreadCrashed('it needed more memory than allowed', { cause: error });
  }
  return new ThreadCrashed(`the thread crashed: ${error.message}`, { cause: error });
}

function spawn(moduleUrl: URL, options: { workerData?: unknown; resourceLimits?: ResourceLimits; name: string }) {
  const common = { workerData: options.workerData, resourceLimits: options.resourceLimits, name: options.name };
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, common);
  // Running from TypeScript sources (tests, `npm run dev`): load the module through tsx inside the thread.
  const tsx = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const bootstrap = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(bootstrap, { ...common, eval: true });
}

/** The thread side: answers each request with `handler`'s value, or with the error it threw. */
export function serveThread<Request, Response>(
  handler: (request: Request) => Promise<{ value: Response; transfer?: ArrayBuffer[] }>,
): void {
  if (!parentPort) throw new Error('serveThread must run inside a worker thread');
  const port = parentPort;
  port.on('message', async ({ id, request }: { id: number; request: Request }) => {
    try {
      const { value, transfer } = await handler(request);
      port.postMessage({ id, ok: true, value }, transfer ?? []);
    } catch (error) {
      const failure = error as Error;
      port.postMessage({ id, ok: false, name: failure.name ?? 'Error', message: failure.message ?? String(error) });
    }
  });
}

/** The thread module's URL next to the caller's, with the caller's extension (.ts from sources, .js from dist). */
export function siblingModule(callerUrl: string, baseName: string): URL {
  const extension = callerUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${baseName}${extension}`, callerUrl);
}
