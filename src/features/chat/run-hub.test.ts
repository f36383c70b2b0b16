import { describe, expect, it } from 'vitest';
import type { RunFrame } from './chat-frames.js';
import { RunHub } from './run-hub.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const run = { runId: 'run-1', orgId: 'org-1', userId: 'user-1', sessionId: 'session-1' };
const delta = (text: string): RunFrame => ({ type: 'text.delta', runId: run.runId, delta: text });
const text = (frames: RunFrame[]) =>
  frames
    .filter((frame) => frame.type === 'text.delta')
    .map((frame) => (frame.type === 'text.delta' ? frame.delta : ''))
    .join('');

describe('RunHub', () => {
  it('sends the deltas of one event-loop turn as one frame, and flushes them before any other frame', async () => {
    const hub = new RunHub();
    hub.start(run);
    const frames: RunFrame[] = [];
    hub.follow(run.orgId, run.runId, (frame) => frames.push(frame));
    hub.publish(run.runId, delta('a'));
    hub.publish(run.runId, delta('b'));
    expect(frames).toEqual([]);
    await nextTurn();
    expect(frames).toEqual([delta('ab')]);

    hub.publish(run.runId, delta('c'));
    hub.publish(run.runId, {
      type: 'tool.started',
      runId: run.runId,
      callId: 'call-1',
      tool: 'list_incidents',
      input: {},
    });
    hub.publish(run.runId, delta('d'));
    hub.publish(run.runId, { type: 'run.finished', runId: run.runId, status: 'completed' });
    hub.end(run.runId);
    expect(frames.map((frame) => frame.type)).toEqual([
      'text.delta',
      'text.delta',
      'tool.started',
      'text.delta',
      'run.finished',
    ]);
    expect(text(frames)).toBe('abcd');
    await nextTurn();
    expect(frames).toHaveLength(5);
  });

  it('gives a follower that joins mid-run every part exactly once, in order, including text not sent yet', async () => {
    const hub = new RunHub();
    hub.start(run);
    const first: RunFrame[] = [];
    const unsubscribe = hub.follow(run.orgId, run.runId, (frame) => first.push(frame));
    hub.publish(run.runId, { type: 'run.started', runId: run.runId, sessionId: run.sessionId });
    for (const token of ['one ', 'two ']) {
      hub.publish(run.runId, delta(token));
      await nextTurn();
    }
    hub.publish(run.runId, delta('three '));
    unsubscribe?.();

    // Joins while "three " is still pending: the replay has what was sent, the pending text follows once.
    const second: RunFrame[] = [];
    hub.follow(run.orgId, run.runId, (frame) => second.push(frame));
    expect(second).toEqual([{ type: 'run.started', runId: run.runId, sessionId: run.sessionId }, delta('one two ')]);
    await nextTurn();
    hub.publish(run.runId, delta('four'));
    hub.publish(run.runId, { type: 'run.finished', runId: run.runId, status: 'completed' });
    hub.end(run.runId);

    expect(second.map((frame) => frame.type)).toEqual([
      'run.started',
      'text.delta',
      'text.delta',
      'text.delta',
      'run.finished',
    ]);
    expect(text(second)).toBe('one two three four');
    expect(text(first)).toBe('one two ');
    // A follower after the end finds nothing to follow.
    expect(hub.follow(run.orgId, run.runId, () => undefined)).toBeUndefined();
  });

  it('keeps runs of other orgs apart', () => {
    const hub = new RunHub();
    hub.start(run);
    expect(hub.follow('org-2', run.runId, () => undefined)).toBeUndefined();
    expect(hub.activeRunOf('org-2', run.sessionId)).toBeUndefined();
    expect(hub.activeRunOf(run.orgId, run.sessionId)).toBe(run.runId);
  });
});
