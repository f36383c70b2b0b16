import { createHash } from 'node:crypto';
import type { Database } from '../../platform/database/database.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import { type LlmModels, LlmNotConfigured } from '../../platform/llm/llm-models.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { AgentEvent, AgentRunner } from '../agent/index.js';
import type { IncidentDetail } from '../incidents/index.js';
import type { TelemetrySources, TopologyGraph } from '../telemetry/index.js';
import { enforceCitations, validateReportCitations } from './citations.js';
import { type InvestigationAlert, resolveEntities } from './entities.js';
import {
  buildPlaybook,
  type EvidenceSources,
  type EvidenceTask,
  runTask,
  SourceNotConfigured,
} from './evidence-collector.js';
import { rankHypotheses } from './hypothesis-ranker.js';
import type { Confidence, EvidenceItem, Hypothesis, InvestigationReport } from './investigation.model.js';
import { investigationTools } from './investigation-tools.js';
import type { InvestigationRow, InvestigationsRepository } from './investigations.repository.js';
import {
  claimText,
  extractReportJson,
  mergeModelReport,
  parseModelReport,
  regenerationSchema,
  replaceClaim,
  reportFormat,
} from './model-report.js';
import { buildReport } from './report-builder.js';
import { ThoughtStream } from './thought-stream.js';

export interface PipelineDependencies {
  database: Database;
  repository: InvestigationsRepository;
  events: EventBus;
  logger: Logger;
  /** Writes the investigation's progress to the incident timeline. */
  timeline(
    orgId: string,
    incidentId: string,
    events: Array<{ type: string; details: Record<string, unknown> }>,
  ): Promise<void>;
  agent?: { runner: AgentRunner; models: LlmModels };
  limits: { sourceBudgetMs: number; maxSteps: number; maxTokens: number };
}

export interface PipelineInput {
  row: InvestigationRow;
  owner: { jobId: string; attempt: number };
  incident: IncidentDetail;
  sources: EvidenceSources;
  now: Date;
  signal: AbortSignal;
}

export interface PipelineResult {
  evidence: EvidenceItem[];
  hypotheses: Hypothesis[];
  report: InvestigationReport;
  usage: { inputTokens: number; outputTokens: number; costUsd: number; steps: number };
}

const lower: Record<Confidence, Confidence> = {
  CONFIRMED: 'LIKELY',
  LIKELY: 'INCONCLUSIVE',
  INCONCLUSIVE: 'INCONCLUSIVE',
};

/** The alerts an incident carries, in the engine's shape (the incident itself when it has none left). */
export function alertsOf(incident: IncidentDetail): InvestigationAlert[] {
  const alerts = incident.alerts.map((alert) => ({
    title: alert.title,
    description: alert.annotations.description ?? alert.annotations.summary ?? null,
    service: alert.service,
    severity: alert.severity,
    startsAt: new Date(alert.startsAt),
    labels: alert.labels,
    source: incident.source,
  }));
  if (alerts.length > 0) return alerts as InvestigationAlert[];
  return [
    {
      title: incident.title,
      description: null,
      service: incident.service,
      severity: incident.severity,
      startsAt: new Date(incident.startedAt),
      labels: {},
      source: incident.source,
    } as unknown as InvestigationAlert,
  ];
}

/**
 * One attempt of one investigation: entities, evidence (stored as each call answers; an id already stored by an
 * earlier attempt is reused, not collected again), ranking, the optional model loop, the report. Thoughts are keyed
 * by their text and occurrence, so an attempt that repeats an earlier one's thoughts adds none.
 */
export class InvestigationPipeline {
  private thoughtChain: Promise<void> = Promise.resolve();
  private readonly occurrences = new Map<string, number>();

  constructor(
    private readonly dependencies: PipelineDependencies,
    private readonly input: PipelineInput,
  ) {}

