import type {
  AlertSignal,
  ChangeRecord,
  LogRecord,
  MetricSeries,
  RootCauseCategory,
  TopologyGraph,
  WorkloadState,
} from '../telemetry/index.js';

export const confidences = ['CONFIRMED', 'LIKELY', 'INCONCLUSIVE'] as const;
export type Confidence = (typeof confidences)[number];

export const evidencePorts = [
  'topology',
  'changes',
  'metrics',
  'logs',
  'kubernetes',
  'alerts',
  'similar_incidents',
  'runbooks',
] as const;
export type EvidencePort = (typeof evidencePorts)[number];

/** `ok` and `empty` answered; the rest are failures that are still evidence (of what Aurora could not see). */
export const evidenceStatuses = ['ok', 'empty', 'failed', 'timed_out', 'invalid', 'not_configured'] as const;
export type EvidenceStatus = (typeof evidenceStatuses)[number];

export interface SimilarIncident {
  id: string;
  title: string;
  service: string;
  category: RootCauseCategory;
  similarity: number;
  resolvedAt?: Date;
}

/** A knowledge-base passage (runbook, postmortem, past incident) that matches the alert. */
export interface RunbookPassage {
  documentId: string;
  title: string;
  kind: string;
  page: number | null;
  headingPath: string[];
  text: string;
  score: number;
}

/** What a port returned, kept structured for the ranker (and serialisable for storage). */
export type EvidenceData =
  | { port: 'topology'; graph: TopologyGraph }
  | { port: 'changes'; changes: ChangeRecord[] }
  | { port: 'metrics'; series: MetricSeries[] }
  | { port: 'logs'; lines: LogRecord[]; truncated: boolean }
  | { port: 'kubernetes'; workload: WorkloadState }
  | { port: 'alerts'; alerts: AlertSignal[] }
  | { port: 'similar_incidents'; incidents: SimilarIncident[] }
  | { port: 'runbooks'; passages: RunbookPassage[] };

/**
 * One stored fact. The id (E1, E2, …) is assigned from the playbook order, not from completion order, so a retried
 * run produces the same ids and the same hashes for the same answers.
 */
export interface EvidenceItem {
  id: string;
  port: EvidencePort;
  /** The adapter that answered ("scenario", "prometheus", "github", …). */
  source: string;
  /** The call, human-readable: `logs.search service=checkout level>=warn`. */
  query: string;
  service: string | null;
  timeRange: { from: string; to: string };
  status: EvidenceStatus;
  /** What a reader (or a model) sees: a capped text summary of the answer, or what went wrong. */
  excerpt: string;
  /** sha256 over the source, query, range and the answer's canonical JSON. */
  hash: string;
  durationMs: number;
  error?: string;
  data: EvidenceData | null;
}

export interface HypothesisFactors {
  changeProximity: number;
  topologyDistance: number;
  anomalyStrength: number;
  newErrorSignatures: number;
  blamedByNeighbours: number;
  onsetOrder: number;
  similarIncidents: number;
  /** 1 when the service's trouble is explained by an unhealthy dependency it calls (it is a symptom). */
  explainedByDependency: number;
}

export interface Hypothesis {
  rank: number;
  service: string;
  category: RootCauseCategory;
  score: number;
  factors: HypothesisFactors;
  /** Why, in one sentence per finding, each citing [E#]. */
  reasons: string[];
  evidenceIds: string[];
}

export interface ReportClaim {
  text: string;
  evidenceIds: string[];
}

export interface Remediation {
  title: string;
  /** A command to run, or a change to make: exactly one is set. */
  command?: string;
  change?: string;
  risk: string;
  undo: string;
  evidenceIds: string[];
}

export interface InvestigationReport {
  summary: string;
  rootCause: { service: string; category: RootCauseCategory; statement: string; evidenceIds: string[] } | null;
  confidence: Confidence;
  /** Why the confidence is what it is (without a model: never above LIKELY, and the report says so). */
  confidenceNote: string;
  timeline: Array<{ time: string; text: string; evidenceIds: string[] }>;
  impact: ReportClaim;
  ruledOut: Array<{ service: string; category: RootCauseCategory; text: string; evidenceIds: string[] }>;
  remediations: Remediation[];
  /** Sources that failed, timed out or returned garbage: named, so a reader knows what was not seen. */
  unavailableSources: Array<{
    evidenceId: string;
    port: EvidencePort;
    source: string;
    status: EvidenceStatus;
    detail: string;
  }>;
  generatedBy: 'deterministic' | 'model';
  /** Claims dropped because they cited evidence that does not exist. */
  droppedClaims: string[];
  /** What went wrong around the model (invalid JSON, unknown tools, a failed run): recorded, never fatal. */
  notes?: string[];
}
