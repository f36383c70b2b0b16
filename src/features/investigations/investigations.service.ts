import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { Database, Executor } from '../../platform/database/database.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import type { LlmModels } from '../../platform/llm/llm-models.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { AuroraJobCatalog } from '../../platform/queue/job-catalog.js';
import type { JobContext, Queue } from '../../platform/queue/queue.js';
import { type Principal, principalAudit } from '../accounts/index.js';
import type { AgentRunner } from '../agent/index.js';
import type { IncidentDetail, IncidentsService } from '../incidents/index.js';
import { type RootCauseCategory, rootCauseCategories } from '../telemetry/index.js';
import type { RunbooksPort } from './evidence-collector.js';
import type { EvidenceItem, Hypothesis, InvestigationReport, RunbookPassage } from './investigation.model.js';
import { InvestigationPipeline } from './investigation-pipeline.js';
import { feedbackMemory, type InvestigationTelemetry, loadBuiltInScenario } from './investigation-telemetry.js';
import { type InvestigationRow, InvestigationsRepository } from './investigations.repository.js';
import type { InvestigationStatus } from './investigations.schema.js';
import { renderReportMarkdown } from './report-builder.js';

export interface InvestigationLimits {
  timeoutSeconds: number;
  maxSteps: number;
  maxTokens: number;
  sourceBudgetMs: number;
  orgConcurrency: number;
  waitSeconds: number;
  staleSeconds: number;
}

/** What is sent to the notifications feature (its `InvestigationNotification`). */
export interface InvestigationNotice {
  type: 'investigation.started' | 'investigation.finished' | 'investigation.failed';
  incident: { id: string; title: string; severity: string; service?: string | null };
  summary?: string;
  confidence?: string;
  rootCause?: string;
  error?: string;
}

export interface InvestigationsDependencies {
  database: Database;
  queue: Queue<AuroraJobCatalog>;
  events: EventBus;
  audit: AuditLog;
  logger: Logger;
  incidents: IncidentsService;
  telemetry: InvestigationTelemetry;
  /** The agent runtime; without it (or without an rca model) investigations are deterministic. */
  agent?: { runner: AgentRunner; models: LlmModels };
  /** NotificationsService.notify. */
  notify?: (orgId: string, notice: InvestigationNotice) => Promise<unknown>;
  /** KnowledgeService.indexMemory: feedback becomes searchable incident memory. */
  indexMemory?: (
    orgId: string,
    input: { kind: 'incident'; sourceId: string; title: string; text: string; tags?: string[] },
  ) => Promise<unknown>;
  /** KnowledgeService.search: runbooks and postmortems become evidence, like any other source. */
  searchKnowledge?: (orgId: string, query: string, limit: number) => Promise<RunbookPassage[]>;
  limits: InvestigationLimits;
}

export interface InvestigationView {
  investigationId: string | null;
  status: InvestigationStatus | 'none';
  trigger: string | null;
  attempt: number;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  usage: { inputTokens: number; outputTokens: number; costUsd: number; modelSteps: number };
  evidence: Array<Omit<EvidenceItem, 'data'>>;
  hypotheses: Hypothesis[];
  thoughts: Array<{ sequence: number; kind: string; text: string; at: string }>;
  report: InvestigationReport | null;
}

/** A value as it reads back from JSON: dates become ISO text. */
type AsJson<Value> = Value extends Date
  ? string
  : Value extends object
    ? { [Key in keyof Value]: AsJson<Value[Key]> }
    : Value;

export interface FeedbackInput {
  helpful: boolean;
  comment?: string;
  correctRootCause?: string;
}

type Claim =
  | { kind: 'claimed'; row: InvestigationRow; owner: { jobId: string; attempt: number } }
  | { kind: 'done' | 'busy' | 'wait' | 'timed_out'; row?: InvestigationRow };

class InvestigationTimedOut extends Error {}

const maxAttempts = 5;

