export {
  type ConnectionCacheKeys,
  ConnectorCache,
  connectionCacheKeys,
  connectorCacheTtlSeconds,
} from './connector-cache.js';
export { registerConnectorRoutes } from './connectors.routes.js';
export { type ConnectionStatus, connectionStatuses } from './connectors.schema.js';
export {
  type ConnectedProvider,
  type ConnectionContext,
  type ConnectionScope,
  type ConnectionView,
  type ConnectorNotice,
  type ConnectorNotificationHook,
  ConnectorsService,
  type ConnectorsServiceDependencies,
  type CredentialUse,
  connectorEventTypes,
} from './connectors.service.js';
export type { ProviderCredentials } from './credentials.js';
export { CredentialsRejected, callProvider, type ProviderRequest, type ProviderResponse } from './provider-http.js';
export { awsError } from './providers/aws.js';
export { googleApiBase } from './providers/gcp.js';
export { authorizationHeader, datadogApiUrl, joinUrl } from './providers/http-apis.js';
export { type AuthKind, authKinds, type ProviderId, providerIds, providers } from './providers.js';
