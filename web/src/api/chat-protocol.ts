/**
 * The chat WebSocket's frames (`/ws`), mirroring docs/websocket-protocol.md and the server's
 * src/features/chat/chat-frames.ts. The WebSocket is the one part of the API the OpenAPI client cannot
 * type, so every frame the UI sends or reads is declared here and nowhere else.
 */

export type ChatMode = 'ask' | 'agent';
export type ApprovalDecision = 'approve' | 'deny';

export type ClientFrame =
  | { type: 'session.open'; sessionId?: string }
  | { type: 'message.send'; sessionId: string; text: string; mode: ChatMode }
  | { type: 'confirmation.respond'; confirmationId: string; decision: ApprovalDecision }
  | { type: 'run.cancel'; runId: string };

/** `ok`, or why the call did not produce a result. */
export type ToolCallStatus = 'ok' | 'error' | 'invalid_input' | 'timeout' | 'denied' | 'expired' | 'cancelled';
export type RunStatus = 'completed' | 'cancelled' | 'failed';

export type RunFrame =
  | { type: 'run.started'; runId: string; sessionId: string }
  | { type: 'text.delta'; runId: string; delta: string }
  | { type: 'tool.started'; runId: string; callId: string; tool: string; input: unknown }
  | { type: 'tool.finished'; runId: string; callId: string; tool: string; status: ToolCallStatus; output: string }
  | {
      type: 'confirmation.requested';
      runId: string;
      confirmationId: string;
      tool: string;
      input: unknown;
      summary: string;
      expiresAt: string;
    }
  | {
      type: 'usage';
      runId: string;
      inputTokens: number;
      outputTokens: number;
      costUsd: number;
      /** The provider and model that answered (absent from servers older than this field). */
      provider?: string;
      model?: string;
    }
  | { type: 'run.finished'; runId: string; status: RunStatus; error?: string };

export type ServerFrame =
  | RunFrame
  | { type: 'session.opened'; sessionId: string; activeRunId?: string }
  | { type: 'error'; code: 'bad_frame' | 'not_found' | 'conflict' | 'forbidden' | 'internal_error'; message: string };

/** Close codes the server uses: 4401 unauthenticated (a bad or reused ticket), 1009 a frame over 1 MB. */
export const closeCodes = { unauthenticated: 4401, messageTooBig: 1009 } as const;

const serverFrameTypes = new Set<ServerFrame['type']>([
  'session.opened',
  'run.started',
  'text.delta',
  'tool.started',
  'tool.finished',
  'confirmation.requested',
  'usage',
  'run.finished',
  'error',
]);

/** A server frame, or undefined for anything that is not one (checked by type only: the server is trusted). */
export function parseServerFrame(data: unknown): ServerFrame | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== 'object' || value === null) return undefined;
    const type = (value as { type?: unknown }).type;
    return typeof type === 'string' && serverFrameTypes.has(type as ServerFrame['type'])
      ? (value as ServerFrame)
      : undefined;
  } catch {
    return undefined;
  }
}
