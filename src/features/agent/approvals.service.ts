import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { Database } from '../../platform/database/database.js';
import { Conflict, Forbidden, NotFound } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import type { Logger } from '../../platform/logger/logger.js';
import { auditActor, type Principal, roleAtLeast } from '../accounts/index.js';
import { AgentRepository, type ApprovalRow } from './agent.repository.js';
import type { ApprovalStatus, ToolCallStatus } from './agent.schema.js';
import { ProcessStopping } from './process-stopping.js';

export interface ApprovalView {
  id: string;
  runId: string;
  sessionId: string | null;
  callId: string;
  tool: string;
  input: unknown;
  summary: string;
  status: ApprovalStatus;
  approverRole: 'editor' | 'admin';
  requestedBy: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  expiresAt: string;
  createdAt: string;
  /** When the decision came after the waiting run had ended: whether the call ran then, and how it went. */
  resolution: Record<string, unknown> | null;
}

export interface ApprovalRequest {
  orgId: string;
  runId: string;
  sessionId?: string | null;
  callId: string;
  tool: string;
  input: unknown;
  summary: string;
  requestedBy?: string | null;
  approverRole: 'editor' | 'admin';
}

export interface ApprovalOutcome {
  status: Exclude<ApprovalStatus, 'pending'>;
  decidedBy: string | null;
}

/** Runs an approved call whose run has ended (a restart interrupted it); provided by the agent runner. */
export type OrphanedCallExecutor = (
  approval: ApprovalRow,
  approver: Principal,
) => Promise<{ status: ToolCallStatus; output: string }>;

export interface ApprovalsOptions {
  timeoutSeconds: number;
  /** Fallback when the event bus drops the wake-up (it is best effort). */
  pollIntervalMs?: number;
  /** A running run whose heartbeat is older than this is treated as gone. */
  liveRunThresholdMs?: number;
}

export const approvalDecidedEvent = 'approval.decided';
export const approvalRequestedEvent = 'confirmation.requested';

export function toApprovalView(row: ApprovalRow): ApprovalView {
  return {
    id: row.id,
    runId: row.runId,
    sessionId: row.sessionId,
    callId: row.callId,
    tool: row.tool,
    input: row.input,
    summary: row.summary,
    status: row.status,
    approverRole: row.approverRole,
    requestedBy: row.requestedBy,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    resolution: row.resolution ?? null,
  };
}

/**
 * Human-in-the-loop approvals, durable in the database. A waiting run wakes on `approval.decided` from the
 * event bus (any process may take the decision) and polls as a fallback; the conditional update in
 * `settleApproval` makes approve, deny, expiry and cancel race safely.
 */
export class ApprovalsService {
  private readonly repository = new AgentRepository();
  private orphanExecutor?: OrphanedCallExecutor;

  constructor(
    private readonly database: Database,
    private readonly events: EventBus,
    private readonly audit: AuditLog,
    private readonly logger: Logger,
    private readonly options: ApprovalsOptions,
  ) {}

  get timeoutSeconds(): number {
    return this.options.timeoutSeconds;
  }

  setOrphanExecutor(executor: OrphanedCallExecutor): void {
    this.orphanExecutor = executor;
  }