  async run(): Promise<PipelineResult> {
    const { repository, database, limits } = this.dependencies;
    const { row, incident, sources, now, signal } = this.input;
    const orgId = row.orgId;
    const alerts = alertsOf(incident);
    this.thought(
      'step',
      `Investigating "${incident.title}" (${alerts.length} alert${alerts.length === 1 ? '' : 's'}).`,
    );

    const stored = new Map((await repository.evidence(database, orgId, row.id)).map((item) => [item.id, item]));
    const reused = stored.size;
    if (reused > 0)
      this.thought('step', `Resuming: ${reused} evidence items were already stored by an earlier attempt.`);

    const topologyPort = sources.topology;
    const topologyTask: EvidenceTask = {
      port: 'topology',
      source: topologyPort?.name ?? 'none',
      service: null,
      query: 'topology.graph',
      window: {
        from: new Date(Math.min(...alerts.map((alert) => alert.startsAt.getTime()), now.getTime()) - 2 * 3_600_000),
        to: now,
      },
      run: topologyPort
        ? (taskSignal) => topologyPort.graph({ signal: taskSignal })
        : async () => {
            throw new SourceNotConfigured('no topology source is configured');
          },
    };
    const topologyItem = stored.get('E1') ?? (await this.collect(topologyTask, 'E1'));
    signal.throwIfAborted();
    const graph: TopologyGraph =
      topologyItem.data?.port === 'topology'
        ? topologyItem.data.graph
        : {
            services: [...new Set(alerts.map((alert) => alert.service).filter((name): name is string => !!name))].map(
              (name) => ({ name, kind: 'service' }),
            ),
            dependencies: [],
          };
    const entities = resolveEntities(alerts, graph, now);
    this.thought(
      'step',
      entities.alertServices.length > 0
        ? `Alerting services: ${entities.alertServices.join(', ')}; onset ${entities.onset.toISOString()}.`
        : `No alerting service matched the topology${entities.unknownServices.length ? ` (unknown: ${entities.unknownServices.join(', ')})` : ''}.`,
    );

    const tasks = buildPlaybook(entities, sources);
    this.thought(
      'step',
      `Collecting evidence: ${tasks.length} calls in parallel, ${limits.sourceBudgetMs} ms budget each.`,
    );
    const collected = await Promise.all(
      tasks.map((task, index) => {
        const id = `E${index + 2}`;
        return stored.get(id) ?? this.collect(task, id);
      }),
    );
    signal.throwIfAborted();
    const evidence = [topologyItem, ...collected];
    // Evidence the model's tools stored in an earlier attempt stays citable.
    for (const item of stored.values()) if (!evidence.some((entry) => entry.id === item.id)) evidence.push(item);
    evidence.sort((left, right) => Number(left.id.slice(1)) - Number(right.id.slice(1)));
    const failed = evidence.filter((item) => item.status !== 'ok' && item.status !== 'empty');
    this.thought(
      failed.length === evidence.length ? 'note' : 'step',
      `${evidence.length - failed.length} of ${evidence.length} evidence calls answered${failed.length ? `; not seen: ${[...new Set(failed.map((item) => `${item.port} (${item.status.replace('_', ' ')})`))].join(', ')}` : ''}.`,
    );

    const hypotheses = rankHypotheses(entities, evidence);
    await repository.replaceHypotheses(database, orgId, row.id, hypotheses);
    this.thought(
      'step',
      hypotheses.length > 0
        ? `Ranked ${hypotheses.length} hypotheses: ${hypotheses
            .slice(0, 3)
            .map((hypothesis) => `${hypothesis.service} (${hypothesis.category}, ${hypothesis.score})`)
            .join(', ')}.`
        : 'No candidate cause stands out in the evidence.',
    );
    let report = buildReport(entities, evidence, hypotheses);
    const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0, steps: 0 };