const categoryWords: Array<[RootCauseCategory, RegExp]> = [
  ['certificate', /\b(certificate|cert|tls|x509|ssl)\b/i],
  ['network', /\b(network|dns|coredns|policy|security group|firewall|packet|connectivity)\b/i],
  ['config', /\b(config|configuration|setting|flag|feature flag|env var|timeout setting)\b/i],
  ['data', /\b(data|migration|schema|column|poison|import|corrupt)\b/i],
  ['resource_exhaustion', /\b(memory|oom|leak|disk full|pool|exhaust\w*|cpu)\b/i],
  ['capacity', /\b(capacity|traffic|surge|scale[sd]? down|load|backlog)\b/i],
  ['infrastructure', /\b(node|host|hardware|disk pressure|kernel|infrastructure)\b/i],
  ['dependency', /\b(dependency|outage|third[- ]party|provider|upstream|vendor)\b/i],
  ['deploy', /\b(deploy\w*|release|rollout|version|build)\b/i],
];

function serializeRow(row: InvestigationRow | undefined) {
  return {
    investigationId: row?.id ?? null,
    status: row?.status ?? ('none' as const),
    trigger: row?.trigger ?? null,
    attempt: row?.attempt ?? 0,
    queuedAt: row?.queuedAt.toISOString() ?? null,
    startedAt: row?.startedAt?.toISOString() ?? null,
    finishedAt: row?.finishedAt?.toISOString() ?? null,
    error: row?.error ?? null,
    usage: {
      inputTokens: row?.inputTokens ?? 0,
      outputTokens: row?.outputTokens ?? 0,
      costUsd: row?.costUsd ?? 0,
      modelSteps: row?.modelSteps ?? 0,
    },
  };
}

/**
 * Durable investigations of incidents (see docs/architecture.md "Investigations"): requested by the intake job, the
 * API or the CLI; claimed under a per-org limit; heartbeated while they run; failed past their deadline; re-queued
 * when their worker dies. The pipeline itself is InvestigationPipeline.
 */
export class InvestigationsService {
  /** The knowledge base as an evidence source: passages matching the alerts' titles and services. */
  private runbooksFor(orgId: string): RunbooksPort | undefined {
    const search = this.dependencies.searchKnowledge;
    if (!search) return undefined;
    return {
      name: 'knowledge',
      search: async ({ alerts, services }) => {
        const terms = [...new Set([...alerts.map((alert) => alert.title), ...services])].join(' ').slice(0, 500);
        return terms.trim() ? search(orgId, terms, 5) : [];
      },
    };
  }

  private readonly repository = new InvestigationsRepository();

  constructor(private readonly dependencies: InvestigationsDependencies) {}

  // --------------------------------------------------------------------------------------------- requesting

  /** POST …/investigate: queues an investigation, or returns the one already queued or running. */
  async request(
    principal: Principal,
    incidentId: string,
    metadata: { requestId?: string; ip?: string } = {},
  ): Promise<{ investigationId: string; status: InvestigationStatus; created: boolean }> {
    const incident = await this.dependencies.incidents.get(principal, incidentId);
    if (incident.status === 'merged') {
      throw new Conflict('This incident was merged into another; investigate that one instead');
    }
    return this.enqueue(principal.orgId, incidentId, 'api', principal.userId || null, async (transaction, id) => {
      await this.dependencies.audit.record(
        principalAudit(principal, metadata, {
          action: 'investigation.requested',
          targetType: 'incident',
          targetId: incidentId,
          details: { investigationId: id },
        }),
        transaction,
      );
    });
  }

