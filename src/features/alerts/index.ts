export {
  type AlertSource,
  alertSources,
  isAlertSource,
  type NormalizedAlert,
  type ParseContext,
  type ParsedDelivery,
  type Severity,
  severities,
} from './alert.model.js';
export type { AlertCorrelator, CorrelationRound, StoredAlert } from './alert-correlator.js';
export { type AlertRow, AlertsRepository } from './alerts.repository.js';
export { registerAlertRoutes } from './alerts.routes.js';
export { type IntakeDependencies, IntakeService } from './intake.service.js';
export { IntakeBatcher } from './intake-batcher.js';
export { IntegrationsRepository } from './integrations.repository.js';
export { registerIntegrationRoutes } from './integrations.routes.js';
export { IntegrationsService, webhookPath } from './integrations.service.js';
/** The pure per-source webhook parsers, for code that normalises recorded payloads (eval scenarios, the demo). */
export { parsers as alertParsers } from './sources/index.js';
export { SnsMessageVerifier, signAuroraPayload } from './webhook-verification/index.js';
export { registerWebhookRoutes } from './webhooks.routes.js';
