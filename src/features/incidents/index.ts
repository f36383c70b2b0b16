export {
  bestIncident,
  type CorrelationCandidate,
  type CorrelationScorer,
  type TopologyDistance,
  titleSimilarity,
  topologyScorer,
} from './correlation.js';
export { IncidentCorrelator, type ScorerProvider } from './incident-correlator.js';
export { registerIncidentRoutes } from './incidents.routes.js';
export { type IncidentStatus, incidentStatuses } from './incidents.schema.js';
export { type IncidentDetail, IncidentsService, type MembershipCheck } from './incidents.service.js';