  private async enqueue(
    orgId: string,
    incidentId: string,
    trigger: string,
    requestedBy: string | null,
    inTransaction?: (transaction: Executor, id: string) => Promise<void>,
  ): Promise<{ investigationId: string; status: InvestigationStatus; created: boolean }> {
    const { database, queue } = this.dependencies;
    const scenario = await this.repository.scenarioOf(database, orgId);
    const result = await database.transaction(async (transaction) => {
      const active = await this.repository.active(transaction, orgId, incidentId);
      if (active) return { investigationId: active.id, status: active.status, created: false };
      const id = randomUUID();
      const jobId = randomUUID();
      const row = await this.repository.insert(transaction, orgId, {
        id,
        incidentId,
        trigger,
        requestedBy,
        jobId,
        scenario,
      });
      if (!row) {
        const raced = await this.repository.active(transaction, orgId, incidentId);
        if (!raced) throw new Conflict('The investigation could not be queued; try again');
        return { investigationId: raced.id, status: raced.status, created: false };
      }
      await queue.enqueue(
        'investigation.run',
        { orgId, incidentId, investigationId: id, reason: trigger },
        { transaction, id: jobId, singletonKey: `investigation:${id}` },
      );
      await inTransaction?.(transaction, id);
      return { investigationId: id, status: 'queued' as const, created: true };
    });
    if (result.created) {
      await this.dependencies.incidents.recordInvestigationEvents(orgId, incidentId, [
        { type: 'investigation.queued', details: { investigationId: result.investigationId, trigger } },
      ]);
    }
    return result;
  }

