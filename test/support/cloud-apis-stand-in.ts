import type { RecordedRequest, StandInAnswer } from './provider-apis-stand-in.js';

/**
 * Read APIs of Google Cloud, Azure Resource Manager, Datadog and Grafana, as routes for ProviderApisStandIn (none of
 * these services can run here). Each answer follows the vendor's documented response shape (field names, paging
 * tokens, nextLink, data frames); the data are small recorded-style fixtures:
 * - Google: GKE clusters.list, Compute aggregated instances, Cloud SQL instances.list, Logging entries:list,
 *   Monitoring timeSeries.list (project `shop-prod`; `big-project` has 300 clusters to exercise output caps);
 * - Azure: VMs (two pages via nextLink), AKS, SQL servers and databases, App Service sites, resources by name,
 *   Monitor metrics, Log Analytics workspaces and the workspace query API;
 * - Datadog: metrics query, logs search (cursor paging), monitors, events;
 * - Grafana: data sources, /api/ds/query, Grafana-managed alert rules (Prometheus-compatible rules API).
 */
export interface CloudApisFixtures {
  datadogApiKey: string;
  grafanaToken: string;
  subscriptionId: string;
  /** Compute instances in shop-prod (paged by maxResults). */
  computeInstances?: number;
}

type Request = RecordedRequest & { url: URL; bearerAccepted: boolean };

const ok = (body: unknown): StandInAnswer => ({ status: 200, body });
const googleUnauthenticated: StandInAnswer = {
  status: 401,
  body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } },
};
const googleDenied = (project: string): StandInAnswer => ({
  status: 403,
  body: {
    error: { code: 403, message: `Permission denied on resource project ${project}.`, status: 'PERMISSION_DENIED' },
  },
});

function gkeCluster(name: string, location: string, pools = 1) {
  return {
    name,
    location,
    status: 'RUNNING',
    currentMasterVersion: '1.30.5-gke.1014001',
    currentNodeCount: 3 * pools,
    endpoint: '34.76.10.20',
    releaseChannel: { channel: 'REGULAR' },
    selfLink: `https://container.googleapis.com/v1/projects/shop-prod/locations/${location}/clusters/${name}`,
    nodePools: Array.from({ length: pools }, (_, index) => ({
      name: `pool-${index}`,
      status: 'RUNNING',
      initialNodeCount: 3,
      config: { machineType: 'e2-standard-4', diskSizeGb: 100 },
      autoscaling: { enabled: true, minNodeCount: 1, maxNodeCount: 6 },
    })),
  };
}