  async request(request: ApprovalRequest): Promise<ApprovalView> {
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + this.options.timeoutSeconds * 1000);
    await this.database.transaction(async (transaction) => {
      await this.repository.insertApproval(transaction, {
        id,
        orgId: request.orgId,
        runId: request.runId,
        sessionId: request.sessionId ?? null,
        callId: request.callId,
        tool: request.tool,
        input: (request.input ?? null) as object,
        summary: request.summary,
        requestedBy: request.requestedBy ?? null,
        approverRole: request.approverRole,
        status: 'pending',
        expiresAt,
      });
      await this.audit.record(
        {
          orgId: request.orgId,
          actor: request.requestedBy ? { type: 'user', id: request.requestedBy } : { type: 'system' },
          action: 'approval.requested',
          targetType: 'approval',
          targetId: id,
          details: { tool: request.tool, runId: request.runId, summary: request.summary },
        },
        transaction,
      );
    });
    const row = await this.repository.findApproval(this.database, request.orgId, id);
    if (!row) throw new Error('approval vanished after insert');
    const view = toApprovalView(row);
    this.announce(request.orgId, approvalRequestedEvent, {
      confirmationId: id,
      runId: request.runId,
      sessionId: request.sessionId ?? null,
      tool: request.tool,
      summary: request.summary,
      expiresAt: view.expiresAt,
    });
    return view;
  }

  /**
   * Waits until the approval is decided, expires, or `signal` fires (then it is cancelled). Resolves with
   * the outcome; never rejects.
   */
  waitForDecision(
    orgId: string,
    approval: Pick<ApprovalView, 'id' | 'expiresAt'>,
    signal?: AbortSignal,
  ): Promise<ApprovalOutcome> {
    return new Promise((resolve) => {
      let done = false;
      const cleanups: Array<() => void> = [];
      const finish = (outcome: ApprovalOutcome) => {
        if (done) return;
        done = true;
        for (const cleanup of cleanups) cleanup();
        resolve(outcome);
      };
      const check = async () => {
        try {
          const row = await this.repository.findApproval(this.database, orgId, approval.id);
          if (!row) return finish({ status: 'cancelled', decidedBy: null });
          if (row.status !== 'pending') finish({ status: row.status, decidedBy: row.decidedBy });
        } catch (error) {
          this.logger.warn({ err: error, approvalId: approval.id }, 'could not read an approval; will retry');
        }
      };
      const settleAs = async (status: 'expired' | 'cancelled') => {
        try {
          const row = await this.repository.settleApproval(this.database, orgId, approval.id, {
            status,
            requireUnexpired: false,
          });
          if (row) {
            await this.audit.record({
              orgId,
              actor: { type: 'system' },
              action: `approval.${status}`,
              targetType: 'approval',
              targetId: approval.id,
              details: { tool: row.tool, runId: row.runId },
            });
            this.announce(orgId, approvalDecidedEvent, { approvalId: approval.id, status });
            return finish({ status, decidedBy: null });
          }
        } catch (error) {
          this.logger.warn({ err: error, approvalId: approval.id }, `could not mark an approval ${status}`);
          if (status === 'cancelled') return finish({ status, decidedBy: null });
        }
        await check();
      };

      cleanups.push(
        this.events.subscribe(orgId, (event) => {
          if (
            event.type === approvalDecidedEvent &&
            (event.data as { approvalId?: string }).approvalId === approval.id
          ) {
            void check();
          }
        }),
      );
      const poll = setInterval(() => void check(), this.options.pollIntervalMs ?? 2_000);
      cleanups.push(() => clearInterval(poll));
      const expiry = setTimeout(
        () => void settleAs('expired'),
        Math.max(0, new Date(approval.expiresAt).getTime() - Date.now()),
      );
      cleanups.push(() => clearTimeout(expiry));
      if (signal) {
        // A stopping process leaves the approval pending: it stays answerable after the restart.
        const onAbort = () =>
          signal.reason instanceof ProcessStopping
            ? finish({ status: 'cancelled', decidedBy: null })
            : void settleAs('cancelled');
        if (signal.aborted) onAbort();
        else {
          signal.addEventListener('abort', onAbort, { once: true });
          cleanups.push(() => signal.removeEventListener('abort', onAbort));
        }
      }
      void check();
    });
  }

  async decide(
    principal: Principal,
    id: string,
    decision: 'approve' | 'deny',
    metadata: { requestId?: string; ip?: string; via?: 'http' | 'websocket' } = {},
  ): Promise<ApprovalView> {
    const row = await this.repository.findApproval(this.database, principal.orgId, id);
    if (!row) throw new NotFound('Approval not found');
    if (!roleAtLeast(principal.role, row.approverRole)) {
      throw new Forbidden(`Approving this needs the ${row.approverRole} role; you have ${principal.role}`);
    }
    if (row.status === 'pending' && row.expiresAt.getTime() <= Date.now()) {
      await this.repository.settleApproval(this.database, principal.orgId, id, {
        status: 'expired',
        requireUnexpired: false,
      });
      this.announce(principal.orgId, approvalDecidedEvent, { approvalId: id, status: 'expired' });
      throw new Conflict('This approval has expired; the agent was told the action was not approved');
    }
    const status = decision === 'approve' ? 'approved' : 'denied';
    const settled = await this.database.transaction(async (transaction) => {
      const updated = await this.repository.settleApproval(transaction, principal.orgId, id, {
        status,
        decidedBy: principal.userId,
        requireUnexpired: true,
      });
      if (!updated) return undefined;
      await this.audit.record(
        {
          orgId: principal.orgId,
          actor: auditActor(principal),
          action: `approval.${status}`,
          targetType: 'approval',
          targetId: id,
          requestId: metadata.requestId,
          ip: metadata.ip,
          details: { tool: row.tool, runId: row.runId, summary: row.summary, via: metadata.via ?? 'http' },
        },
        transaction,
      );
      transaction.afterCommit(() => this.announce(principal.orgId, approvalDecidedEvent, { approvalId: id, status }));
      return updated;
    });
    if (!settled) {
      const current = await this.repository.findApproval(this.database, principal.orgId, id);
      throw new Conflict(`This approval was already ${current?.status ?? 'settled'}`);
    }
    if (!(await this.runIsLive(principal.orgId, settled.runId))) {
      await this.repository.finishRun(
        this.database,
        principal.orgId,
        settled.runId,
        'interrupted',
        'the process running it stopped',
      );
      await this.resolveOrphan(principal, settled);
    }
    const final = await this.repository.findApproval(this.database, principal.orgId, id);
    return toApprovalView(final ?? settled);
  }

  async list(
    principal: Principal,
    filter: { status?: ApprovalStatus; sessionId?: string; limit?: number },
  ): Promise<ApprovalView[]> {
    await this.repository.expireOverdue(this.database, principal.orgId);
    const rows = await this.repository.listApprovals(this.database, principal.orgId, {
      status: filter.status,
      sessionId: filter.sessionId,
      limit: filter.limit ?? 100,
    });
    return rows.map(toApprovalView);
  }

  async get(principal: Principal, id: string): Promise<ApprovalView> {
    const row = await this.repository.findApproval(this.database, principal.orgId, id);
    if (!row) throw new NotFound('Approval not found');
    return toApprovalView(row);
  }

  private async runIsLive(orgId: string, runId: string): Promise<boolean> {
    const run = await this.repository.findRun(this.database, orgId, runId);
    if (run?.status !== 'running') return false;
    return Date.now() - run.heartbeatAt.getTime() < (this.options.liveRunThresholdMs ?? 90_000);
  }

  // The run that asked is gone (its process restarted): an approval still means "do it", so the call runs
  // here and the outcome is kept on the approval; a denial just closes it.
  private async resolveOrphan(principal: Principal, row: ApprovalRow): Promise<void> {
    let resolution: Record<string, unknown> = { runEnded: true, executed: false };
    if (row.status === 'approved' && this.orphanExecutor) {
      try {
        const result = await this.orphanExecutor(row, principal);
        resolution = { runEnded: true, executed: true, status: result.status, output: result.output.slice(0, 4_000) };
      } catch (error) {
        resolution = { runEnded: true, executed: false, error: error instanceof Error ? error.message : String(error) };
      }
    }
    await this.repository.setResolution(this.database, principal.orgId, row.id, resolution);
  }

  private announce(orgId: string, type: string, data: Record<string, unknown>): void {
    this.events
      .publish({ type, orgId, data })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not publish an approval event'));
  }
}
