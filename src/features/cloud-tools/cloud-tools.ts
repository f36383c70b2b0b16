import type { AnyToolDefinition, ConnectedProviders } from '../agent/index.js';
import type { ConnectorsService } from '../connectors/index.js';
import { awsTools } from './aws.tools.js';
import { azureTools } from './azure.tools.js';
import { clusterAndCodeTools } from './cluster-and-code.tools.js';
import { ConnectedTelemetry } from './connected-telemetry.js';
import { type CloudToolsDependencies, ConnectionGateway } from './connection-gateway.js';
import { datadogTools } from './datadog.tools.js';
import { gcpTools } from './gcp.tools.js';
import { grafanaTools } from './grafana.tools.js';

export interface CloudTools {
  /** Every read-only provider tool, for `agent.registry.register(...)`. */
  tools: AnyToolDefinition[];
  /** Telemetry ports from an org's connections, for investigations (`telemetry.telemetryFor(orgId)`). */
  telemetry: ConnectedTelemetry;
  /** The agent's connected-providers port, answered from the org's active connections. */
  connectedProviders: ConnectedProviders;
}

export function createCloudTools(dependencies: CloudToolsDependencies): CloudTools {
  const gateway = new ConnectionGateway(dependencies);
  return {
    tools: [
      ...gcpTools(gateway),
      ...awsTools(gateway, { pollIntervalMs: dependencies.pollIntervalMs }),
      ...azureTools(gateway),
      ...datadogTools(gateway),
      ...grafanaTools(gateway),
      ...clusterAndCodeTools(gateway),
    ],
    telemetry: new ConnectedTelemetry(gateway, { pollIntervalMs: dependencies.pollIntervalMs }),
    connectedProviders: connectedProvidersFrom(dependencies.connectors),
  };
}

/** What the agent's system prompt lists: each active connection with its id, so the model can pass connectionId. */
export function connectedProvidersFrom(connectors: ConnectorsService): ConnectedProviders {
  return {
    list: async ({ orgId }) =>
      (await connectors.listConnectedProviders(orgId)).map((provider) => ({
        connector: provider.provider,
        name: `${provider.providerName} (${provider.name})`,
        scope: `${provider.summary}; connectionId ${provider.connectionId}`,
      })),
  };
}
