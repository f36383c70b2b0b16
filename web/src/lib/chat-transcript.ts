import type { RunFrame, RunStatus, ToolCallStatus } from '../api/chat-protocol';
import type { ResponseOf } from '../api/client';

export type ChatMessageRow = ResponseOf<'/api/v1/chat/sessions/{sessionId}/messages'>['items'][number];

export interface PendingApproval {
  confirmationId: string;
  runId: string;
  tool: string;
  input: unknown;
  summary: string;
  expiresAt: string;
  /** Set once this tab sent a decision; the card waits for `tool.finished`. */
  decided?: 'approve' | 'deny';
}

export type ToolCardStatus = 'running' | 'waiting_approval' | ToolCallStatus;

export type TranscriptItem =
  | { kind: 'user'; id: string; runId: string | null; text: string; pending?: boolean }
  | { kind: 'text'; id: string; runId: string; text: string; status: 'streaming' | 'complete' | 'cancelled' | 'failed' }
  | {
      kind: 'tool';
      id: string;
      runId: string;
      callId: string;
      tool: string;
      input: unknown;
      output?: string;
      status: ToolCardStatus;
      startedAt?: number;
      finishedAt?: number;
      approval?: PendingApproval;
    }
  | { kind: 'error'; id: string; runId: string | null; text: string };

export type ToolItem = Extract<TranscriptItem, { kind: 'tool' }>;

export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface RunState {
  status: 'running' | RunStatus;
  error?: string;
  usage?: RunUsage;
}

/** One session's conversation as the UI shows it: stored history plus the live frames of its runs. */
export interface Transcript {
  items: TranscriptItem[];
  runs: Record<string, RunState>;
  activeRunId?: string;
  /** The provider and model of the latest run that reported them. */
  model?: { provider: string; model: string };
  /** Stored start and end times of tool calls of a run being replayed, so durations stay true. */
  timings: Record<string, { startedAt?: number; finishedAt?: number }>;
}

export const emptyTranscript: Transcript = { items: [], runs: {}, timings: {} };

let localIds = 0;
const localId = (prefix: string) => `${prefix}-${++localIds}`;

/**
 * Builds the transcript from stored rows. The parts of `replayRunId` (a run still in progress, which the
 * server is about to replay frame by frame) are left out except its user message, and their times kept.
 */
export function fromHistory(rows: ChatMessageRow[], replayRunId?: string): Transcript {
  const transcript: Transcript = { items: [], runs: {}, timings: {} };
  const cards = new Map<string, ToolItem>();
  for (const row of rows) {
    const at = new Date(row.createdAt).getTime();
    if (row.runId && row.runId === replayRunId && row.role !== 'user') {
      if (row.toolCallId) {
        const timing = transcript.timings[row.toolCallId] ?? {};
        transcript.timings[row.toolCallId] = timing;
        if (row.kind === 'tool_call') timing.startedAt = at;
        if (row.kind === 'tool_result') timing.finishedAt = at;
      }
      continue;
    }
    if (row.runId && !transcript.runs[row.runId]) {
      transcript.runs[row.runId] = { status: row.status === 'complete' ? 'completed' : row.status };
    } else if (row.runId && row.status !== 'complete') {
      transcript.runs[row.runId] = { status: row.status };
    }
    if (row.role === 'user') {
      transcript.items.push({ kind: 'user', id: row.id, runId: row.runId, text: row.content });
    } else if (row.kind === 'text') {
      if (!row.content || !row.runId) continue;
      transcript.items.push({ kind: 'text', id: row.id, runId: row.runId, text: row.content, status: row.status });
    } else if (row.kind === 'tool_call' && row.runId && row.toolCallId) {
      const card: ToolItem = {
        kind: 'tool',
        id: row.id,
        runId: row.runId,
        callId: row.toolCallId,
        tool: row.toolName ?? 'tool',
        input: row.data?.input,
        status: row.status === 'complete' ? 'running' : 'cancelled',
        startedAt: at,
      };
      cards.set(row.toolCallId, card);
      transcript.items.push(card);
    } else if (row.kind === 'tool_result' && row.toolCallId) {
      const card = cards.get(row.toolCallId);
      if (!card) continue;
      card.output = row.content;
      card.status = toolStatus(row.data?.status);
      card.finishedAt = at;
    } else if (row.kind === 'error') {
      transcript.items.push({ kind: 'error', id: row.id, runId: row.runId, text: row.content });
    }
  }
  // A call stored without a result belongs to a run that ended meanwhile (cancelled, interrupted).
  for (const card of cards.values()) if (card.status === 'running') card.status = 'cancelled';
  return transcript;
}

const toolStatuses: ToolCallStatus[] = ['ok', 'error', 'invalid_input', 'timeout', 'denied', 'expired', 'cancelled'];

function toolStatus(value: unknown): ToolCallStatus {
  return toolStatuses.includes(value as ToolCallStatus) ? (value as ToolCallStatus) : 'ok';
}

/** The message the user just sent, shown at once; `run.started` ties it to its run. */
export function withLocalMessage(transcript: Transcript, text: string): Transcript {
  return {
    ...transcript,
    items: [...transcript.items, { kind: 'user', id: localId('local'), runId: null, text, pending: true }],
  };
}

