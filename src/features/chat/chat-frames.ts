import { z } from 'zod';

/** Frames a client sends. Anything else gets an `error` frame and the connection stays open. */
export const clientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session.open'), sessionId: z.uuid().optional() }),
  z.object({
    type: z.literal('message.send'),
    sessionId: z.uuid(),
    text: z.string().trim().min(1).max(100_000),
    mode: z.enum(['ask', 'agent']).default('ask'),
  }),
  z.object({
    type: z.literal('confirmation.respond'),
    confirmationId: z.uuid(),
    decision: z.enum(['approve', 'deny']),
  }),
  z.object({ type: z.literal('run.cancel'), runId: z.uuid() }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;

export type RunFrame =
  | { type: 'run.started'; runId: string; sessionId: string }
  | { type: 'text.delta'; runId: string; delta: string }
  | { type: 'tool.started'; runId: string; callId: string; tool: string; input: unknown }
  | { type: 'tool.finished'; runId: string; callId: string; tool: string; status: string; output: string }
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
      provider?: string;
      model?: string;
    }
  | { type: 'run.finished'; runId: string; status: 'completed' | 'cancelled' | 'failed'; error?: string };

export type ServerFrame =
  | RunFrame
  | { type: 'session.opened'; sessionId: string; activeRunId?: string }
  | { type: 'error'; code: string; message: string };
