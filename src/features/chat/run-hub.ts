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
  listeners: Set<FrameListener>;
  finished: Promise<void>;
  markFinished: () => void;
}

/**
 * The runs this process is executing, with every frame sent so far, so a client that reconnects (or opens the
 * session in another tab) gets the run from its start and then follows it live.
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
    const active: ActiveRun = { ...run, controller, frames: [], listeners: new Set(), finished, markFinished };
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
    run.frames.push(frame);
    for (const listener of run.listeners) listener(frame);
  }

  /**
   * Replays the run so far (consecutive text deltas merged into one frame), then follows it live. Returns the
   * unsubscribe function, or undefined when the run is not active here.
   */
  follow(orgId: string, runId: string, listener: FrameListener): (() => void) | undefined {
    const run = this.runs.get(runId);
    if (!run || run.orgId !== orgId) return undefined;
    let pending: RunFrame | undefined;
    for (const frame of run.frames) {
      if (frame.type === 'text.delta' && pending?.type === 'text.delta') {
        pending = { ...pending, delta: pending.delta + frame.delta };
        continue;
      }
      if (pending) listener(pending);
      pending = frame;
    }
    if (pending) listener(pending);
    run.listeners.add(listener);
    return () => run.listeners.delete(listener);
  }

  end(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
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
