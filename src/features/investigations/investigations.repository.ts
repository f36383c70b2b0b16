import { and, asc, desc, eq, inArray, isNotNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/database/database.js';
import { readAnswer } from './evidence-format.js';
import type { EvidenceData, EvidenceItem, Hypothesis } from './investigation.model.js';
import {
  type InvestigationStatus,
  investigationEvidence,
  investigationFeedback,
  investigationHypotheses,
  investigationSettings,
  investigations,
  investigationThoughts,
} from './investigations.schema.js';

export type InvestigationRow = typeof investigations.$inferSelect;
export type FeedbackRow = typeof investigationFeedback.$inferSelect;
export type ThoughtRow = typeof investigationThoughts.$inferSelect;

export interface NewInvestigation {
  id: string;
  incidentId: string;
  trigger: string;
  requestedBy?: string | null;
  jobId?: string | null;
  scenario?: string | null;
}

type InvestigationChanges = Partial<
  Pick<
    InvestigationRow,
    | 'status'
    | 'jobId'
    | 'attempt'
    | 'startedAt'
    | 'heartbeatAt'
    | 'deadlineAt'
    | 'finishedAt'
    | 'error'
    | 'report'
    | 'confidence'
    | 'rootCauseService'
    | 'rootCauseCategory'
    | 'generatedBy'
    | 'modelSteps'
    | 'inputTokens'
    | 'outputTokens'
    | 'costUsd'
  >
>;

/** Stored evidence back into the engine's shape; the data is validated again (dates revived) on the way. */
function toEvidenceItem(row: typeof investigationEvidence.$inferSelect): EvidenceItem {
  let data: EvidenceData | null = null;
  const stored = row.data as (EvidenceData & Record<string, unknown>) | null;
  if (stored) {
    const raw = {
      topology: stored.graph,
      changes: stored.changes,
      metrics: stored.series,
      logs: stored.lines,
      kubernetes: stored.workload,
      alerts: stored.alerts,
      runbooks: stored.passages,
      similar_incidents: stored.incidents,
    }[stored.port];
    const answer = readAnswer(stored.port, raw);
    if ('data' in answer) {
      data =
        answer.data.port === 'logs' && stored.port === 'logs'
          ? { ...answer.data, truncated: stored.truncated }
          : answer.data;
    }
  }
  return {
    id: row.evidenceId,
    port: row.port,
    source: row.source,
    query: row.query,
    service: row.service,
    timeRange: { from: row.timeFrom.toISOString(), to: row.timeTo.toISOString() },
    status: row.status,
    excerpt: row.excerpt,
    hash: row.hash,
    durationMs: row.durationMs,
    ...(row.error ? { error: row.error } : {}),
    data,
  };
}

const evidenceNumber = (id: string) => Number(id.slice(1));

export class InvestigationsRepository {
  // ------------------------------------------------------------------------------------------- investigations

  /** Inserts a queued investigation; undefined when the incident already has one queued or running. */
  async insert(executor: Executor, orgId: string, input: NewInvestigation): Promise<InvestigationRow | undefined> {
    const [row] = await executor.db
      .insert(investigations)
      .values({
        id: input.id,
        orgId,
        incidentId: input.incidentId,
        status: 'queued',
        trigger: input.trigger,
        requestedBy: input.requestedBy ?? null,
        jobId: input.jobId ?? null,
        scenario: input.scenario ?? null,
      })
      .onConflictDoNothing()
      .returning();
    return row;
  }

  async find(executor: Executor, orgId: string, id: string): Promise<InvestigationRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(investigations)
      .where(and(eq(investigations.orgId, orgId), eq(investigations.id, id)))
      .limit(1);
    return row;
  }

  async findForUpdate(executor: Executor, orgId: string, id: string): Promise<InvestigationRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(investigations)
      .where(and(eq(investigations.orgId, orgId), eq(investigations.id, id)))
      .for('update')
      .limit(1);
    return row;
  }

  async findByJob(executor: Executor, orgId: string, jobId: string): Promise<InvestigationRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(investigations)
      .where(and(eq(investigations.orgId, orgId), eq(investigations.jobId, jobId)))
      .orderBy(desc(investigations.createdAt))
      .limit(1);
    return row;
  }

  /** The queued or running investigation of an incident, if any. */
  async active(executor: Executor, orgId: string, incidentId: string): Promise<InvestigationRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(investigations)
      .where(
        and(
          eq(investigations.orgId, orgId),
          eq(investigations.incidentId, incidentId),
          inArray(investigations.status, ['queued', 'running']),
        ),
      )
      .limit(1);
    return row;
  }

  /** The incident's most recent investigation. */
  async latest(executor: Executor, orgId: string, incidentId: string): Promise<InvestigationRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(investigations)
      .where(and(eq(investigations.orgId, orgId), eq(investigations.incidentId, incidentId)))
      .orderBy(desc(investigations.createdAt), desc(investigations.id))
      .limit(1);
    return row;
  }

  /** Running investigations of the org that are alive (heartbeat after `aliveAfter`), other than `exceptId`. */
  async countRunning(executor: Executor, orgId: string, aliveAfter: Date, exceptId: string): Promise<number> {
    const [row] = await executor.db
      .select({ value: sql<number>`count(*)::int` })
      .from(investigations)
      .where(
        and(
          eq(investigations.orgId, orgId),
          eq(investigations.status, 'running'),
          ne(investigations.id, exceptId),
          sql`${investigations.heartbeatAt} > ${aliveAfter.toISOString()}`,
        ),
      );
    return row?.value ?? 0;
  }

  /**
   * Changes a row; with `owner`, only while it is running under that job and attempt (a run that lost its claim to
   * a retry, or was failed by the sweeper, must not overwrite anything). Returns whether a row changed.
   */
  async update(
    executor: Executor,
    orgId: string,
    id: string,
    changes: InvestigationChanges,
    owner?: { jobId: string; attempt: number },
  ): Promise<boolean> {
    const rows = await executor.db
      .update(investigations)
      .set({ ...changes, updatedAt: new Date() })
      .where(
        and(
          eq(investigations.orgId, orgId),
          eq(investigations.id, id),
          ...(owner
            ? [
                eq(investigations.status, 'running'),
                eq(investigations.jobId, owner.jobId),
                eq(investigations.attempt, owner.attempt),
              ]
            : []),
        ),
      )
      .returning({ id: investigations.id });
    return rows.length > 0;
  }

  async heartbeat(executor: Executor, orgId: string, id: string, owner: { jobId: string; attempt: number }) {
    await executor.db
      .update(investigations)
      .set({ heartbeatAt: new Date() })
      .where(
        and(
          eq(investigations.orgId, orgId),
          eq(investigations.id, id),
          eq(investigations.status, 'running'),
          eq(investigations.jobId, owner.jobId),
          eq(investigations.attempt, owner.attempt),
        ),
      );
  }

  /** Maintenance across orgs: running rows whose heartbeat stopped before `staleBefore`, or past their deadline. */
  async abandoned(executor: Executor, staleBefore: Date, now: Date): Promise<InvestigationRow[]> {
    return executor.db
      .select()
      .from(investigations)
      .where(
        and(
          eq(investigations.status, 'running'),
          or(lt(investigations.heartbeatAt, staleBefore), lt(investigations.deadlineAt, now)),
        ),
      )
      .limit(500);
  }

  /** Maintenance across orgs: queued rows untouched since `before` (their job may be gone). */
  async waiting(executor: Executor, before: Date): Promise<InvestigationRow[]> {
    return executor.db
      .select()
      .from(investigations)
      .where(and(eq(investigations.status, 'queued'), lt(investigations.updatedAt, before)))
      .limit(500);
  }

  async touch(executor: Executor, orgId: string, id: string): Promise<void> {
    await executor.db
      .update(investigations)
      .set({ updatedAt: new Date() })
      .where(and(eq(investigations.orgId, orgId), eq(investigations.id, id)));
  }

  /** Completed investigations of the org with a usable root cause, for similar-incident memory. */
  async completedWithRootCause(
    executor: Executor,
    orgId: string,
    incidentIds: string[],
  ): Promise<Array<Pick<InvestigationRow, 'incidentId' | 'rootCauseService' | 'rootCauseCategory' | 'finishedAt'>>> {
    if (incidentIds.length === 0) return [];
    return executor.db
      .select({
        incidentId: investigations.incidentId,
        rootCauseService: investigations.rootCauseService,
        rootCauseCategory: investigations.rootCauseCategory,
        finishedAt: investigations.finishedAt,
      })
      .from(investigations)
      .where(
        and(
          eq(investigations.orgId, orgId),
          inArray(investigations.incidentId, incidentIds),
          eq(investigations.status, 'completed'),
          isNotNull(investigations.rootCauseService),
        ),
      )
      .orderBy(desc(investigations.finishedAt));
  }

  // ------------------------------------------------------------------------------------------------ evidence

  /** Stores items; an id already stored for this investigation is kept as it was. Returns the ids newly stored. */
  async insertEvidence(
    executor: Executor,
    orgId: string,
    investigationId: string,
    items: EvidenceItem[],
    collectedBy: 'playbook' | 'model' = 'playbook',
  ): Promise<string[]> {
    if (items.length === 0) return [];
    const rows = await executor.db
      .insert(investigationEvidence)
      .values(
        items.map((item) => ({
          orgId,
          investigationId,
          evidenceId: item.id,
          ordinal: evidenceNumber(item.id),
          port: item.port,
          source: item.source,
          query: item.query,
          service: item.service,
          timeFrom: new Date(item.timeRange.from),
          timeTo: new Date(item.timeRange.to),
          status: item.status,
          excerpt: item.excerpt,
          hash: item.hash,
          durationMs: item.durationMs,
          error: item.error ?? null,
          data: item.data,
          collectedBy,
        })),
      )
      .onConflictDoNothing()
      .returning({ evidenceId: investigationEvidence.evidenceId });
    return rows.map((row) => row.evidenceId);
  }

  async evidence(executor: Executor, orgId: string, investigationId: string): Promise<EvidenceItem[]> {
    const rows = await executor.db
      .select()
      .from(investigationEvidence)
      .where(and(eq(investigationEvidence.orgId, orgId), eq(investigationEvidence.investigationId, investigationId)))
      .orderBy(asc(investigationEvidence.ordinal));
    return rows.map(toEvidenceItem);
  }

  // ---------------------------------------------------------------------------------------------- hypotheses

  async replaceHypotheses(
    executor: Executor,
    orgId: string,
    investigationId: string,
    hypotheses: Hypothesis[],
  ): Promise<void> {
    await executor.db
      .delete(investigationHypotheses)
      .where(
        and(eq(investigationHypotheses.orgId, orgId), eq(investigationHypotheses.investigationId, investigationId)),
      );
    if (hypotheses.length === 0) return;
    await executor.db.insert(investigationHypotheses).values(
      hypotheses.map((hypothesis) => ({
        orgId,
        investigationId,
        rank: hypothesis.rank,
        service: hypothesis.service,
        category: hypothesis.category,
        score: hypothesis.score,
        factors: hypothesis.factors,
        reasons: hypothesis.reasons,
        evidenceIds: hypothesis.evidenceIds,
      })),
    );
  }

  async hypotheses(executor: Executor, orgId: string, investigationId: string): Promise<Hypothesis[]> {
    const rows = await executor.db
      .select()
      .from(investigationHypotheses)
      .where(
        and(eq(investigationHypotheses.orgId, orgId), eq(investigationHypotheses.investigationId, investigationId)),
      )
      .orderBy(asc(investigationHypotheses.rank));
    return rows.map((row) => ({
      rank: row.rank,
      service: row.service,
      category: row.category,
      score: row.score,
      factors: row.factors,
      reasons: row.reasons,
      evidenceIds: row.evidenceIds,
    }));
  }

  // ------------------------------------------------------------------------------------------------ thoughts

  /** Appends a thought unless one with the same key exists; returns its sequence number when it was new. */
  async insertThought(
    executor: Executor,
    orgId: string,
    investigationId: string,
    thought: { key: string; kind: string; text: string; attempt: number },
  ): Promise<number | undefined> {
    const rows = await executor.query<{ sequence: number }>(
      `insert into investigation_thoughts (org_id, investigation_id, sequence, key, kind, text, attempt)
       select $1, $2, coalesce(max(sequence), 0) + 1, $3, $4, $5, $6
         from investigation_thoughts where org_id = $1 and investigation_id = $2
       on conflict (investigation_id, key) do nothing
       returning sequence`,
      [orgId, investigationId, thought.key, thought.kind, thought.text, thought.attempt],
    );
    return rows[0]?.sequence;
  }

  async thoughts(executor: Executor, orgId: string, investigationId: string): Promise<ThoughtRow[]> {
    return executor.db
      .select()
      .from(investigationThoughts)
      .where(and(eq(investigationThoughts.orgId, orgId), eq(investigationThoughts.investigationId, investigationId)))
      .orderBy(asc(investigationThoughts.sequence));
  }

  // ------------------------------------------------------------------------------------------------ feedback

  async insertFeedback(executor: Executor, orgId: string, row: Omit<FeedbackRow, 'orgId' | 'createdAt'>) {
    await executor.db.insert(investigationFeedback).values({ ...row, orgId });
  }

  /** Feedback that can serve as memory (helpful, or with a corrected cause) from other incidents, newest first. */
  async memory(
    executor: Executor,
    orgId: string,
    exceptIncidentId: string | null,
    limit = 200,
  ): Promise<FeedbackRow[]> {
    return executor.db
      .select()
      .from(investigationFeedback)
      .where(
        and(
          eq(investigationFeedback.orgId, orgId),
          isNotNull(investigationFeedback.service),
          ...(exceptIncidentId ? [ne(investigationFeedback.incidentId, exceptIncidentId)] : []),
        ),
      )
      .orderBy(desc(investigationFeedback.createdAt))
      .limit(limit);
  }

  // ------------------------------------------------------------------------------------------------ settings

  async scenarioOf(executor: Executor, orgId: string): Promise<string | null> {
    const [row] = await executor.db
      .select({ scenario: investigationSettings.scenario })
      .from(investigationSettings)
      .where(eq(investigationSettings.orgId, orgId))
      .limit(1);
    return row?.scenario ?? null;
  }

  async saveScenario(executor: Executor, orgId: string, scenario: string | null): Promise<void> {
    await executor.db
      .insert(investigationSettings)
      .values({ orgId, scenario })
      .onConflictDoUpdate({ target: investigationSettings.orgId, set: { scenario, updatedAt: new Date() } });
  }
}

export type { InvestigationStatus };
