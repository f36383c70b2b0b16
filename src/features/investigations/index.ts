/**
 * The investigation engine's public API. Steps are exported one by one so the model loop (agent feature) and the
 * persistence layer can wrap them: resolveEntities → buildPlaybook/collectEvidence → rankHypotheses → (model loop)
 * → buildReport → validateCitations/enforceCitations.
 */
export { rankBaseline } from './baseline-ranker.js';
export {
  type CitationCheck,
  enforceCitations,
  extractCitations,
  type ReportCitationProblem,
  validateCitations,
  validateReportCitations,
} from './citations.js';
export {
  type InvestigationAlert,
  type InvestigationEntities,
  matchService,
  resolveEntities,
  type ServiceEntity,
} from './entities.js';
export {
  type EvaluationOptions,
  type EvaluationOutput,
  evaluateScenarios,
  investigateScenario,
  type ScenarioEvaluation,
} from './evaluation.js';
export {
  buildPlaybook,
  type CollectOptions,
  collectEvidence,
  type EvidenceTask,
  type RunbooksPort,
  runTask,
  type SimilarIncidentsPort,
  servicesToExamine,
} from './evidence-collector.js';
export { canonicalJson, excerptLimit, excerptOf } from './evidence-format.js';
export { changeProximity, inferCategory, profileServices, rankerWeights, rankHypotheses } from './hypothesis-ranker.js';
export {
  type Confidence,
  confidences,
  type EvidenceData,
  type EvidenceItem,
  type EvidencePort,
  type EvidenceStatus,
  evidencePorts,
  evidenceStatuses,
  type Hypothesis,
  type HypothesisFactors,
  type InvestigationReport,
  type Remediation,
  type RunbookPassage,
  type SimilarIncident,
} from './investigation.model.js';
export {
  type InvestigateInput,
  type InvestigationResult,
  investigateDeterministically,
} from './investigation-engine.js';
export {
  builtInScenarioNames,
  builtInScenariosDirectory,
  defaultInvestigationTelemetry,
  feedbackMemory,
  type InvestigationTelemetry,
  loadBuiltInScenario,
  type TelemetryResolution,
} from './investigation-telemetry.js';
export { investigationToolOutputChars, investigationTools } from './investigation-tools.js';
export { registerInvestigationRoutes } from './investigations.routes.js';
export { type InvestigationStatus, investigationStatuses } from './investigations.schema.js';
export {
  type FeedbackInput,
  type InvestigationLimits,
  type InvestigationNotice,
  type InvestigationsDependencies,
  InvestigationsService,
  type InvestigationView,
} from './investigations.service.js';
export { parseModelReport } from './model-report.js';
export { buildReport, categoryLabels, type ReportOptions, renderReportMarkdown } from './report-builder.js';
export { analyseSeries, errorTemplate } from './signals.js';
export { ThoughtStream } from './thought-stream.js';
