import { z } from 'zod';
import { ValidationFailed } from '../../platform/errors.js';
import { type AnyToolDefinition, defineTool } from '../agent/index.js';
import type { ConnectionContext, ConnectionScope } from '../connectors/index.js';
import type { TimeWindow } from '../telemetry/index.js';
import { type CallerContext, type ConnectionGateway, expectCredentials } from './connection-gateway.js';
import { bearerJson, decodeLinkToken, encodeLinkToken, lastSegment } from './provider-request.js';
import {
  callerOf,
  compact,
  connectionIdField,
  fitPage,
  limitField,
  listToolTimeoutMs,
  offsetPage,
  pageTokenField,
  toolOutputCapChars,
  windowFields,
  windowOf,
} from './tool-fields.js';

// ARM API versions (generally available ones, as documented per resource provider).
export const azureApiVersions = {
  compute: '2024-07-01',
  containerService: '2024-09-01',
  sql: '2023-08-01',
  web: '2023-12-01',
  resources: '2021-04-01',
  metrics: '2018-01-01',
  workspaces: '2023-09-01',
  logAnalyticsQuery: '2017-01-01-preview',
} as const;

const subscriptionField = z.uuid().optional().describe("the subscription id; default: the connection's subscription");
const resourceIdField = z
  .string()
  .regex(/^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\/[^?#]+$/, 'an Azure resource id')
  .max(1_000);

function subscriptionOf(requested: string | undefined, scope: ConnectionScope): string {
  const subscription =
    requested ?? scope.subscription ?? (scope.subscriptions?.length === 1 ? scope.subscriptions[0] : undefined);
  if (!subscription)
    throw new ValidationFailed(
      `Name a subscription; this connection reaches: ${scope.subscriptions?.join(', ') || 'unknown'}`,
    );
  return subscription;
}

export function withAzure<T>(
  options: { gateway: ConnectionGateway; caller: CallerContext; connectionId?: string; tool: string },
  run: (token: string, connection: ConnectionContext) => Promise<T>,
): Promise<T> {
  return options.gateway.call('azure', options.tool, options.caller, options.connectionId, (credentials, connection) =>
    run(expectCredentials(credentials, 'access_token').accessToken, connection),
  );
}

interface ArmList<Item> {
  value?: Item[];
  nextLink?: string;
}

interface ArmResource {
  id: string;
  name: string;
  type?: string;
  location?: string;
  kind?: string;
  tags?: Record<string, string>;
}

const resourceGroupOf = (id: string) => /\/resourceGroups\/([^/]+)/i.exec(id)?.[1];

/** One ARM list page: the first for `path`, or the one a previous nextLink (as pageToken) named. */
async function armPage<Item>(
  gateway: ConnectionGateway,
  token: string,
  connection: ConnectionContext,
  path: string,
  pageToken: string | undefined,
  signal?: AbortSignal,
): Promise<{ items: Item[]; nextPageToken?: string }> {
  const base = gateway.config.azureManagementUrl;
  const url = pageToken ? decodeLinkToken(pageToken, base) : `${base}${path}`;
  const body = await bearerJson<ArmList<Item>>('Azure Resource Manager', connection, token, url, { signal });
  const next = body.nextLink?.startsWith(`${base}/`) ? body.nextLink : undefined;
  return { items: body.value ?? [], ...(next ? { nextPageToken: encodeLinkToken(next) } : {}) };
}

async function armAll<Item>(
  gateway: ConnectionGateway,
  token: string,
  connection: ConnectionContext,
  path: string,
  max: number,
  signal?: AbortSignal,
): Promise<Item[]> {
  const items: Item[] = [];
  let pageToken: string | undefined;
  do {
    const page = await armPage<Item>(gateway, token, connection, path, pageToken, signal);
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken && items.length < max);
  return items.slice(0, max);
}

/** Azure Monitor metrics of one resource; points oldest first as [epoch ms, value]. */
export async function azureMetrics(
  gateway: ConnectionGateway,
  token: string,
  connection: ConnectionContext,
  request: {
    resourceId: string;
    metricNames: string[];
    aggregation: string;
    window: TimeWindow;
    intervalMinutes: number;
    signal?: AbortSignal;
  },
) {
  const url = new URL(`${gateway.config.azureManagementUrl}${request.resourceId}/providers/Microsoft.Insights/metrics`);
  url.searchParams.set('api-version', azureApiVersions.metrics);
  url.searchParams.set('metricnames', request.metricNames.join(','));
  url.searchParams.set('timespan', `${request.window.from.toISOString()}/${request.window.to.toISOString()}`);
  url.searchParams.set('interval', `PT${request.intervalMinutes}M`);
  url.searchParams.set('aggregation', request.aggregation);
  const body = await bearerJson<{
    value?: Array<{
      name?: { value?: string };
      unit?: string;
      errorCode?: string;
      timeseries?: Array<{
        metadatavalues?: Array<{ name?: { value?: string }; value?: string }>;
        data?: Array<Record<string, number | string | undefined>>;
      }>;
    }>;
  }>('Azure Monitor', connection, token, url.toString(), { signal: request.signal });
  const field = request.aggregation.toLowerCase();
  return (body.value ?? []).flatMap((metric) =>
    (metric.timeseries ?? []).map((series) => ({
      metric: metric.name?.value ?? '',
      unit: metric.unit,
      labels: Object.fromEntries(
        (series.metadatavalues ?? []).map((entry) => [entry.name?.value ?? '', entry.value ?? '']),
      ),
      points: (series.data ?? [])
        .map((point): [number, number] => [Date.parse(String(point.timeStamp)), Number(point[field])])
        .filter(([at, value]) => Number.isFinite(at) && Number.isFinite(value) && value !== null),
    })),
  );
}

/** Aligns the interval to Azure's supported grains (PT1M … PT1H) so a series stays under ~300 points. */
export function azureInterval(window: TimeWindow): number {
  const minutes = (window.to.getTime() - window.from.getTime()) / 60_000;
  return [1, 5, 15, 30, 60].find((grain) => minutes / grain <= 300) ?? 60;
}

/** A Log Analytics (KQL) query through ARM's workspace query endpoint, as rows of column → value. */
export async function logAnalyticsQuery(
  gateway: ConnectionGateway,
  token: string,
  connection: ConnectionContext,
  request: { workspaceId: string; query: string; window: TimeWindow; signal?: AbortSignal },
) {
  const url = `${gateway.config.azureManagementUrl}${request.workspaceId}/api/query?api-version=${azureApiVersions.logAnalyticsQuery}`;
  const body = await bearerJson<{
    tables?: Array<{ name?: string; columns?: Array<{ name?: string; columnName?: string }>; rows?: unknown[][] }>;
  }>('Azure Log Analytics', connection, token, url, {
    method: 'POST',
    body: { query: request.query, timespan: `${request.window.from.toISOString()}/${request.window.to.toISOString()}` },
    signal: request.signal,
  });
  const table = body.tables?.[0];
  const columns = (table?.columns ?? []).map((column) => column.name ?? column.columnName ?? '');
  return (table?.rows ?? []).map((row) => Object.fromEntries(columns.map((column, index) => [column, row[index]])));
}

/** Log Analytics workspaces in a subscription (resource ids). */
export async function logAnalyticsWorkspaces(
  gateway: ConnectionGateway,
  token: string,
  connection: ConnectionContext,
  subscription: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const workspaces = await armAll<ArmResource>(
    gateway,
    token,
    connection,
    `/subscriptions/${subscription}/providers/Microsoft.OperationalInsights/workspaces?api-version=${azureApiVersions.workspaces}`,
    20,
    signal,
  );
  return workspaces.map((workspace) => workspace.id);
}

/** Resources in a subscription whose name is exactly `name` (ARM `$filter=name eq`). */
export async function azureResourcesNamed(
  gateway: ConnectionGateway,
  token: string,
  connection: ConnectionContext,
  subscription: string,
  name: string,
  signal?: AbortSignal,
): Promise<ArmResource[]> {
  const filter = encodeURIComponent(`name eq '${name.replace(/'/g, "''")}'`);
  return armAll<ArmResource>(
    gateway,
    token,
    connection,
    `/subscriptions/${subscription}/resources?$filter=${filter}&api-version=${azureApiVersions.resources}`,
    20,
    signal,
  );
}

export { subscriptionOf as azureSubscriptionOf };

/** Read-only Azure tools through ARM with the service principal's token: VMs, AKS, SQL, App Service, Monitor. */
export function azureTools(gateway: ConnectionGateway): AnyToolDefinition[] {
  const common = {
    access: 'readOnly' as const,
    connector: 'azure',
    timeoutMs: listToolTimeoutMs,
    outputCapChars: toolOutputCapChars + 500,
  };
  const page = <Item>(
    connection: ConnectionContext,
    scope: string,
    rest: { items: Item[]; nextPageToken?: string; note?: string },
  ) => fitPage({ connection: { id: connection.id, name: connection.name }, scope, ...rest });
  const listInput = z.object({
    connectionId: connectionIdField,
    subscription: subscriptionField,
    pageToken: pageTokenField,
    limit: limitField(200, 50),
  });
  return [
    defineTool({
      ...common,
      name: 'azure_list_vms',
      description:
        'List virtual machines in a subscription: name, resource group, location, size, OS, power state (cached for 30 minutes).',
      input: listInput,
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withAzure(
          { gateway, caller, connectionId: input.connectionId, tool: 'azure_list_vms' },
          async (token, connection) => {
            const subscription = subscriptionOf(input.subscription, connection.scope);
            const vms = await connection.cache.getOrLoad(
              connection.cacheKeys.azureVms(caller.userId ?? 'org', subscription),
              async () => {
                const listed = await armAll<
                  ArmResource & {
                    properties?: {
                      vmId?: string;
                      provisioningState?: string;
                      hardwareProfile?: { vmSize?: string };
                      storageProfile?: { osDisk?: { osType?: string } };
                      instanceView?: { statuses?: Array<{ code?: string }> };
                    };
                  }
                >(
                  gateway,
                  token,
                  connection,
                  `/subscriptions/${subscription}/providers/Microsoft.Compute/virtualMachines?api-version=${azureApiVersions.compute}&statusOnly=true`,
                  2_000,
                  caller.signal,
                );
                return listed.map((vm) =>
                  compact({
                    name: vm.name,
                    resourceGroup: resourceGroupOf(vm.id),
                    location: vm.location,
                    size: vm.properties?.hardwareProfile?.vmSize,
                    os: vm.properties?.storageProfile?.osDisk?.osType,
                    powerState: vm.properties?.instanceView?.statuses
                      ?.map((status) => status.code)
                      .find((code) => code?.startsWith('PowerState/'))
                      ?.slice('PowerState/'.length),
                    provisioningState: vm.properties?.provisioningState,
                    id: vm.id,
                  }),
                );
              },
            );
            return page(connection, subscription, offsetPage(vms, input));
          },
        );
      },
    }),
    defineTool({
      ...common,
      name: 'azure_list_aks_clusters',
      description:
        'List AKS managed clusters in a subscription: name, resource group, location, Kubernetes version, power and provisioning state, node pools.',
      input: listInput,
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withAzure(
          { gateway, caller, connectionId: input.connectionId, tool: 'azure_list_aks_clusters' },
          async (token, connection) => {
            const subscription = subscriptionOf(input.subscription, connection.scope);
            const listed = await armPage<
              ArmResource & {
                properties?: {
                  kubernetesVersion?: string;
                  provisioningState?: string;
                  powerState?: { code?: string };
                  fqdn?: string;
                  agentPoolProfiles?: Array<{ name?: string; count?: number; vmSize?: string; mode?: string }>;
                };
              }
            >(
              gateway,
              token,
              connection,
              `/subscriptions/${subscription}/providers/Microsoft.ContainerService/managedClusters?api-version=${azureApiVersions.containerService}`,
              input.pageToken,
              caller.signal,
            );
            return page(connection, subscription, {
              items: listed.items.map((cluster) =>
                compact({
                  name: cluster.name,
                  resourceGroup: resourceGroupOf(cluster.id),
                  location: cluster.location,
                  version: cluster.properties?.kubernetesVersion,
                  powerState: cluster.properties?.powerState?.code,
                  provisioningState: cluster.properties?.provisioningState,
                  fqdn: cluster.properties?.fqdn,
                  nodePools: cluster.properties?.agentPoolProfiles?.map(
                    (pool) => `${pool.name} (${pool.mode ?? 'User'}): ${pool.count ?? '?'} × ${pool.vmSize ?? '?'}`,
                  ),
                }),
              ),
              ...(listed.nextPageToken ? { nextPageToken: listed.nextPageToken } : {}),
            });
          },
        );
      },
    }),
    defineTool({
      ...common,
      name: 'azure_list_sql_databases',
      description: 'List Azure SQL servers in a subscription with their databases (name, SKU, status).',
      input: z.object({
        connectionId: connectionIdField,
        subscription: subscriptionField,
        pageToken: pageTokenField,
        limit: limitField(20, 10).describe('servers per page'),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withAzure(
          { gateway, caller, connectionId: input.connectionId, tool: 'azure_list_sql_databases' },
          async (token, connection) => {
            const subscription = subscriptionOf(input.subscription, connection.scope);
            const servers = await armAll<
              ArmResource & { properties?: { fullyQualifiedDomainName?: string; state?: string; version?: string } }
            >(
              gateway,
              token,
              connection,
              `/subscriptions/${subscription}/providers/Microsoft.Sql/servers?api-version=${azureApiVersions.sql}`,
              500,
              caller.signal,
            );
            const paged = offsetPage(servers, input);
            const items = await Promise.all(
              paged.items.map(async (server) => {
                const databases = await armAll<
                  ArmResource & { sku?: { name?: string; tier?: string }; properties?: { status?: string } }
                >(
                  gateway,
                  token,
                  connection,
                  `${server.id}/databases?api-version=${azureApiVersions.sql}`,
                  100,
                  caller.signal,
                );
                return compact({
                  server: server.name,
                  resourceGroup: resourceGroupOf(server.id),
                  location: server.location,
                  fqdn: server.properties?.fullyQualifiedDomainName,
                  state: server.properties?.state,
                  databases: databases
                    .filter((database) => database.name !== 'master')
                    .map(
                      (database) =>
                        `${database.name} (${database.sku?.name ?? '?'}, ${database.properties?.status ?? '?'})`,
                    ),
                });
              }),
            );
            return page(connection, subscription, {
              items,
              ...(paged.nextPageToken ? { nextPageToken: paged.nextPageToken } : {}),
            });
          },
        );
      },
    }),
    defineTool({
      ...common,
      name: 'azure_list_app_services',
      description:
        'List App Service apps (web apps and function apps) in a subscription: name, kind, state, host name, plan.',
      input: listInput,
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withAzure(
          { gateway, caller, connectionId: input.connectionId, tool: 'azure_list_app_services' },
          async (token, connection) => {
            const subscription = subscriptionOf(input.subscription, connection.scope);
            const listed = await armPage<
              ArmResource & { properties?: { state?: string; defaultHostName?: string; serverFarmId?: string } }
            >(
              gateway,
              token,
              connection,
              `/subscriptions/${subscription}/providers/Microsoft.Web/sites?api-version=${azureApiVersions.web}`,
              input.pageToken,
              caller.signal,
            );
            return page(connection, subscription, {
              items: listed.items.map((site) =>
                compact({
                  name: site.name,
                  kind: site.kind,
                  resourceGroup: resourceGroupOf(site.id),
                  location: site.location,
                  state: site.properties?.state,
                  hostName: site.properties?.defaultHostName,
                  plan: lastSegment(site.properties?.serverFarmId),
                  id: site.id,
                }),
              ),
              ...(listed.nextPageToken ? { nextPageToken: listed.nextPageToken } : {}),
            });
          },
        );
      },
    }),
    defineTool({
      ...common,
      name: 'azure_query_metrics',
      description:
        'Read Azure Monitor platform metrics of one resource (its full resource id), e.g. "Percentage CPU" of a VM or Requests,Http5xx of a web app. Points are [epoch ms, value], oldest first.',
      input: z.object({
        connectionId: connectionIdField,
        resourceId: resourceIdField,
        metricNames: z.array(z.string().min(1).max(200)).min(1).max(10),
        aggregation: z.enum(['Average', 'Total', 'Maximum', 'Minimum', 'Count']).default('Average'),
        ...windowFields,
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return withAzure(
          { gateway, caller, connectionId: input.connectionId, tool: 'azure_query_metrics' },
          async (token, connection) => {
            const series = await azureMetrics(gateway, token, connection, {
              resourceId: input.resourceId,
              metricNames: input.metricNames,
              aggregation: input.aggregation,
              window,
              intervalMinutes: azureInterval(window),
              signal: caller.signal,
            });
            return page(connection, lastSegment(input.resourceId) ?? '', { items: series });
          },
        );
      },
    }),
    defineTool({
      ...common,
      name: 'azure_query_logs',
      description:
        'Run a KQL query against a Log Analytics workspace (its resource id; omit it to use the only workspace of the subscription), e.g. AppExceptions | where TimeGenerated > ago(1h) | take 50.',
      input: z.object({
        connectionId: connectionIdField,
        subscription: subscriptionField,
        workspaceId: resourceIdField.optional().describe('the workspace resource id'),
        query: z.string().min(1).max(10_000).describe('a KQL query'),
        ...windowFields,
        limit: limitField(500, 100).describe('rows at most'),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return withAzure(
          { gateway, caller, connectionId: input.connectionId, tool: 'azure_query_logs' },
          async (token, connection) => {
            let workspaceId = input.workspaceId;
            if (!workspaceId) {
              const workspaces = await logAnalyticsWorkspaces(
                gateway,
                token,
                connection,
                subscriptionOf(input.subscription, connection.scope),
                caller.signal,
              );
              if (workspaces.length !== 1) {
                throw new ValidationFailed(
                  workspaces.length === 0
                    ? 'The subscription has no Log Analytics workspace'
                    : `Pass workspaceId, one of: ${workspaces.join(', ')}`,
                );
              }
              workspaceId = workspaces[0] as string;
            }
            const rows = await logAnalyticsQuery(gateway, token, connection, {
              workspaceId,
              query: input.query,
              window,
              signal: caller.signal,
            });
            return page(connection, lastSegment(workspaceId) ?? '', {
              items: rows.slice(0, input.limit),
              ...(rows.length > input.limit
                ? { note: `${rows.length - input.limit} more rows; add a take or summarize` }
                : {}),
            });
          },
        );
      },
    }),
  ];
}
