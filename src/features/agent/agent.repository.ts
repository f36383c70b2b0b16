import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/database/database.js';
import { preparedStatements } from '../../platform/database/prepared-statements.js';
import {
  type AgentRunStatus,
  type ApprovalStatus,
  agentApprovals,
  agentRuns,
  agentToolCalls,
  type ToolCallStatus,
} from './agent.schema.js';

export type AgentRunRow = typeof agentRuns.$inferSelect;
export type ApprovalRow = typeof agentApprovals.$inferSelect;
export type ToolCallRow = typeof agentToolCalls.$inferSelect;

export interface NewToolCall {
  id: string;
  runId: string;
  sessionId?: string | null;
  callId: string;
  tool: string;
  input: unknown;
  outputExcerpt: string;
  outputChars: number;
  status: ToolCallStatus;
  durationMs: number;
  approvalId?: string | null;
}

// Every run starts and ends with these.
const statements = preparedStatements((db) => ({
  insertRun: db
    .insert(agentRuns)
    .values({
      id: sql.placeholder('id'),
      orgId: sql.placeholder('orgId'),
      userId: sql.placeholder('userId'),
      sessionId: sql.placeholder('sessionId'),
      kind: sql.placeholder('kind'),
      mode: sql.placeholder('mode'),
      status: 'running',
    })
    .prepare('agent_insert_run'),
  finishRun: db
    .update(agentRuns)
    .set({ status: sql.placeholder('status'), error: sql.placeholder('error'), finishedAt: sql`now()` } as never)
    .where(
      and(
        eq(agentRuns.orgId, sql.placeholder('orgId')),
        eq(agentRuns.id, sql.placeholder('id')),
        eq(agentRuns.status, 'running'),
      ),
    )
    .prepare('agent_finish_run'),
}));

export class AgentRepository {
  async insertRun(
    executor: Executor,
    orgId: string,
    run: { id: string; userId?: string | null; sessionId?: string | null; kind: string; mode: 'ask' | 'agent' },
  ): Promise<void> {
    await statements(executor).insertRun.execute({
      id: run.id,
      orgId,
      userId: run.userId ?? null,
      sessionId: run.sessionId ?? null,
      kind: run.kind,
      mode: run.mode,
    });
  }

  async finishRun(
    executor: Executor,
    orgId: string,
    id: string,
    status: Exclude<AgentRunStatus, 'running'>,
    error?: string,
  ): Promise<void> {
    await statements(executor).finishRun.execute({ orgId, id, status, error: error ?? null });
  }

  async heartbeat(executor: Executor, runIds: string[]): Promise<void> {
    if (runIds.length === 0) return;
    await executor.db
      .update(agentRuns)
      .set({ heartbeatAt: new Date() })
      .where(and(inArray(agentRuns.id, runIds), eq(agentRuns.status, 'running')));
  }

  async findRun(executor: Executor, orgId: string, id: string): Promise<AgentRunRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(agentRuns)
      .where(and(eq(agentRuns.orgId, orgId), eq(agentRuns.id, id)))
      .limit(1);
    return row;
  }

  /** Marks running runs whose heartbeat is older than `staleBefore` as interrupted; returns how many. */
  async interruptStaleRuns(executor: Executor, staleBefore: Date): Promise<number> {
    const rows = await executor.db
      .update(agentRuns)
      .set({ status: 'interrupted', error: 'the process running it stopped', finishedAt: new Date() })
      .where(and(eq(agentRuns.status, 'running'), lt(agentRuns.heartbeatAt, staleBefore)))
      .returning({ id: agentRuns.id });
    return rows.length;
  }

  async insertToolCall(executor: Executor, orgId: string, call: NewToolCall): Promise<void> {
    await executor.db.insert(agentToolCalls).values({
      id: call.id,
      orgId,
      runId: call.runId,
      sessionId: call.sessionId ?? null,
      callId: call.callId,
      tool: call.tool,
      input: (call.input ?? null) as object,
      outputExcerpt: call.outputExcerpt,
      outputChars: call.outputChars,
      status: call.status,
      durationMs: call.durationMs,
      approvalId: call.approvalId ?? null,
    });
  }

  async toolCalls(executor: Executor, orgId: string, runId: string): Promise<ToolCallRow[]> {
    return executor.db
      .select()
      .from(agentToolCalls)
      .where(and(eq(agentToolCalls.orgId, orgId), eq(agentToolCalls.runId, runId)))
      .orderBy(asc(agentToolCalls.createdAt));
  }

  async insertApproval(executor: Executor, row: typeof agentApprovals.$inferInsert): Promise<void> {
    await executor.db.insert(agentApprovals).values(row);
  }

  async findApproval(executor: Executor, orgId: string, id: string): Promise<ApprovalRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(agentApprovals)
      .where(and(eq(agentApprovals.orgId, orgId), eq(agentApprovals.id, id)))
      .limit(1);
    return row;
  }

  /**
   * Moves a pending approval to `status` if it is still pending (and, for a human decision, not yet expired).
   * The conditional update is the one arbiter: of a racing approve, deny and expiry exactly one wins.
   */
  async settleApproval(
    executor: Executor,
    orgId: string,
    id: string,
    change: { status: Exclude<ApprovalStatus, 'pending'>; decidedBy?: string | null; requireUnexpired: boolean },
  ): Promise<ApprovalRow | undefined> {
    const conditions = [
      eq(agentApprovals.orgId, orgId),
      eq(agentApprovals.id, id),
      eq(agentApprovals.status, 'pending'),
    ];
    if (change.requireUnexpired) conditions.push(gt(agentApprovals.expiresAt, sql`now()`));
    const [row] = await executor.db
      .update(agentApprovals)
      .set({ status: change.status, decidedBy: change.decidedBy ?? null, decidedAt: new Date() })
      .where(and(...conditions))
      .returning();
    return row;
  }

  async setResolution(
    executor: Executor,
    orgId: string,
    id: string,
    resolution: Record<string, unknown>,
  ): Promise<void> {
    await executor.db
      .update(agentApprovals)
      .set({ resolution })
      .where(and(eq(agentApprovals.orgId, orgId), eq(agentApprovals.id, id)));
  }

  /** Pending approvals past their expiry become expired (lazily, whenever approvals are read). */
  async expireOverdue(executor: Executor, orgId: string): Promise<void> {
    await executor.db
      .update(agentApprovals)
      .set({ status: 'expired', decidedAt: new Date() })
      .where(
        and(
          eq(agentApprovals.orgId, orgId),
          eq(agentApprovals.status, 'pending'),
          lt(agentApprovals.expiresAt, sql`now()`),
        ),
      );
  }

  async listApprovals(
    executor: Executor,
    orgId: string,
    filter: { status?: ApprovalStatus; sessionId?: string; limit: number },
  ): Promise<ApprovalRow[]> {
    const conditions = [eq(agentApprovals.orgId, orgId)];
    if (filter.status) conditions.push(eq(agentApprovals.status, filter.status));
    if (filter.sessionId) conditions.push(eq(agentApprovals.sessionId, filter.sessionId));
    return executor.db
      .select()
      .from(agentApprovals)
      .where(and(...conditions))
      .orderBy(desc(agentApprovals.createdAt))
      .limit(filter.limit);
  }
}
