import type { TopologyGraph } from '../telemetry/index.js';
import { rankBaseline } from './baseline-ranker.js';
import {
  type EntityOptions,
  type InvestigationAlert,
  type InvestigationEntities,
  resolveEntities,
} from './entities.js';
import {
  buildPlaybook,
  collectEvidence,
  type EvidenceSources,
  type EvidenceTask,
  runTask,
  SourceNotConfigured,
} from './evidence-collector.js';
import { rankHypotheses } from './hypothesis-ranker.js';
import type { EvidenceItem, Hypothesis, InvestigationReport } from './investigation.model.js';
import { buildReport } from './report-builder.js';

export interface InvestigateInput {
  alerts: InvestigationAlert[];
  sources: EvidenceSources;
  now: Date;
  /** Per-call time budget (default 10 s). */
  budgetMs?: number;
  windows?: EntityOptions;
}

export interface InvestigationResult {
  entities: InvestigationEntities;
  evidence: EvidenceItem[];
  hypotheses: Hypothesis[];
  report: InvestigationReport;
  /** The naive baseline's ranking over the same evidence (for evaluation). */
  baseline: Array<{ service: string; score: number }>;
}

/**
 * Steps 1–3 and 5 with no model: topology (E1), entities, the playbook's evidence in parallel (E2…), the ranked
 * hypotheses and the deterministic report. Pure apart from the port calls; never throws for a source's failure.
 * The later model loop and the persistence layer wrap these same steps (see index.ts).
 */
export async function investigateDeterministically(input: InvestigateInput): Promise<InvestigationResult> {
  const budgetMs = input.budgetMs ?? 10_000;
  const topologyPort = input.sources.topology;
  const now = input.now;
  const provisionalWindow = {
    from: new Date(Math.min(...input.alerts.map((alert) => alert.startsAt.getTime()), now.getTime()) - 2 * 60 * 60_000),
    to: now,
  };
  const topologyTask: EvidenceTask = {
    port: 'topology',
    source: topologyPort?.name ?? 'none',
    service: null,
    query: 'topology.graph',
    window: provisionalWindow,
    run: topologyPort
      ? (signal) => topologyPort.graph({ signal })
      : async () => {
          throw new SourceNotConfigured('no topology source is configured');
        },
  };
  const topologyItem = await runTask(topologyTask, 'E1', budgetMs);
  const graph: TopologyGraph =
    topologyItem.data?.port === 'topology'
      ? topologyItem.data.graph
      : {
          // Without a graph, the alerting services are the only candidates.
          services: [
            ...new Set(input.alerts.map((alert) => alert.service).filter((name): name is string => !!name)),
          ].map((name) => ({ name, kind: 'service' })),
          dependencies: [],
        };
  const entities = resolveEntities(input.alerts, graph, now, input.windows);
  const tasks = buildPlaybook(entities, input.sources);
  const collected = await collectEvidence(tasks, { budgetMs, firstIndex: 2 });
  const evidence = [topologyItem, ...collected];
  const hypotheses = rankHypotheses(entities, evidence);
  const report = buildReport(entities, evidence, hypotheses);
  return { entities, evidence, hypotheses, report, baseline: rankBaseline(entities, evidence) };
}
