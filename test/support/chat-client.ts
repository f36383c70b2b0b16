import WebSocket from 'ws';

// biome-ignore lint/suspicious/noExplicitAny: frames are asserted field by field in tests
export type Frame = { type: string; [field: string]: any };

/** A real WebSocket client for /ws that keeps every frame it receives and can wait for one. */
export class ChatClient {
  readonly frames: Frame[] = [];
  private waiters: Array<{ match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }> = [];
  private seen = 0;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  /** Connects with a bearer token (header), a ticket (?ticket=) or nothing. Resolves once open. */
  static async connect(baseUrl: string, auth: { token?: string; ticket?: string } = {}): Promise<ChatClient> {
    const url = new URL('/ws', baseUrl.replace(/^http/, 'ws'));
    if (auth.ticket) url.searchParams.set('ticket', auth.ticket);
    const socket = new WebSocket(url, { headers: auth.token ? { authorization: `Bearer ${auth.token}` } : {} });
    const client = new ChatClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(frame: Record<string, unknown> | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame (after those already consumed by `next`) matching `match`. */
  next(match: string | ((frame: Frame) => boolean), timeoutMs = 10_000): Promise<Frame> {
    const predicate = typeof match === 'string' ? (frame: Frame) => frame.type === match : match;
    for (let index = this.seen; index < this.frames.length; index++) {
      const frame = this.frames[index]!;
      if (predicate(frame)) {
        this.seen = index + 1;
        return Promise.resolve(frame);
      }
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no ${typeof match === 'string' ? match : 'matching'} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match: predicate,
        resolve: (frame) => {
          clearTimeout(timer);
          this.seen = this.frames.indexOf(frame) + 1;
          resolve(frame);
        },
      });
    });
  }

  async openSession(sessionId?: string): Promise<string> {
    this.send({ type: 'session.open', ...(sessionId ? { sessionId } : {}) });
    return (await this.next('session.opened')).sessionId as string;
  }

  /** Frames of one run, in order. */
  runFrames(runId: string): Frame[] {
    return this.frames.filter((frame) => frame.runId === runId);
  }

  close(): void {
    this.socket.close();
  }
}
