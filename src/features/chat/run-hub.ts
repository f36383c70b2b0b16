import { ProcessStopping } from '../agent/index.js';
import type { RunFrame } from './chat-frames.js';

export type FrameListener = (frame: RunFrame) => void;

interface ActiveRun {
  runId: string;
  orgId: string;
  userId: string;
  sessionId: string;
  controller: AbortController;
  frames: RunFrame[];
  /** Text that arrived this event-loop turn, not sent yet: it goes out as one `text.delta`. */
  pendingText: string;
  flushing?: NodeJS.Immediate;
  listeners: Set<FrameListener>;
  finished: Promise<void>;
  markFinished: () => void;
}

/**
 * The runs this process is executing, with every frame sent so far, so a client that reconnects (or opens the
 * session in another tab) gets the run from its start and then follows it live.
 *
 * A run's text deltas are merged: all that arrive in one event-loop turn leave as one `text.delta` frame (at the
 * end of the turn, or before the run's next other frame). Under load, when a turn carries many tokens, this saves
 * a frame, a JSON encoding and a socket write per token; at a model's usual pace each token still goes out alone.
 */
export class RunHub {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly bySession = new Map<string, string>();

  start(run: { runId: string; orgId: string; userId: string; sessionId: string }): AbortController {
    const controller = new AbortController();
    let markFinished!: () => void;
    const finished = new Promise<void>((resolve) => {
      markFinished = resolve;
    });
    const active: ActiveRun = {
      ...run,
      controller,
      frames: [],
      pendingText: '',
      listeners: new Set(),
      finished,
      markFinished,
    };
    this.runs.set(run.runId, active);
    this.bySession.set(run.sessionId, run.runId);
    return controller;
  }

  activeRunOf(orgId: string, sessionId: string): string | undefined {
    const runId = this.bySession.get(sessionId);
    const run = runId ? this.runs.get(runId) : undefined;
    return run && run.orgId === orgId ? run.runId : undefined;
  }

  find(orgId: string, runId: string): { userId: string; sessionId: string; controller: AbortController } | undefined {
    const run = this.runs.get(runId);
    return run && run.orgId === orgId ? run : undefined;
  }

  publish(runId: string, frame: RunFrame): void {
    const run = this.runs.get(runId);
    if (!run) return;
    if (frame.type === 'text.delta') {
      run.pendingText += frame.delta;
      run.flushing ??= setImmediate(() => this.flushText(run));
      return;
    }
    this.flushText(run);
    this.send(run, frame);
  }

  private flushText(run: ActiveRun): void {
    if (run.flushing) clearImmediate(run.flushing);
    run.flushing = undefined;
    if (!run.pendingText) return;
    const frame: RunFrame = { type: 'text.delta', runId: run.runId, delta: run.pendingText };
    run.pendingText = '';
    this.send(run, frame);
  }

  private send(run: ActiveRun, frame: RunFrame): void {
    // Kept merged: a replay sends the text so far as one frame anyway.
    const last = run.frames.at(-1);
    if (frame.type === 'text.delta' && last?.type === 'text.delta') {
      run.frames[run.frames.length - 1] = { ...last, delta: last.delta + frame.delta };
    } else {
      run.frames.push(frame);
    }
    for (const listener of run.listeners) listener(frame);
  }

  /**
   * Replays the run so far (its text merged into as few frames as possible), then follows it live: text not yet
   * sent to anyone reaches the new listener with everyone else's, so each part arrives exactly once, in order.
   * Returns the unsubscribe function, or undefined when the run is not active here.
   */
  follow(orgId: string, runId: string, listener: FrameListener): (() => void) | undefined {
    const run = this.runs.get(runId);
    if (!run || run.orgId !== orgId) return undefined;
    for (const frame of run.frames) listener(frame);
    run.listeners.add(listener);
    return () => run.listeners.delete(listener);
  }

  end(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    this.flushText(run);
    this.runs.delete(runId);
    if (this.bySession.get(run.sessionId) === runId) this.bySession.delete(run.sessionId);
    run.markFinished();
  }

  /** Cancels every run and waits (up to `timeoutMs`) for them to save what they have. */
  async cancelAll(timeoutMs: number): Promise<void> {
    const runs = [...this.runs.values()];
    for (const run of runs) run.controller.abort(new ProcessStopping());
    await Promise.race([
      Promise.all(runs.map((run) => run.finished)),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }
}