/** An `error` frame, or a local failure, shown in the conversation. */
export function withError(transcript: Transcript, text: string): Transcript {
  // A message the server refused never started a run: it stays, marked by the error after it.
  const items = transcript.items.map((item) =>
    item.kind === 'user' && item.pending ? { ...item, pending: false } : item,
  );
  return { ...transcript, items: [...items, { kind: 'error', id: localId('error'), runId: null, text }] };
}

export function markDecided(transcript: Transcript, confirmationId: string, decision: 'approve' | 'deny'): Transcript {
  return {
    ...transcript,
    items: transcript.items.map((item) =>
      item.kind === 'tool' && item.approval?.confirmationId === confirmationId
        ? { ...item, approval: { ...item.approval, decided: decision } }
        : item,
    ),
  };
}

function updateLast<Item extends TranscriptItem>(
  items: TranscriptItem[],
  match: (item: TranscriptItem) => item is Item,
  update: (item: Item) => TranscriptItem,
): TranscriptItem[] | undefined {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index]!;
    if (match(item)) {
      const next = items.slice();
      next[index] = update(item);
      return next;
    }
  }
  return undefined;
}

/** Applies one frame of a run of this session. */
export function applyFrame(transcript: Transcript, frame: RunFrame, now = Date.now()): Transcript {
  const { runId } = frame;
  switch (frame.type) {
    case 'run.started': {
      const items =
        updateLast(
          transcript.items,
          (item): item is Extract<TranscriptItem, { kind: 'user' }> => item.kind === 'user' && item.pending === true,
          (item) => ({ ...item, runId, pending: false }),
        ) ?? transcript.items;
      return { ...transcript, items, activeRunId: runId, runs: { ...transcript.runs, [runId]: { status: 'running' } } };
    }
    case 'text.delta': {
      const last = transcript.items.at(-1);
      if (last?.kind === 'text' && last.runId === runId && last.status === 'streaming') {
        return { ...transcript, items: [...transcript.items.slice(0, -1), { ...last, text: last.text + frame.delta }] };
      }
      return {
        ...transcript,
        items: [
          ...transcript.items,
          { kind: 'text', id: localId('text'), runId, text: frame.delta, status: 'streaming' },
        ],
      };
    }
    case 'tool.started': {
      const timing = transcript.timings[frame.callId];
      return {
        ...transcript,
        items: [
          ...transcript.items,
          {
            kind: 'tool',
            id: localId('tool'),
            runId,
            callId: frame.callId,
            tool: frame.tool,
            input: frame.input,
            status: 'running',
            startedAt: timing?.startedAt ?? now,
          },
        ],
      };
    }
    case 'confirmation.requested': {
      const approval: PendingApproval = {
        confirmationId: frame.confirmationId,
        runId,
        tool: frame.tool,
        input: frame.input,
        summary: frame.summary,
        expiresAt: frame.expiresAt,
      };
      const items = updateLast(
        transcript.items,
        (item): item is ToolItem =>
          item.kind === 'tool' && item.runId === runId && item.tool === frame.tool && item.status === 'running',
        (item) => ({ ...item, status: 'waiting_approval', approval }),
      );
      if (items) return { ...transcript, items };
      return {
        ...transcript,
        items: [
          ...transcript.items,
          {
            kind: 'tool',
            id: localId('tool'),
            runId,
            callId: frame.confirmationId,
            tool: frame.tool,
            input: frame.input,
            status: 'waiting_approval',
            startedAt: now,
            approval,
          },
        ],
      };
    }
    case 'tool.finished': {
      const timing = transcript.timings[frame.callId];
      const items = updateLast(
        transcript.items,
        (item): item is ToolItem => item.kind === 'tool' && item.callId === frame.callId,
        (item) => ({
          ...item,
          status: frame.status,
          output: frame.output,
          finishedAt: timing?.finishedAt ?? now,
          approval: item.approval ? { ...item.approval } : undefined,
        }),
      );
      return items ? { ...transcript, items } : transcript;
    }
    case 'usage':
      return {
        ...transcript,
        model: frame.provider && frame.model ? { provider: frame.provider, model: frame.model } : transcript.model,
        runs: {
          ...transcript.runs,
          [runId]: {
            ...(transcript.runs[runId] ?? { status: 'running' }),
            usage: { inputTokens: frame.inputTokens, outputTokens: frame.outputTokens, costUsd: frame.costUsd },
          },
        },
      };
    case 'run.finished': {
      const textStatus = frame.status === 'completed' ? 'complete' : frame.status;
      const items: TranscriptItem[] = transcript.items.map((item) => {
        if (item.runId !== runId) return item;
        if (item.kind === 'text' && item.status === 'streaming') return { ...item, status: textStatus };
        if (item.kind === 'tool' && (item.status === 'running' || item.status === 'waiting_approval')) {
          return { ...item, status: 'cancelled', finishedAt: now };
        }
        return item;
      });
      if (frame.error) items.push({ kind: 'error', id: localId('error'), runId, text: frame.error });
      return {
        ...transcript,
        items,
        activeRunId: transcript.activeRunId === runId ? undefined : transcript.activeRunId,
        runs: {
          ...transcript.runs,
          [runId]: { ...(transcript.runs[runId] ?? {}), status: frame.status, error: frame.error },
        },
      };
    }
  }
}

/** Approvals of this session still waiting for a human, oldest first. */
export function pendingApprovals(transcript: Transcript): PendingApproval[] {
  return transcript.items.flatMap((item) =>
    item.kind === 'tool' && item.status === 'waiting_approval' && item.approval && !item.approval.decided
      ? [item.approval]
      : [],
  );
}