    const model = await this.modelAvailable(orgId);
    if (model) {
      report = await this.reason({ entities, evidence, hypotheses, report, sources, usage });
    } else {
      this.thought(
        'step',
        'No model is configured: the report is the deterministic analysis (confidence at most LIKELY).',
      );
    }
    signal.throwIfAborted();
    this.thought(
      'step',
      `Report written: ${report.confidence}${report.rootCause ? `, ${report.rootCause.service} (${report.rootCause.category})` : ''}.`,
    );
    await this.flushThoughts();
    return { evidence, hypotheses, report, usage };
  }

  /** Waits until every thought so far is stored. */
  async flushThoughts(): Promise<void> {
    await this.thoughtChain;
  }

  private async modelAvailable(orgId: string): Promise<boolean> {
    const agent = this.dependencies.agent;
    if (!agent) return false;
    try {
      await agent.models.resolve(orgId, 'rca');
      return true;
    } catch (error) {
      if (error instanceof LlmNotConfigured) return false;
      this.thought(
        'note',
        `The model could not be loaded (${(error as Error).message.slice(0, 200)}); deterministic analysis only.`,
      );
      return false;
    }
  }

  private async collect(task: EvidenceTask, id: string, collectedBy: 'playbook' | 'model' = 'playbook') {
    const item = await runTask(task, id, this.dependencies.limits.sourceBudgetMs);
    await this.record(item, collectedBy);
    return item;
  }

  /** Stores an item (kept as first stored if the id exists) and announces it. */
  private async record(item: EvidenceItem, collectedBy: 'playbook' | 'model'): Promise<void> {
    const { repository, database } = this.dependencies;
    const { row } = this.input;
    const added = await repository.insertEvidence(database, row.orgId, row.id, [item], collectedBy);
    if (added.length > 0) {
      this.publish('investigation.evidence', {
        evidence: {
          id: item.id,
          port: item.port,
          source: item.source,
          service: item.service,
          status: item.status,
          query: item.query.slice(0, 300),
        },
      });
    }
  }

  /** Queues a thought for storage (in order); new ones go to the timeline and the live stream. */
  thought(kind: 'step' | 'model' | 'tool' | 'note', text: string): void {
    const { repository, database, logger } = this.dependencies;
    const { row, owner } = this.input;
    const clean = text.slice(0, 2_000);
    const seen = this.occurrences.get(`${kind}\n${clean}`) ?? 0;
    this.occurrences.set(`${kind}\n${clean}`, seen + 1);
    const key = createHash('sha256').update(`${kind}\n${clean}\n${seen}`).digest('hex').slice(0, 40);
    this.thoughtChain = this.thoughtChain.then(async () => {
      try {
        const sequence = await repository.insertThought(database, row.orgId, row.id, {
          key,
          kind,
          text: clean,
          attempt: owner.attempt,
        });
        if (sequence === undefined) return;
        await this.dependencies.timeline(row.orgId, row.incidentId, [
          { type: 'investigation.thought', details: { investigationId: row.id, sequence, kind, text: clean } },
        ]);
        this.publish('investigation.thought', { sequence, kind, text: clean.slice(0, 1_000) });
      } catch (error) {
        logger.warn({ err: error, investigationId: row.id }, 'could not store an investigation thought');
      }
    });
  }

  private publish(type: string, data: Record<string, unknown>): void {
    const { row } = this.input;
    this.dependencies.events
      .publish({ type, orgId: row.orgId, data: { incidentId: row.incidentId, investigationId: row.id, ...data } })
      .catch((error: unknown) => this.dependencies.logger.warn({ err: error }, 'could not publish a live event'));
  }

  // ------------------------------------------------------------------------------------------- the model loop

  private async reason(context: {
    entities: ReturnType<typeof resolveEntities>;
    evidence: EvidenceItem[];
    hypotheses: Hypothesis[];
    report: InvestigationReport;
    sources: TelemetrySources;
    usage: PipelineResult['usage'];
  }): Promise<InvestigationReport> {
    const agent = this.dependencies.agent!;
    const { limits } = this.dependencies;
    const { row, incident, signal } = this.input;
    const { evidence, hypotheses, usage } = context;
    const notes: string[] = [];
    const note = (text: string) => {
      notes.push(text);
      this.thought('note', text);
    };
    const deterministic = (reason: string): InvestigationReport => ({
      ...context.report,
      confidenceNote: `${context.report.confidenceNote} ${reason}`,
      notes: [...(context.report.notes ?? []), ...notes],
    });

    this.thought('step', 'A model now examines the top hypotheses with read-only tools.');
    const tools = investigationTools({
      entities: context.entities,
      sources: context.sources,
      evidence,
      budgetMs: limits.sourceBudgetMs,
      record: (item) => this.record(item, 'model'),
    });
    const newStream = () => new ThoughtStream((sentence) => this.thought('model', sentence));
    let stream = newStream();
    const onEvent = (event: AgentEvent) => {
      if (event.type === 'text.delta') stream.push(event.delta);
      else if (event.type === 'tool.started') {
        // The text before a tool call is complete; text after it starts a fresh stream.
        stream.end();
        stream = newStream();
        this.thought('tool', `Calling ${event.tool} ${JSON.stringify(event.input ?? {}).slice(0, 200)}.`);
      } else if (event.type === 'tool.finished' && event.status === 'invalid_input') {
        note(`The model called ${event.tool} wrongly (unknown tool or invalid input): ${event.output.slice(0, 200)}`);
      }
    };
    const result = await agent.runner.run({
      orgId: row.orgId,
      kind: 'investigation',
      role: 'rca',
      mode: 'ask',
      tools,
      budgets: { maxSteps: limits.maxSteps, maxTokens: limits.maxTokens },
      signal,
      instructions: this.brief(context.entities, evidence, hypotheses),
      messages: [
        {
          role: 'user',
          content: `Investigate incident "${incident.title}" and write the report. Think aloud in short sentences as you go.`,
        },
      ],
      onEvent,
    });
    stream.end();
    usage.inputTokens += result.usage.inputTokens;
    usage.outputTokens += result.usage.outputTokens;
    usage.costUsd += result.usage.costUsd;
    usage.steps += result.steps;
    signal.throwIfAborted();
    if (result.status !== 'completed') {
      note(
        `The model run ${result.status}${result.error ? ` (${result.error.message.slice(0, 200)})` : ''}; the deterministic report stands.`,
      );
      return deterministic('The model did not finish, so this is the deterministic analysis.');
    }
    const parsed = parseModelReport(result.text);
    if (!parsed.ok) {
      note(`${parsed.problem[0]?.toUpperCase()}${parsed.problem.slice(1)}; the deterministic report stands.`);
      return deterministic("The model's report could not be used, so this is the deterministic analysis.");
    }
    const ids = () => evidence.filter((item) => item.status).map((item) => item.id);
    let report = mergeModelReport(context.report, parsed.report);
    report = { ...report, notes: [...(context.report.notes ?? []), ...notes] };
    const problems = validateReportCitations(report, ids()).filter((problem) => problem.unknown.length > 0);
    if (problems.length > 0) {
      this.thought(
        'note',
        `${problems.length} claim${problems.length === 1 ? ' cites' : 's cite'} evidence that does not exist (${[...new Set(problems.flatMap((problem) => problem.unknown))].join(', ')}); asking the model to regenerate ${problems.length === 1 ? 'it' : 'them'} once.`,
      );
      report = await this.regenerate(
        report,
        problems.map((problem) => problem.field),
        ids(),
        usage,
      );
    }
    const before = report;
    report = enforceCitations(report, ids());
    if (report.droppedClaims.length > before.droppedClaims.length) {
      const dropped = report.droppedClaims.length - before.droppedClaims.length;
      if (report.confidence === before.confidence) {
        report = {
          ...report,
          confidence: lower[report.confidence],
          confidenceNote: `${report.confidenceNote} ${dropped} claim${dropped === 1 ? ' was' : 's were'} dropped for citing missing evidence, so the confidence was lowered.`,
        };
      }
      this.thought(
        'note',
        `Dropped ${dropped} claim${dropped === 1 ? '' : 's'} that still cited missing evidence; confidence is now ${report.confidence}.`,
      );
    }
    return report;
  }

  /** One more model call to rewrite the claims with unknown citations; whatever it answers is checked again. */
  private async regenerate(
    report: InvestigationReport,
    fields: string[],
    known: string[],
    usage: PipelineResult['usage'],
  ): Promise<InvestigationReport> {
    const agent = this.dependencies.agent!;
    const { row, signal } = this.input;
    const claims = fields.map((field) => ({ field, text: claimText(report, field) ?? '' }));
    const result = await agent.runner.run({
      orgId: row.orgId,
      kind: 'investigation',
      role: 'rca',
      mode: 'ask',
      tools: [],
      budgets: {
        maxSteps: 1,
        maxTokens: Math.max(2_000, this.dependencies.limits.maxTokens - usage.inputTokens - usage.outputTokens),
      },
      signal,
      instructions: `You rewrite claims of a root-cause report. A claim may cite only these evidence ids: ${known.join(', ')}. Drop any statement that no listed evidence supports.`,
      messages: [
        {
          role: 'user',
          content: `These claims cite evidence that does not exist. Rewrite each, citing only existing ids, and answer with <report>{"claims": [{"field": "...", "text": "..."}]}</report>.\n${JSON.stringify(claims)}`,
        },
      ],
    });
    usage.inputTokens += result.usage.inputTokens;
    usage.outputTokens += result.usage.outputTokens;
    usage.costUsd += result.usage.costUsd;
    usage.steps += result.steps;
    const json = result.status === 'completed' ? extractReportJson(result.text) : null;
    let value: unknown = null;
    try {
      value = json ? JSON.parse(json) : null;
    } catch {
      value = null;
    }
    const parsed = regenerationSchema.safeParse(value);
    if (!parsed.success) {
      this.thought(
        'note',
        'The regenerated claims could not be read; the claims with unknown citations will be dropped.',
      );
      return report;
    }
    let next = report;
    for (const claim of parsed.data.claims) {
      if (fields.includes(claim.field)) next = replaceClaim(next, claim.field, claim.text);
    }
    return next;
  }

  /** The investigation's brief for the model: what the alert is, the ranked hypotheses, and the evidence index. */
  private brief(
    entities: ReturnType<typeof resolveEntities>,
    evidence: EvidenceItem[],
    hypotheses: Hypothesis[],
  ): string {
    const { incident } = this.input;
    const lines = [
      `Find the root cause of incident "${incident.title}" (severity ${incident.severity}${incident.service ? `, service ${incident.service}` : ''}), onset ${entities.onset.toISOString()}.`,
      'Evidence has been collected and stored; each item has an id (E1, E2, …). A deterministic ranker scored candidate causes:',
      ...hypotheses
        .slice(0, 5)
        .map(
          (hypothesis) =>
            `- #${hypothesis.rank} ${hypothesis.service} (${hypothesis.category}, score ${hypothesis.score}): ${hypothesis.reasons.slice(0, 3).join('; ')}`,
        ),
      '',
      'Evidence index (read full excerpts with read_evidence; query more with the other tools, which store new evidence):',
      ...evidence.map(
        (item) =>
          `- ${item.id} ${item.port}${item.service ? ` ${item.service}` : ''} [${item.status}] ${(item.excerpt.split('\n')[0] ?? '').slice(0, 140)}`,
      ),
      '',
      'Rules:',
      '- Confirm or refute the top hypotheses with the tools. Every claim must cite the evidence ids that show it, like [E3]. Never cite an id that is not in the index or returned by a tool.',
      '- Say "confirmed" only when the cited evidence shows the cause directly; otherwise "likely" or "inconclusive".',
      '- Remediations are suggestions for a human; include a command or change, its risk, and how to undo it.',
      `- Finish with the report, exactly in this format:\n${reportFormat}`,
    ];
    return lines.join('\n');
  }
}

export type { EvidenceTask };
