import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const agentRunStatuses = ['running', 'completed', 'cancelled', 'failed', 'interrupted'] as const;
export type AgentRunStatus = (typeof agentRunStatuses)[number];

/**
 * One agent run (a chat answer, a background investigation). `heartbeat_at` is refreshed while it runs, so
 * another process can tell a live run from one whose process died (see ApprovalsService).
 */
export const agentRuns = pgTable(
  'agent_runs',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id'),
    sessionId: uuid('session_id'),
    kind: text('kind').notNull(),
    mode: text('mode', { enum: ['ask', 'agent'] }).notNull(),
    status: text('status', { enum: agentRunStatuses }).notNull(),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    index('agent_runs_org_session_idx').on(table.orgId, table.sessionId, table.startedAt),
    index('agent_runs_running_idx').on(table.heartbeatAt).where(sql`${table.status} = 'running'`),
  ],
);

export const toolCallStatuses = ['ok', 'error', 'invalid_input', 'timeout', 'denied', 'expired', 'cancelled'] as const;
export type ToolCallStatus = (typeof toolCallStatuses)[number];

/** Every tool call: input, an excerpt of its output, how long it took and how it ended. */
export const agentToolCalls = pgTable(
  'agent_tool_calls',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    runId: uuid('run_id').notNull(),
    sessionId: uuid('session_id'),
    callId: text('call_id').notNull(),
    tool: text('tool').notNull(),
    input: jsonb('input').notNull(),
    outputExcerpt: text('output_excerpt').notNull(),
    outputChars: integer('output_chars').notNull(),
    status: text('status', { enum: toolCallStatuses }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    approvalId: uuid('approval_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('agent_tool_calls_run_idx').on(table.orgId, table.runId, table.createdAt)],
);

export const approvalStatuses = ['pending', 'approved', 'denied', 'expired', 'cancelled'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

/**
 * A mutating tool call waiting for a human. Durable: it survives restarts and can be answered from any
 * process (WebSocket, HTTP, UI). The waiting run learns of the decision through the event bus, or by polling.
 */
export const agentApprovals = pgTable(
  'agent_approvals',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    runId: uuid('run_id').notNull(),
    sessionId: uuid('session_id'),
    callId: text('call_id').notNull(),
    tool: text('tool').notNull(),
    input: jsonb('input').notNull(),
    summary: text('summary').notNull(),
    requestedBy: uuid('requested_by'),
    /** The least role that may decide. */
    approverRole: text('approver_role', { enum: ['editor', 'admin'] }).notNull(),
    status: text('status', { enum: approvalStatuses }).notNull(),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Set when the decision came after the waiting run had ended: what happened to the call then. */
    resolution: jsonb('resolution').$type<Record<string, unknown>>(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('agent_approvals_org_pending_idx').on(table.orgId, table.createdAt).where(sql`${table.status} = 'pending'`),
    index('agent_approvals_run_idx').on(table.runId),
  ],
);