export function cloudApiRoutes(fixtures: CloudApisFixtures): (request: Request) => StandInAnswer | undefined {
  const instances = Array.from({ length: fixtures.computeInstances ?? 5 }, (_, index) => ({
    id: String(1000 + index),
    name: `web-${index}`,
    zone: `https://www.googleapis.com/compute/v1/projects/shop-prod/zones/europe-west1-${index % 2 ? 'b' : 'c'}`,
    status: index === 0 ? 'TERMINATED' : 'RUNNING',
    machineType: 'https://www.googleapis.com/compute/v1/projects/shop-prod/zones/europe-west1-b/machineTypes/e2-medium',
    creationTimestamp: '2026-10-01T08:00:00.000-07:00',
    labels: { app: 'web' },
    networkInterfaces: [{ networkIP: `10.0.0.${index + 2}`, accessConfigs: [{ natIP: `35.0.0.${index + 2}` }] }],
  }));
  const sub = `/subscriptions/${fixtures.subscriptionId}`;
  const vmId = (name: string) => `${sub}/resourceGroups/shop-rg/providers/Microsoft.Compute/virtualMachines/${name}`;
  const siteId = `${sub}/resourceGroups/shop-rg/providers/Microsoft.Web/sites/checkout`;
  const workspaceId = `${sub}/resourceGroups/shop-rg/providers/Microsoft.OperationalInsights/workspaces/shop-logs`;

  return (request) => {
    const { url } = request;
    const path = url.pathname;

    // --- Google Cloud --------------------------------------------------------------------------------------
    if (
      path.startsWith('/google/') &&
      !path.startsWith('/google/token') &&
      !path.startsWith('/google/cloudresourcemanager')
    ) {
      if (!request.bearerAccepted) return googleUnauthenticated;
      const gke = /^\/google\/container\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/clusters$/.exec(path);
      if (gke) {
        const [, project = '', location = ''] = gke;
        if (project === 'big-project') {
          return ok({
            clusters: Array.from({ length: 300 }, (_, index) => gkeCluster(`cluster-${index}`, 'us-central1', 4)),
          });
        }
        if (project !== 'shop-prod') return googleDenied(project);
        const clusters = [gkeCluster('shop-prod-eu', 'europe-west1', 2), gkeCluster('shop-batch', 'europe-west1-b')];
        return ok({
          clusters: location === '-' ? clusters : clusters.filter((cluster) => cluster.location === location),
        });
      }
      const compute = /^\/google\/compute\/compute\/v1\/projects\/([^/]+)\/aggregated\/instances$/.exec(path);
      if (compute) {
        if (compute[1] !== 'shop-prod') return googleDenied(compute[1] ?? '');
        const max = Number(url.searchParams.get('maxResults') ?? '500');
        const start = Number(url.searchParams.get('pageToken') ?? '0');
        const page = instances.slice(start, start + max);
        const items: Record<string, { instances?: unknown[]; warning?: unknown }> = {
          'zones/us-east1-b': { warning: { code: 'NO_RESULTS_ON_PAGE', message: 'There are no results for scope' } },
        };
        for (const instance of page) {
          const zone = `zones/${instance.zone.split('/').at(-1)}`;
          const scoped = items[zone] ?? { instances: [] };
          scoped.instances?.push(instance);
          items[zone] = scoped;
        }
        return ok({
          kind: 'compute#instanceAggregatedList',
          items,
          ...(start + max < instances.length ? { nextPageToken: String(start + max) } : {}),
        });
      }
      const sql = /^\/google\/sqladmin\/v1\/projects\/([^/]+)\/instances$/.exec(path);
      if (sql) {
        return ok({
          items: [
            {
              kind: 'sql#instance',
              name: 'orders-db',
              databaseVersion: 'POSTGRES_15',
              region: 'europe-west1',
              state: 'RUNNABLE',
              settings: { tier: 'db-custom-2-7680', availabilityType: 'REGIONAL', dataDiskSizeGb: '100' },
              ipAddresses: [{ type: 'PRIVATE', ipAddress: '10.20.0.3' }],
            },
          ],
        });
      }
      if (path === '/google/logging/v2/entries:list' && request.method === 'POST') {
        const body = JSON.parse(request.body) as {
          resourceNames: string[];
          filter: string;
          pageSize: number;
          pageToken?: string;
        };
        const entries = [
          {
            insertId: 'a1',
            logName: 'projects/shop-prod/logs/stderr',
            timestamp: '2026-11-27T10:05:00.123Z',
            severity: 'ERROR',
            resource: { type: 'k8s_container', labels: { container_name: 'checkout', namespace_name: 'shop' } },
            textPayload: 'connection refused: orders-db:5432',
          },
          {
            insertId: 'a2',
            logName: 'projects/shop-prod/logs/run.googleapis.com%2Frequests',
            timestamp: '2026-11-27T10:04:00.000Z',
            severity: 'WARNING',
            resource: { type: 'cloud_run_revision', labels: { service_name: 'checkout' } },
            jsonPayload: { message: 'slow request', latencyMs: 2300 },
          },
        ];
        const start = Number(body.pageToken ?? '0');
        return ok({
          entries: entries.slice(start, start + body.pageSize),
          ...(start + body.pageSize < entries.length ? { nextPageToken: String(start + body.pageSize) } : {}),
        });
      }
      const series = /^\/google\/monitoring\/v3\/projects\/([^/]+)\/timeSeries$/.exec(path);
      if (series) {
        const end = Date.parse(url.searchParams.get('interval.endTime') ?? '');
        const filter = url.searchParams.get('filter') ?? '';
        if (!filter.includes('metric.type')) {
          return {
            status: 400,
            body: { error: { code: 400, message: 'Field filter had an invalid value', status: 'INVALID_ARGUMENT' } },
          };
        }
        const type = /metric\.type="([^"]+)"/.exec(filter)?.[1] ?? '';
        // Newest point first, as the API returns them.
        return ok({
          timeSeries: [
            {
              metric: { type, labels: { response_code_class: '5xx' } },
              resource: { type: 'cloud_run_revision', labels: { service_name: 'checkout', project_id: 'shop-prod' } },
              metricKind: 'DELTA',
              valueType: 'DOUBLE',
              points: [2, 1, 0].map((back) => ({
                interval: {
                  startTime: new Date(end - (back + 1) * 60_000).toISOString(),
                  endTime: new Date(end - back * 60_000).toISOString(),
                },
                value: { doubleValue: back === 0 ? 4.5 : 0.5 },
              })),
            },
          ],
        });
      }
      return undefined;
    }

    // --- Azure Resource Manager ----------------------------------------------------------------------------
    if (path.startsWith(`/azure/management${sub}/`) || path.startsWith(`/azure/management${sub}?`)) {
      if (!request.bearerAccepted) {
        return {
          status: 401,
          body: { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } },
        };
      }
      const arm = path.slice('/azure/management'.length);
      const base = `${url.origin}/azure/management`;
      if (arm === `${sub}/providers/Microsoft.Compute/virtualMachines`) {
        const vm = (name: string, power: string) => ({
          id: vmId(name),
          name,
          type: 'Microsoft.Compute/virtualMachines',
          location: 'westeurope',
          properties: {
            vmId: `00000000-0000-0000-0000-00000000000${name.length}`,
            hardwareProfile: { vmSize: 'Standard_D2s_v5' },
            storageProfile: { osDisk: { osType: 'Linux' } },
            provisioningState: 'Succeeded',
            instanceView: { statuses: [{ code: 'ProvisioningState/succeeded' }, { code: `PowerState/${power}` }] },
          },
        });
        if (url.searchParams.get('$skipToken') === 'page2') return ok({ value: [vm('batch-1', 'deallocated')] });
        return ok({
          value: [vm('web-1', 'running'), vm('web-2', 'running')],
          nextLink: `${base}${sub}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01&statusOnly=true&$skipToken=page2`,
        });
      }
      if (arm === `${sub}/providers/Microsoft.ContainerService/managedClusters`) {
        return ok({
          value: [
            {
              id: `${sub}/resourceGroups/shop-rg/providers/Microsoft.ContainerService/managedClusters/shop-aks`,
              name: 'shop-aks',
              type: 'Microsoft.ContainerService/ManagedClusters',
              location: 'westeurope',
              properties: {
                kubernetesVersion: '1.30.4',
                provisioningState: 'Succeeded',
                powerState: { code: 'Running' },
                fqdn: 'shop-aks-dns-1a2b3c.hcp.westeurope.azmk8s.io',
                agentPoolProfiles: [{ name: 'system', count: 3, vmSize: 'Standard_D4s_v5', mode: 'System' }],
              },
            },
          ],
        });
      }
      if (arm === `${sub}/providers/Microsoft.Sql/servers`) {
        return ok({
          value: [
            {
              id: `${sub}/resourceGroups/shop-rg/providers/Microsoft.Sql/servers/shop-sql`,
              name: 'shop-sql',
              type: 'Microsoft.Sql/servers',
              location: 'westeurope',
              properties: {
                fullyQualifiedDomainName: 'shop-sql.database.windows.net',
                state: 'Ready',
                version: '12.0',
              },
            },
          ],
        });
      }
      if (arm === `${sub}/resourceGroups/shop-rg/providers/Microsoft.Sql/servers/shop-sql/databases`) {
        return ok({
          value: ['master', 'orders'].map((name) => ({
            id: `${sub}/resourceGroups/shop-rg/providers/Microsoft.Sql/servers/shop-sql/databases/${name}`,
            name,
            type: 'Microsoft.Sql/servers/databases',
            sku: { name: name === 'master' ? 'System' : 'GP_S_Gen5', tier: 'GeneralPurpose' },
            properties: { status: 'Online' },
          })),
        });
      }
      if (arm === `${sub}/providers/Microsoft.Web/sites`) {
        return ok({
          value: [
            {
              id: siteId,
              name: 'checkout',
              type: 'Microsoft.Web/sites',
              kind: 'app,linux',
              location: 'westeurope',
              properties: {
                state: 'Running',
                defaultHostName: 'checkout.azurewebsites.net',
                serverFarmId: `${sub}/resourceGroups/shop-rg/providers/Microsoft.Web/serverfarms/shop-plan`,
              },
            },
          ],
        });
      }
      if (arm === `${sub}/resources`) {
        const name = /name eq '([^']+)'/.exec(url.searchParams.get('$filter') ?? '')?.[1];
        return ok({
          value:
            name === 'checkout'
              ? [{ id: siteId, name: 'checkout', type: 'Microsoft.Web/sites', location: 'westeurope' }]
              : [],
        });
      }
      if (
        arm === `${siteId}/providers/Microsoft.Insights/metrics` ||
        arm === `${vmId('web-1')}/providers/Microsoft.Insights/metrics`
      ) {
        const [from, to] = (url.searchParams.get('timespan') ?? '').split('/').map((value) => Date.parse(value));
        const aggregation = (url.searchParams.get('aggregation') ?? 'Average').toLowerCase();
        const names = (url.searchParams.get('metricnames') ?? '').split(',');
        return ok({
          cost: 0,
          timespan: url.searchParams.get('timespan'),
          interval: url.searchParams.get('interval'),
          value: names.map((name) => ({
            id: `${arm}/${name}`,
            type: 'Microsoft.Insights/metrics',
            name: { value: name, localizedValue: name },
            unit: name === 'HttpResponseTime' ? 'Seconds' : 'Count',
            timeseries: [
              {
                metadatavalues: [],
                data: [0, 1, 2].map((index) => ({
                  timeStamp: new Date((from ?? 0) + ((to ?? 0) - (from ?? 0)) * (index / 3)).toISOString(),
                  [aggregation]: name === 'Http5xx' ? index * 10 : 1 + index,
                })),
              },
            ],
          })),
          namespace: 'Microsoft.Web/sites',
          resourceregion: 'westeurope',
        });
      }
      if (arm === `${sub}/providers/Microsoft.OperationalInsights/workspaces`) {
        return ok({
          value: [
            {
              id: workspaceId,
              name: 'shop-logs',
              type: 'Microsoft.OperationalInsights/workspaces',
              location: 'westeurope',
            },
          ],
        });
      }
      if (arm === `${workspaceId}/api/query` && request.method === 'POST') {
        const body = JSON.parse(request.body) as { query: string; timespan?: string };
        return ok({
          tables: [
            {
              name: 'PrimaryResult',
              columns: [
                { name: 'TimeGenerated', type: 'datetime' },
                { name: 'Message', type: 'string' },
                { name: 'SeverityLevel', type: 'int' },
                { name: 'Service', type: 'string' },
              ],
              rows: body.query.includes('checkout')
                ? [
                    ['2026-11-27T10:05:00Z', 'SqlException: timeout expired', 3, 'checkout'],
                    ['2026-11-27T10:04:00Z', 'retrying order 1234', 2, 'checkout'],
                  ]
                : [],
            },
          ],
        });
      }
      return undefined;
    }

    // --- Datadog --------------------------------------------------------------------------------------------
    if (path.startsWith('/datadog/api/') && path !== '/datadog/api/v1/validate') {
      if (request.headers['dd-api-key'] !== fixtures.datadogApiKey)
        return { status: 403, body: { errors: ['Forbidden'] } };
      if (path === '/datadog/api/v1/query') {
        const from = Number(url.searchParams.get('from')) * 1000;
        const query = url.searchParams.get('query') ?? '';
        return ok({
          status: 'ok',
          res_type: 'time_series',
          from_date: from,
          to_date: Number(url.searchParams.get('to')) * 1000,
          query,
          series: [
            {
              metric: query.split(':')[1]?.split('{')[0] ?? query,
              expression: query,
              scope: /\{([^}]*)\}/.exec(query)?.[1] ?? '*',
              display_name: query,
              unit: [{ family: 'time', name: 'second' }, null],
              pointlist: [
                [from + 60_000, 0.2],
                [from + 120_000, null],
                [from + 180_000, 1.7],
              ],
              length: 3,
            },
          ],
        });
      }
      if (path === '/datadog/api/v2/logs/events/search' && request.method === 'POST') {
        const body = JSON.parse(request.body) as {
          filter: { query: string };
          page: { limit: number; cursor?: string };
        };
        const logs = [
          { status: 'error', message: 'payment gateway timeout after 5000 ms', timestamp: '2026-11-27T10:05:00.000Z' },
          { status: 'warn', message: 'retrying payment', timestamp: '2026-11-27T10:04:30.000Z' },
          { status: 'error', message: 'payment gateway timeout after 5012 ms', timestamp: '2026-11-27T10:04:00.000Z' },
        ];
        const start = Number(body.page.cursor ?? '0');
        const page = logs.slice(start, start + body.page.limit);
        const after = start + body.page.limit < logs.length ? String(start + body.page.limit) : undefined;
        return ok({
          data: page.map((log, index) => ({
            id: `AQAAAY${start + index}`,
            type: 'log',
            attributes: { ...log, service: 'checkout', host: 'i-0abc', tags: ['env:prod'], attributes: {} },
          })),
          meta: { page: after ? { after } : {}, status: 'done', elapsed: 12 },
          ...(after ? { links: { next: `https://api.datadoghq.eu/api/v2/logs/events?page[cursor]=${after}` } } : {}),
        });
      }
      if (path === '/datadog/api/v1/monitor') {
        return ok([
          {
            id: 101,
            name: 'Checkout error rate',
            type: 'query alert',
            query: 'avg(last_5m):sum:trace.http.request.errors{service:checkout} > 5',
            overall_state: 'Alert',
            tags: ['service:checkout'],
            priority: 2,
          },
          {
            id: 102,
            name: 'Orders latency',
            type: 'query alert',
            query: 'avg(last_5m):p99:trace.http.request{service:orders} > 2',
            overall_state: 'OK',
            tags: ['service:orders'],
            priority: null,
          },
        ]);
      }
      if (path === '/datadog/api/v2/events') {
        return ok({
          data: [
            {
              id: 'AAAAAWgN8Xwgr1vKDQAAAABBV2dOOFh3ZzZobm9mbXBZUW9BQUFBQUE',
              type: 'event',
              attributes: {
                timestamp: '2026-11-27T09:58:00Z',
                message: 'Deployed checkout v2.14.0',
                tags: ['service:checkout', 'env:prod'],
                attributes: { title: 'Deploy checkout v2.14.0', source_type_name: 'kubernetes', status: 'info' },
              },
            },
          ],
          meta: { page: {} },
        });
      }
      return undefined;
    }

    // --- Grafana --------------------------------------------------------------------------------------------
    if (path.startsWith('/grafana/api/') && path !== '/grafana/api/org') {
      if (request.headers.authorization !== `Bearer ${fixtures.grafanaToken}`)
        return { status: 401, body: { message: 'Invalid API key' } };
      if (path === '/grafana/api/datasources') {
        return ok([
          {
            id: 1,
            uid: 'prom-main',
            orgId: 1,
            name: 'Prometheus',
            type: 'prometheus',
            url: 'http://prometheus:9090',
            isDefault: true,
          },
          { id: 2, uid: 'loki-main', orgId: 1, name: 'Loki', type: 'loki', url: 'http://loki:3100', isDefault: false },
        ]);
      }
      if (path === '/grafana/api/ds/query' && request.method === 'POST') {
        const body = JSON.parse(request.body) as {
          from: string;
          to: string;
          queries: Array<{ refId: string; datasource: { uid: string }; expr?: string }>;
        };
        const query = body.queries[0];
        if (query?.datasource.uid !== 'prom-main') {
          return { status: 400, body: { results: { A: { error: 'data source not found', status: 400 } } } };
        }
        const from = Number(body.from);
        return ok({
          results: {
            A: {
              status: 200,
              frames: [
                {
                  schema: {
                    name: query.expr,
                    refId: 'A',
                    meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
                    fields: [
                      { name: 'Time', type: 'time', typeInfo: { frame: 'time.Time' }, config: { interval: 60000 } },
                      {
                        name: 'Value',
                        type: 'number',
                        typeInfo: { frame: 'float64' },
                        labels: { service: 'checkout' },
                        config: {},
                      },
                    ],
                  },
                  data: {
                    values: [Array.from({ length: 5 }, (_, index) => from + index * 60_000), [0.1, 0.1, 0.2, 2.5, 3.1]],
                  },
                },
              ],
            },
          },
        });
      }
      if (path === '/grafana/api/prometheus/grafana/api/v1/rules') {
        return ok({
          status: 'success',
          data: {
            groups: [
              {
                name: 'checkout',
                file: 'Shop',
                interval: 60,
                rules: [
                  {
                    name: 'CheckoutErrorRate',
                    state: 'firing',
                    health: 'ok',
                    type: 'alerting',
                    labels: { severity: 'critical' },
                    annotations: { summary: 'Checkout 5xx above 5%' },
                    alerts: [{ state: 'Alerting', activeAt: '2026-11-27T10:01:00Z', labels: { service: 'checkout' } }],
                  },
                  {
                    name: 'CheckoutLatency',
                    state: 'inactive',
                    health: 'ok',
                    type: 'alerting',
                    labels: {},
                    annotations: {},
                    alerts: [],
                  },
                ],
              },
            ],
          },
        });
      }
      return undefined;
    }
    return undefined;
  };
}