  /**
   * `aurora investigate --incident` and `aurora demo`: runs an investigation in this process (no worker needed) and
   * returns its view. Waits while the org is at its concurrency limit or another process runs this incident's one.
   */
  async investigateNow(
    orgId: string,
    incidentId: string,
    options: { trigger: string; onWait?: (reason: string) => void },
  ): Promise<InvestigationView> {
    const reader = this.reader(orgId);
    await this.dependencies.incidents.get(reader, incidentId);
    const queued = await this.enqueue(orgId, incidentId, options.trigger, null);
    const jobId = `${options.trigger}:${randomUUID()}`;
    for (;;) {
      const outcome = await this.execute(orgId, queued.investigationId, jobId, new AbortController().signal, {
        requeue: false,
      });
      if (outcome === 'done' || outcome === 'timed_out') break;
      options.onWait?.(
        outcome === 'busy'
          ? 'another process is running this investigation'
          : 'the organization is at its investigation concurrency limit',
      );
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.dependencies.limits.waitSeconds, 5) * 1000));
    }
    return this.view(reader, incidentId);
  }

  // ------------------------------------------------------------------------------------------------- the job

  /** The `investigation.run` handler. */
  async runJob(
    payload: { orgId: string; incidentId: string; investigationId?: string; reason?: string },
    context: Pick<JobContext, 'id' | 'signal'>,
  ): Promise<void> {
    const { database, logger } = this.dependencies;
    const { orgId, incidentId } = payload;
    let row: InvestigationRow | undefined;
    if (payload.investigationId) {
      row = await this.repository.find(database, orgId, payload.investigationId);
    } else {
      // The intake's job for a new incident: its first investigation. A retry of the job finds the row it made.
      row = await this.repository.findByJob(database, orgId, context.id);
      if (!row) {
        if (await this.repository.latest(database, orgId, incidentId)) return;
        try {
          await this.dependencies.incidents.get(this.reader(orgId), incidentId);
        } catch (error) {
          if (error instanceof NotFound) {
            logger.warn({ orgId, incidentId }, 'investigation job for an incident that no longer exists');
            return;
          }
          throw error;
        }
        row = await this.repository.insert(database, orgId, {
          id: randomUUID(),
          incidentId,
          trigger: 'incident.created',
          jobId: context.id,
          scenario: await this.repository.scenarioOf(database, orgId),
        });
        if (!row) return;
        await this.dependencies.incidents.recordInvestigationEvents(orgId, incidentId, [
          { type: 'investigation.queued', details: { investigationId: row.id, trigger: 'incident.created' } },
        ]);
      }
    }
    if (!row) return;
    await this.execute(orgId, row.id, context.id, context.signal, { requeue: true });
  }

  /** Claims and runs one investigation; returns how the claim went. */
  private async execute(
    orgId: string,
    id: string,
    jobId: string,
    jobSignal: AbortSignal,
    options: { requeue: boolean },
  ): Promise<Claim['kind']> {
    const claim = await this.claim(orgId, id, jobId);
    if (claim.kind === 'timed_out' && claim.row) {
      await this.announceFailure(claim.row, claim.row.error ?? 'timed out');
      return claim.kind;
    }
    if (claim.kind === 'wait' && claim.row && options.requeue) {
      const { queue, limits } = this.dependencies;
      await queue.enqueue(
        'investigation.run',
        { orgId, incidentId: claim.row.incidentId, investigationId: id, reason: 'waiting for a slot' },
        { singletonKey: `investigation:${id}`, startAfter: new Date(Date.now() + limits.waitSeconds * 1000) },
      );
      return claim.kind;
    }
    if (claim.kind !== 'claimed') return claim.kind;
    await this.runClaimed(claim.row, claim.owner, jobSignal);
    return 'done';
  }

  /**
   * Takes the row for this job under a per-org advisory lock, so the running count cannot race: done, busy (another
   * live worker has it), wait (the org is at its limit), timed out (past its deadline), or claimed.
   */
  private async claim(orgId: string, id: string, jobId: string): Promise<Claim> {
    const { database, limits } = this.dependencies;
    return database.transaction(async (transaction): Promise<Claim> => {
      await transaction.query('select pg_advisory_xact_lock(hashtext($1))', [`aurora.investigations:${orgId}`]);
      const row = await this.repository.findForUpdate(transaction, orgId, id);
      if (!row || row.status === 'completed' || row.status === 'failed') return { kind: 'done' };
      const now = new Date();
      const staleBefore = new Date(now.getTime() - limits.staleSeconds * 1000);
      if (row.status === 'running') {
        if (row.deadlineAt && row.deadlineAt < now) {
          const error = `timed out: still running after ${limits.timeoutSeconds} s`;
          await this.repository.update(transaction, orgId, id, { status: 'failed', finishedAt: now, error });
          return { kind: 'timed_out', row: { ...row, status: 'failed', error } };
        }
        const alive = row.heartbeatAt !== null && row.heartbeatAt > staleBefore;
        if (alive && row.jobId !== jobId) return { kind: 'busy', row };
      }
      if (row.attempt >= maxAttempts) {
        const error = `gave up after ${row.attempt} attempts (each one's worker stopped before it finished)`;
        await this.repository.update(transaction, orgId, id, { status: 'failed', finishedAt: now, error });
        return { kind: 'timed_out', row: { ...row, status: 'failed', error } };
      }
      const running = await this.repository.countRunning(transaction, orgId, staleBefore, id);
      if (running >= limits.orgConcurrency) {
        if (row.status === 'running') await this.repository.update(transaction, orgId, id, { status: 'queued' });
        else await this.repository.touch(transaction, orgId, id);
        return { kind: 'wait', row };
      }
      const attempt = row.attempt + 1;
      const changes = {
        status: 'running' as const,
        jobId,
        attempt,
        startedAt: row.startedAt ?? now,
        heartbeatAt: now,
        deadlineAt: new Date(now.getTime() + limits.timeoutSeconds * 1000),
        error: null,
      };
      await this.repository.update(transaction, orgId, id, changes);
      return { kind: 'claimed', row: { ...row, ...changes }, owner: { jobId, attempt } };
    });
  }

  private async runClaimed(
    row: InvestigationRow,
    owner: { jobId: string; attempt: number },
    jobSignal: AbortSignal,
  ): Promise<void> {
    const { database, logger, limits, incidents, telemetry } = this.dependencies;
    const log = logger.child({ orgId: row.orgId, investigationId: row.id, attempt: owner.attempt });
    const controller = new AbortController();
    const remaining = Math.max(0, (row.deadlineAt?.getTime() ?? Date.now()) - Date.now());
    const deadline = setTimeout(
      () => controller.abort(new InvestigationTimedOut(`timed out: still running after ${limits.timeoutSeconds} s`)),
      remaining,
    );
    const onJobAbort = () => controller.abort(jobSignal.reason);
    if (jobSignal.aborted) onJobAbort();
    jobSignal.addEventListener('abort', onJobAbort, { once: true });
    const heartbeat = setInterval(
      () => {
        this.repository
          .heartbeat(database, row.orgId, row.id, owner)
          .catch((error: unknown) => log.warn({ err: error }, 'could not refresh the investigation heartbeat'));
      },
      Math.max(1_000, Math.min(15_000, (limits.staleSeconds * 1000) / 3)),
    );
    heartbeat.unref();

    let pipeline: InvestigationPipeline | undefined;
    let incident: IncidentDetail | undefined;
    try {
      incident = await incidents.get(this.reader(row.orgId), row.incidentId);
      await incidents.recordInvestigationEvents(
        row.orgId,
        row.incidentId,
        [
          {
            type: 'investigation.started',
            details: { investigationId: row.id, attempt: owner.attempt, trigger: row.trigger },
          },
        ],
        { status: 'investigating' },
      );
      this.publish(row, 'investigation.started', { attempt: owner.attempt, trigger: row.trigger });
      if (owner.attempt === 1)
        await this.notify(row.orgId, { type: 'investigation.started', incident: this.noticeIncident(incident) });
      const resolved = await telemetry.resolve({ orgId: row.orgId, scenario: row.scenario });
      const sources = {
        ...resolved.sources,
        similarIncidents: feedbackMemory({
          database,
          repository: this.repository,
          orgId: row.orgId,
          incidentId: row.incidentId,
        }),
        runbooks: this.runbooksFor(row.orgId),
      };
      pipeline = new InvestigationPipeline(
        {
          database,
          repository: this.repository,
          events: this.dependencies.events,
          logger: log,
          timeline: (orgId, incidentId, events) => incidents.recordInvestigationEvents(orgId, incidentId, events),
          agent: this.dependencies.agent,
          limits,
        },
        { row, owner, incident, sources, now: resolved.now, signal: controller.signal },
      );
      const running = pipeline.run();
      running.catch(() => undefined);
      const result = await Promise.race([
        running,
        new Promise<never>((_, reject) => {
          if (controller.signal.aborted) reject(controller.signal.reason);
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
        }),
      ]);
      const finishedAt = new Date();
      const stored = await this.repository.update(
        database,
        row.orgId,
        row.id,
        {
          status: 'completed',
          finishedAt,
          report: result.report,
          confidence: result.report.confidence,
          rootCauseService: result.report.rootCause?.service ?? null,
          rootCauseCategory: result.report.rootCause?.category ?? null,
          generatedBy: result.report.generatedBy,
          inputTokens: result.usage.inputTokens,
          outputTokens: result.usage.outputTokens,
          costUsd: result.usage.costUsd,
          modelSteps: result.usage.steps,
          error: null,
        },
        owner,
      );
      if (!stored) {
        log.warn('the investigation lost its claim before it finished; its result was discarded');
        return;
      }
      await incidents.recordInvestigationEvents(
        row.orgId,
        row.incidentId,
        [
          {
            type: 'investigation.finished',
            details: {
              investigationId: row.id,
              confidence: result.report.confidence,
              rootCause: result.report.rootCause
                ? { service: result.report.rootCause.service, category: result.report.rootCause.category }
                : null,
              generatedBy: result.report.generatedBy,
            },
          },
        ],
        { status: 'analyzed' },
      );
      this.publish(row, 'investigation.finished', {
        status: 'completed',
        confidence: result.report.confidence,
        rootCause: result.report.rootCause?.service ?? null,
      });
      await this.notify(row.orgId, {
        type: 'investigation.finished',
        incident: this.noticeIncident(incident),
        summary: result.report.summary,
        confidence: result.report.confidence,
        rootCause: result.report.rootCause?.statement,
      });
    } catch (error) {
      await pipeline?.flushThoughts().catch(() => undefined);
      const reason = controller.signal.reason;
      if (reason instanceof InvestigationTimedOut) {
        await this.fail(row, owner, reason.message, incident);
        return;
      }
      if (jobSignal.aborted) {
        // The process is stopping (or the queue gave up on the job): hand the row back for the job's retry.
        await this.repository
          .update(database, row.orgId, row.id, { status: 'queued' }, owner)
          .catch((updateError: unknown) => log.warn({ err: updateError }, 'could not re-queue the investigation'));
        throw error;
      }
      log.warn({ err: error }, 'investigation failed');
      await this.fail(
        row,
        owner,
        `failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1_000),
        incident,
      );
    } finally {
      clearTimeout(deadline);
      clearInterval(heartbeat);
      jobSignal.removeEventListener('abort', onJobAbort);
    }
  }

  private async fail(
    row: InvestigationRow,
    owner: { jobId: string; attempt: number } | undefined,
    error: string,
    incident?: IncidentDetail,
  ): Promise<void> {
    const failed = await this.repository.update(
      this.dependencies.database,
      row.orgId,
      row.id,
      { status: 'failed', finishedAt: new Date(), error },
      owner,
    );
    if (failed) await this.announceFailure(row, error, incident);
  }

  private async announceFailure(row: InvestigationRow, error: string, incident?: IncidentDetail): Promise<void> {
    const { incidents, logger } = this.dependencies;
    try {
      await incidents.recordInvestigationEvents(row.orgId, row.incidentId, [
        { type: 'investigation.failed', details: { investigationId: row.id, error } },
      ]);
      this.publish(row, 'investigation.finished', { status: 'failed', error });
      const detail = incident ?? (await incidents.get(this.reader(row.orgId), row.incidentId));
      await this.notify(row.orgId, { type: 'investigation.failed', incident: this.noticeIncident(detail), error });
    } catch (announceError) {
      logger.warn({ err: announceError, investigationId: row.id }, 'could not announce a failed investigation');
    }
  }

  /**
   * Maintenance (the `investigation.sweep` job, every minute): fails running investigations past their deadline,
   * re-queues those whose worker stopped heart-beating, and re-enqueues queued ones whose job was lost.
   */
  async sweep(): Promise<{ failed: number; requeued: number; reenqueued: number }> {
    const { database, queue, limits } = this.dependencies;
    const now = new Date();
    const counts = { failed: 0, requeued: 0, reenqueued: 0 };
    const staleBefore = new Date(now.getTime() - limits.staleSeconds * 1000);
    for (const row of await this.repository.abandoned(database, staleBefore, now)) {
      const owner = row.jobId ? { jobId: row.jobId, attempt: row.attempt } : undefined;
      if (row.deadlineAt && row.deadlineAt < now) {
        const error = `timed out: still running after ${limits.timeoutSeconds} s`;
        if (
          await this.repository.update(database, row.orgId, row.id, { status: 'failed', finishedAt: now, error }, owner)
        ) {
          counts.failed++;
          await this.announceFailure(row, error);
        }
        continue;
      }
      if (await this.repository.update(database, row.orgId, row.id, { status: 'queued' }, owner)) {
        counts.requeued++;
        await queue.enqueue(
          'investigation.run',
          { orgId: row.orgId, incidentId: row.incidentId, investigationId: row.id, reason: 'its worker stopped' },
          { singletonKey: `investigation:${row.id}` },
        );
      }
    }
    const lostBefore = new Date(now.getTime() - Math.max(60, 3 * limits.waitSeconds) * 1000);
    for (const row of await this.repository.waiting(database, lostBefore)) {
      await queue.enqueue(
        'investigation.run',
        { orgId: row.orgId, incidentId: row.incidentId, investigationId: row.id, reason: 'still queued' },
        { singletonKey: `investigation:${row.id}` },
      );
      await this.repository.touch(database, row.orgId, row.id);
      counts.reenqueued++;
    }
    return counts;
  }

  // ------------------------------------------------------------------------------------------------ reading

  async view(principal: Principal, incidentId: string): Promise<InvestigationView> {
    const { database } = this.dependencies;
    const row = await this.repository.latest(database, principal.orgId, incidentId);
    if (!row) {
      // 404 for an incident of another org (or none), an empty view for one not investigated yet.
      await this.dependencies.incidents.get(principal, incidentId);
      return { ...serializeRow(undefined), evidence: [], hypotheses: [], thoughts: [], report: null };
    }
    const [evidence, hypotheses, thoughts] = await Promise.all([
      this.repository.evidence(database, principal.orgId, row.id),
      this.repository.hypotheses(database, principal.orgId, row.id),
      this.repository.thoughts(database, principal.orgId, row.id),
    ]);
    return {
      ...serializeRow(row),
      evidence: evidence.map(({ data: _data, ...item }) => item),
      hypotheses,
      thoughts: thoughts.map((thought) => ({
        sequence: thought.sequence,
        kind: thought.kind,
        text: thought.text,
        at: thought.createdAt.toISOString(),
      })),
      report: row.report ?? null,
    };
  }

  /**
   * Evidence items with their structured answers (metric points, log lines, changes), for charts and timelines.
   * Kept out of `view`, which is re-read on every live event, because log answers can be large. Times as ISO text.
   */
  async evidenceDetails(
    principal: Principal,
    incidentId: string,
    investigationId?: string,
  ): Promise<{ investigationId: string | null; items: Array<AsJson<EvidenceItem>> }> {
    const { database } = this.dependencies;
    const row = investigationId
      ? await this.repository.find(database, principal.orgId, investigationId)
      : await this.repository.latest(database, principal.orgId, incidentId);
    if (!row || row.incidentId !== incidentId) {
      await this.dependencies.incidents.get(principal, incidentId);
      if (investigationId) throw new NotFound('Investigation not found');
      return { investigationId: null, items: [] };
    }
    const items = await this.repository.evidence(database, principal.orgId, row.id);
    return { investigationId: row.id, items: JSON.parse(JSON.stringify(items)) as Array<AsJson<EvidenceItem>> };
  }

  async reportMarkdown(principal: Principal, incidentId: string): Promise<string> {
    const { database } = this.dependencies;
    const row = await this.repository.latest(database, principal.orgId, incidentId);
    if (!row?.report) {
      await this.dependencies.incidents.get(principal, incidentId);
      throw new NotFound('This incident has no finished investigation yet');
    }
    const evidence = await this.repository.evidence(database, principal.orgId, row.id);
    return renderReportMarkdown(row.report, evidence);
  }

  // ----------------------------------------------------------------------------------------------- feedback

  /** Records feedback; a helpful report or a corrected root cause becomes memory for similar incidents. */
  async feedback(
    principal: Principal,
    incidentId: string,
    input: FeedbackInput,
    metadata: { requestId?: string; ip?: string } = {},
  ): Promise<{ recorded: true; memory: { service: string; category: RootCauseCategory } | null }> {
    const { database, audit, logger } = this.dependencies;
    const incident = await this.dependencies.incidents.get(principal, incidentId);
    const row = await this.repository.latest(database, principal.orgId, incidentId);
    if (row?.status !== 'completed' || !row.report) {
      throw new Conflict('This incident has no finished investigation to give feedback on');
    }
    const report = row.report;
    const hypotheses = await this.repository.hypotheses(database, principal.orgId, row.id);
    const evidence = await this.repository.evidence(database, principal.orgId, row.id);
    const known = new Set<string>(hypotheses.map((hypothesis) => hypothesis.service));
    const topology = evidence.find((item) => item.data?.port === 'topology');
    if (topology?.data?.port === 'topology')
      for (const service of topology.data.graph.services) known.add(service.name);
    if (report.rootCause) known.add(report.rootCause.service);

    let memory: { service: string; category: RootCauseCategory } | null = null;
    const correction = input.correctRootCause?.trim();
    if (correction) {
      const lower = correction.toLowerCase();
      const service = [...known]
        .sort((left, right) => right.length - left.length)
        .find((name) =>
          new RegExp(`(^|[^a-z0-9-])${name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9-]|$)`).test(
            lower,
          ),
        );
      const category =
        categoryWords.find(([, pattern]) => pattern.test(correction))?.[0] ??
        (service && service === report.rootCause?.service ? report.rootCause.category : undefined);
      if (service && category) memory = { service, category };
    } else if (input.helpful && report.rootCause) {
      memory = { service: report.rootCause.service, category: report.rootCause.category };
    }
    if (memory && !(rootCauseCategories as readonly string[]).includes(memory.category)) memory = null;
    const signature = [incident.title, ...incident.alerts.map((alert) => alert.title)]
      .filter((title, index, all) => all.indexOf(title) === index)
      .join('\n')
      .slice(0, 4_000);

    await database.transaction(async (transaction) => {
      await this.repository.insertFeedback(transaction, principal.orgId, {
        id: randomUUID(),
        incidentId,
        investigationId: row.id,
        userId: principal.userId || null,
        helpful: input.helpful,
        comment: input.comment?.trim() || null,
        correctRootCause: correction || null,
        service: memory?.service ?? null,
        category: memory?.category ?? null,
        signature,
      });
      await audit.record(
        principalAudit(principal, metadata, {
          action: 'investigation.feedback',
          targetType: 'incident',
          targetId: incidentId,
          details: { investigationId: row.id, helpful: input.helpful, corrected: Boolean(correction) },
        }),
        transaction,
      );
    });
    await this.dependencies.incidents.recordInvestigationEvents(principal.orgId, incidentId, [
      {
        type: 'investigation.feedback',
        details: {
          investigationId: row.id,
          helpful: input.helpful,
          corrected: Boolean(correction),
          by: principal.userId,
        },
      },
    ]);
    if (memory && this.dependencies.indexMemory) {
      const text = [
        `Root cause: ${memory.service} (${memory.category}).`,
        correction
          ? `Corrected by a responder: ${correction}`
          : `Confirmed helpful: ${report.rootCause?.statement ?? ''}`,
        input.comment ? `Comment: ${input.comment}` : '',
        `Alerts: ${signature.split('\n').join('; ')}`,
        `Report summary: ${report.summary}`,
      ]
        .filter(Boolean)
        .join('\n\n');
      await this.dependencies
        .indexMemory(principal.orgId, {
          kind: 'incident',
          sourceId: incidentId,
          title: `Incident memory: ${incident.title}`,
          text,
          tags: [memory.service, memory.category],
        })
        .catch((error: unknown) => logger.warn({ err: error, incidentId }, 'could not index incident memory'));
    }
    return { recorded: true, memory };
  }

  // ----------------------------------------------------------------------------------------------- settings

  /** Binds an org's telemetry to a built-in scenario (the demo), or unbinds it with null. */
  async bindScenario(orgId: string, scenario: string | null): Promise<void> {
    if (scenario) await loadBuiltInScenario(scenario);
    await this.repository.saveScenario(this.dependencies.database, orgId, scenario);
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** Background work reads as the org itself (read-only; nothing is attributed to a person). */
  private reader(orgId: string): Principal {
    return { kind: 'api_token', userId: '', email: '', orgId, role: 'viewer', tokenId: 'investigations' };
  }

  private noticeIncident(incident: IncidentDetail) {
    return { id: incident.id, title: incident.title, severity: incident.severity, service: incident.service };
  }

  private async notify(orgId: string, notice: InvestigationNotice): Promise<void> {
    await this.dependencies
      .notify?.(orgId, notice)
      .catch((error: unknown) =>
        this.dependencies.logger.warn({ err: error, type: notice.type }, 'could not queue a notification'),
      );
  }

  private publish(row: InvestigationRow, type: string, data: Record<string, unknown>): void {
    this.dependencies.events
      .publish({ type, orgId: row.orgId, data: { incidentId: row.incidentId, investigationId: row.id, ...data } })
      .catch((error: unknown) => this.dependencies.logger.warn({ err: error }, 'could not publish a live event'));
  }
}
