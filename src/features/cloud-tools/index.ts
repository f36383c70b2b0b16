export { type CloudTools, connectedProvidersFrom, createCloudTools } from './cloud-tools.js';
export {
  ConnectedTelemetry,
  type ConnectedTelemetrySources,
  cloudWatchSignals,
  datadogSignals,
  gcpSignals,
  type TelemetryForOptions,
} from './connected-telemetry.js';
export type { CallerContext, CloudToolsDependencies } from './connection-gateway.js';
export { fitPage, type ToolPage, toolOutputCapChars } from './tool-fields.js';
