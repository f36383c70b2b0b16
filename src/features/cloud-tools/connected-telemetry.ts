import type { ConnectedProvider } from '../connectors/index.js';
import {
  type ChangesPort,
  combineChanges,
  gitHubChanges,
  type KubernetesPort,
  kubernetesTelemetry,
  type LogLevel,
  type LogRecord,
  type LogsPort,
  type LogsQuery,
  levelRank,
  logLevels,
  type MetricSeries,
  type MetricsPort,
  type MetricsQuery,
  type PortCallOptions,
  prometheusMetrics,
  type TelemetrySources,
} from '../telemetry/index.js';
import { cloudWatchMetricData, findLogGroups, logsInsightsQuery, withAws } from './aws.tools.js';
import {
  azureInterval,
  azureMetrics,
  azureResourcesNamed,
  azureSubscriptionOf,
  logAnalyticsQuery,
  logAnalyticsWorkspaces,
  withAzure,
} from './azure.tools.js';
import { contextNamespace } from './cluster-and-code.tools.js';
import { type CallerContext, type ConnectionGateway, expectCredentials } from './connection-gateway.js';
import { datadogLogSearch, datadogMetricQuery, withDatadog } from './datadog.tools.js';
import {
  alignmentFor,
  gcpLevel,
  gcpLogEntries,
  gcpProjectOf,
  gcpSeverityFloor,
  gcpTimeSeries,
  withGoogle,
} from './gcp.tools.js';

export interface TelemetryForOptions {
  /** The person the investigation runs for (audit and rate limit); absent for background investigations. */
  userId?: string;
  /** Recorded with every credential read (e.g. the investigation id). */
  requestId?: string;
}

/** The ports built from an org's connections, and which connections fed each. */
export interface ConnectedTelemetrySources extends TelemetrySources {
  connected: Array<{ port: 'metrics' | 'logs' | 'changes' | 'kubernetes'; provider: string; connectionId: string }>;
}

// Names that go into provider query languages unquoted (Datadog tags) or quoted (PromQL, KQL, filters).
const safeService = /^[A-Za-z0-9][A-Za-z0-9._-]{0,250}$/;
function assertSafeService(service: string): void {
  if (!safeService.test(service))
    throw new Error(`"${service.slice(0, 50)}" is not a service name this adapter can query`);
}

/** Datadog metric queries per signal, following Datadog APM and Kubernetes integration metric names. */
export const datadogSignals: Record<string, string> = {
  request_rate: 'sum:trace.http.request.hits{service:$service}.as_rate()',
  error_rate: 'sum:trace.http.request.errors{service:$service}.as_rate()',
  latency_p99: 'p99:trace.http.request{service:$service}',
  cpu_utilization: 'avg:kubernetes.cpu.usage.total{service:$service}',
  memory_usage_bytes: 'avg:kubernetes.memory.usage{service:$service}',
};

/** CloudWatch Metrics Insights queries per signal: the service as a Lambda function or an ECS service. */
export const cloudWatchSignals: Record<string, { expression: string; stat?: string }> = {
  invocations: {
    expression: 'SELECT SUM(Invocations) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName = \'$service\'',
  },
  error_count: {
    expression: 'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName = \'$service\'',
  },
  latency_max: {
    expression: 'SELECT MAX(Duration) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName = \'$service\'',
  },
  throttles: {
    expression: 'SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName = \'$service\'',
  },
  cpu_utilization: {
    expression:
      'SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/ECS", ClusterName, ServiceName) WHERE ServiceName = \'$service\'',
  },
  memory_utilization: {
    expression:
      'SELECT AVG(MemoryUtilization) FROM SCHEMA("AWS/ECS", ClusterName, ServiceName) WHERE ServiceName = \'$service\'',
  },
};

/** Cloud Monitoring per signal: Cloud Run services and GKE containers named like the service. */
export const gcpSignals: Record<string, { filter: string; aligner: string; reducer: string }> = {
  request_rate: {
    filter: 'metric.type="run.googleapis.com/request_count" AND resource.labels.service_name="$service"',
    aligner: 'ALIGN_RATE',
    reducer: 'REDUCE_SUM',
  },
  error_rate: {
    filter:
      'metric.type="run.googleapis.com/request_count" AND resource.labels.service_name="$service" AND metric.labels.response_code_class="5xx"',
    aligner: 'ALIGN_RATE',
    reducer: 'REDUCE_SUM',
  },
  latency_p99: {
    filter: 'metric.type="run.googleapis.com/request_latencies" AND resource.labels.service_name="$service"',
    aligner: 'ALIGN_PERCENTILE_99',
    reducer: 'REDUCE_MAX',
  },
  cpu_utilization: {
    filter: 'metric.type="kubernetes.io/container/cpu/core_usage_time" AND resource.labels.container_name="$service"',
    aligner: 'ALIGN_RATE',
    reducer: 'REDUCE_SUM',
  },
  memory_used_bytes: {
    filter: 'metric.type="kubernetes.io/container/memory/used_bytes" AND resource.labels.container_name="$service"',
    aligner: 'ALIGN_MEAN',
    reducer: 'REDUCE_SUM',
  },
  restarts: {
    filter: 'metric.type="kubernetes.io/container/restart_count" AND resource.labels.container_name="$service"',
    aligner: 'ALIGN_DELTA',
    reducer: 'REDUCE_SUM',
  },
};

/** Azure Monitor metrics per resource type: signal → metric name and aggregation. */
export const azureSignals: Record<string, Record<string, { metric: string; aggregation: string }>> = {
  'microsoft.web/sites': {
    request_rate: { metric: 'Requests', aggregation: 'Total' },
    error_count: { metric: 'Http5xx', aggregation: 'Total' },
    latency_avg: { metric: 'HttpResponseTime', aggregation: 'Average' },
    cpu_time: { metric: 'CpuTime', aggregation: 'Total' },
  },
  'microsoft.compute/virtualmachines': {
    cpu_utilization: { metric: 'Percentage CPU', aggregation: 'Average' },
    available_memory_bytes: { metric: 'Available Memory Bytes', aggregation: 'Average' },
  },
  'microsoft.sql/servers/databases': {
    cpu_utilization: { metric: 'cpu_percent', aggregation: 'Average' },
    deadlocks: { metric: 'deadlock', aggregation: 'Total' },
    connection_failures: { metric: 'connection_failed', aggregation: 'Total' },
  },
};

const wanted = <T>(signals: Record<string, T>, query: MetricsQuery) =>
  Object.entries(signals).filter(([name]) => !query.signals?.length || query.signals.includes(name));

/** The level a free-text log line most likely has (CloudWatch lines carry no structured level). */
export function levelFromMessage(message: string): LogLevel {
  if (/\b(fatal|panic|critical|emerg)/i.test(message)) return 'fatal';
  if (/\b(error|exception|err)\b|traceback/i.test(message)) return 'error';
  if (/\bwarn(ing)?\b/i.test(message)) return 'warn';
  if (/\bdebug\b/i.test(message)) return 'debug';
  return 'info';
}

const datadogStatusLevel: Record<string, LogLevel> = {
  emergency: 'fatal',
  alert: 'fatal',
  critical: 'fatal',
  error: 'error',
  warn: 'warn',
  warning: 'warn',
  notice: 'info',
  info: 'info',
  ok: 'info',
  debug: 'debug',
  trace: 'debug',
};
const datadogStatusesFrom = (minLevel: LogLevel) =>
  Object.entries(datadogStatusLevel)
    .filter(([, level]) => levelRank(level) >= levelRank(minLevel))
    .map(([status]) => status);

/** Several ports of one kind as one: answers with what every reachable provider returned; fails only if all fail. */
function fanOut<Result>(name: string, calls: Array<() => Promise<Result[]>>): Promise<Result[]> {
  // A call that throws before its first await (a refused service name) counts as that provider failing.
  return Promise.allSettled(calls.map((call) => Promise.resolve().then(call))).then((settled) => {
    const fulfilled = settled.filter(
      (result): result is PromiseFulfilledResult<Result[]> => result.status === 'fulfilled',
    );
    if (fulfilled.length === 0 && settled.length > 0) {
      const reasons = settled
        .map((result) =>
          result.status === 'rejected' ? String((result.reason as Error)?.message ?? result.reason) : '',
        )
        .filter(Boolean);
      throw new Error(`${name}: every provider failed: ${reasons.join('; ').slice(0, 1_000)}`);
    }
    return fulfilled.flatMap((result) => result.value);
  });
}

/**
 * Telemetry ports built from an organization's connections, so an investigation uses whichever providers the org
 * connected: Prometheus, Datadog, CloudWatch, Cloud Monitoring and Azure Monitor for metrics; Datadog, CloudWatch
 * Logs Insights, Cloud Logging and Log Analytics for logs; GitHub for changes; Kubernetes for workloads. Every call
 * goes through the connection gateway (audited credential read, rate limit).
 */
export class ConnectedTelemetry {
  constructor(
    private readonly gateway: ConnectionGateway,
    private readonly options: { pollIntervalMs?: number } = {},
  ) {}

  async telemetryFor(orgId: string, options: TelemetryForOptions = {}): Promise<ConnectedTelemetrySources> {
    const connections = await this.gateway.dependencies.connectors.listConnectedProviders(orgId);
    const base: CallerContext = { orgId, userId: options.userId, requestId: options.requestId };
    const connected: ConnectedTelemetrySources['connected'] = [];
    const metricPorts: Array<{ name: string; port: MetricsPort }> = [];
    const logPorts: Array<{ name: string; port: LogsPort }> = [];
    const changePorts: ChangesPort[] = [];
    let kubernetes: KubernetesPort | undefined;

    for (const connection of connections) {
      const metrics = this.metricsFor(connection, base);
      if (metrics) {
        metricPorts.push({ name: connection.provider, port: metrics });
        connected.push({ port: 'metrics', provider: connection.provider, connectionId: connection.connectionId });
      }
      const logs = this.logsFor(connection, base);
      if (logs) {
        logPorts.push({ name: connection.provider, port: logs });
        connected.push({ port: 'logs', provider: connection.provider, connectionId: connection.connectionId });
      }
      if (connection.provider === 'github') {
        changePorts.push(this.githubChanges(connection, base));
        connected.push({ port: 'changes', provider: 'github', connectionId: connection.connectionId });
      }
      if (connection.provider === 'kubernetes' && !kubernetes) {
        kubernetes = this.kubernetes(connection, base);
        connected.push({ port: 'kubernetes', provider: 'kubernetes', connectionId: connection.connectionId });
      }
    }

    const sources: ConnectedTelemetrySources = { connected };
    if (metricPorts.length > 0) {
      const name = [...new Set(metricPorts.map((entry) => entry.name))].join('+');
      sources.metrics = {
        name,
        query: (query, callOptions) =>
          fanOut(
            name,
            metricPorts.map((entry) => () => entry.port.query(query, callOptions)),
          ),
      };
    }
    if (logPorts.length > 0) {
      const name = [...new Set(logPorts.map((entry) => entry.name))].join('+');
      sources.logs = {
        name,
        search: async (query, callOptions) => {
          const records = await fanOut(
            name,
            logPorts.map((entry) => () => entry.port.search(query, callOptions)),
          );
          return records.sort((left, right) => right.time.getTime() - left.time.getTime()).slice(0, query.limit ?? 200);
        },
      };
    }
    if (changePorts.length > 0) sources.changes = combineChanges('github', changePorts);
    if (kubernetes) sources.kubernetes = kubernetes;
    return sources;
  }

  private caller(base: CallerContext, options?: PortCallOptions): CallerContext {
    return { ...base, signal: options?.signal };
  }

  private metricsFor(connection: ConnectedProvider, base: CallerContext): MetricsPort | undefined {
    const gateway = this.gateway;
    const id = connection.connectionId;
    const tool = 'telemetry.metrics';
    switch (connection.provider) {
      case 'prometheus':
        return {
          name: 'prometheus',
          query: (query, options) =>
            gateway.callConnection(id, tool, this.caller(base, options), async (credentials, context) => {
              const http = expectCredentials(credentials, 'http');
              const port = prometheusMetrics({
                baseUrl: http.url,
                fetch: context.fetch,
                headers: { authorization: http.authorization },
              });
              return port.query(query, options);
            }),
        };
      case 'datadog':
        return {
          name: 'datadog',
          query: (query, options) => {
            assertSafeService(query.service);
            return withDatadog(
              { gateway, caller: this.caller(base, options), connectionId: id, tool },
              async (session) => {
                const series = await Promise.all(
                  wanted(datadogSignals, query).map(async ([signal, template]) =>
                    (
                      await datadogMetricQuery(
                        session,
                        template.replaceAll('$service', query.service.toLowerCase()),
                        query.window,
                        options?.signal,
                      )
                    ).map(
                      (entry): MetricSeries => ({
                        service: query.service,
                        name: signal,
                        unit: entry.unit,
                        labels: { source: 'datadog', scope: entry.scope ?? '' },
                        points: entry.points,
                      }),
                    ),
                  ),
                );
                return series.flat();
              },
            );
          },
        };
      case 'aws':
        return {
          name: 'cloudwatch',
          query: (query, options) => {
            assertSafeService(query.service);
            return withAws({ gateway, caller: this.caller(base, options), connectionId: id, tool }, async (config) => {
              const signals = wanted(cloudWatchSignals, query);
              const result = await cloudWatchMetricData(config, {
                queries: signals.map(([signal, entry], index) => ({
                  id: `m${index}`,
                  label: signal,
                  expression: entry.expression.replaceAll('$service', query.service),
                  periodSeconds: query.stepSeconds ?? 60,
                })),
                window: query.window,
                signal: options?.signal,
              });
              return result.series
                .filter((series) => series.points.length > 0)
                .map(
                  (series): MetricSeries => ({
                    service: query.service,
                    name: series.label,
                    labels: { source: 'cloudwatch', region: config.region },
                    points: series.points,
                  }),
                );
            });
          },
        };
      case 'gcp':
        return {
          name: 'cloud_monitoring',
          query: (query, options) => {
            assertSafeService(query.service);
            return withGoogle(
              { gateway, caller: this.caller(base, options), connectionId: id, tool },
              async (token, context) => {
                const project = gcpProjectOf(undefined, context.scope);
                const series = await Promise.all(
                  wanted(gcpSignals, query).map(async ([signal, entry]) => {
                    const page = await gcpTimeSeries(gateway, token, context, {
                      project,
                      filter: entry.filter.replaceAll('$service', query.service),
                      window: query.window,
                      alignmentPeriodSeconds: alignmentFor(query.window, query.stepSeconds ?? 60),
                      aligner: entry.aligner,
                      reducer: entry.reducer,
                      pageSize: 10,
                      signal: options?.signal,
                    });
                    return page.series.map(
                      (item): MetricSeries => ({
                        service: query.service,
                        name: signal,
                        unit: item.unit,
                        labels: { source: 'cloud_monitoring', project },
                        points: item.points,
                      }),
                    );
                  }),
                );
                return series.flat().filter((entry) => entry.points.length > 0);
              },
            );
          },
        };
      case 'azure':
        return {
          name: 'azure_monitor',
          query: (query, options) => {
            assertSafeService(query.service);
            return withAzure(
              { gateway, caller: this.caller(base, options), connectionId: id, tool },
              async (token, context) => {
                const subscription = azureSubscriptionOf(undefined, context.scope);
                const resources = await azureResourcesNamed(
                  gateway,
                  token,
                  context,
                  subscription,
                  query.service,
                  options?.signal,
                );
                const series = await Promise.all(
                  resources.slice(0, 3).flatMap((resource) => {
                    const signals = wanted(azureSignals[(resource.type ?? '').toLowerCase()] ?? {}, query);
                    const byAggregation = new Map<string, Array<[string, string]>>();
                    for (const [signal, entry] of signals) {
                      byAggregation.set(entry.aggregation, [
                        ...(byAggregation.get(entry.aggregation) ?? []),
                        [signal, entry.metric],
                      ]);
                    }
                    return [...byAggregation].map(async ([aggregation, metrics]) => {
                      const found = await azureMetrics(gateway, token, context, {
                        resourceId: resource.id,
                        metricNames: metrics.map(([, metric]) => metric),
                        aggregation,
                        window: query.window,
                        intervalMinutes: azureInterval(query.window),
                        signal: options?.signal,
                      });
                      return found.map(
                        (item): MetricSeries => ({
                          service: query.service,
                          name: metrics.find(([, metric]) => metric === item.metric)?.[0] ?? item.metric,
                          unit: item.unit,
                          labels: { source: 'azure_monitor', resource: resource.name, ...item.labels },
                          points: item.points,
                        }),
                      );
                    });
                  }),
                );
                return series.flat();
              },
            );
          },
        };
      default:
        return undefined;
    }
  }

  private logsFor(connection: ConnectedProvider, base: CallerContext): LogsPort | undefined {
    const gateway = this.gateway;
    const id = connection.connectionId;
    const tool = 'telemetry.logs';
    const limitOf = (query: LogsQuery) => Math.min(query.limit ?? 100, 500);
    switch (connection.provider) {
      case 'datadog':
        return {
          name: 'datadog',
          search: (query, options) => {
            assertSafeService(query.service);
            return withDatadog(
              { gateway, caller: this.caller(base, options), connectionId: id, tool },
              async (session) => {
                const statuses = datadogStatusesFrom(query.minLevel).join(' OR ');
                const result = await datadogLogSearch(session, {
                  query: `service:${query.service.toLowerCase()} status:(${statuses})`,
                  window: query.window,
                  limit: limitOf(query),
                  signal: options?.signal,
                });
                return result.logs.map(
                  (entry): LogRecord => ({
                    time: new Date(entry.time ?? 0),
                    service: entry.service ?? query.service,
                    level: datadogStatusLevel[(entry.status ?? 'info').toLowerCase()] ?? 'info',
                    message: entry.message ?? '',
                  }),
                );
              },
            );
          },
        };
      case 'aws':
        return {
          name: 'cloudwatch_logs',
          search: (query, options) => {
            assertSafeService(query.service);
            return withAws({ gateway, caller: this.caller(base, options), connectionId: id, tool }, async (config) => {
              const groups = await findLogGroups(config, query.service, 10, options?.signal);
              if (groups.length === 0) return [];
              const levelPattern = logLevels.filter((level) => levelRank(level) >= levelRank(query.minLevel)).join('|');
              const result = await logsInsightsQuery(config, {
                logGroupNames: groups,
                queryString: `fields @timestamp, @message | filter @message like /(?i)(${levelPattern}|exception|panic|critical)/ | sort @timestamp desc | limit ${limitOf(query)}`,
                window: query.window,
                limit: limitOf(query),
                signal: options?.signal,
                pollIntervalMs: this.options.pollIntervalMs ?? 1_000,
                deadlineMs: 20_000,
              });
              return result.rows
                .map(
                  (row): LogRecord => ({
                    time: new Date(`${(row['@timestamp'] ?? '').replace(' ', 'T')}Z`),
                    service: query.service,
                    level: levelFromMessage(row['@message'] ?? ''),
                    message: row['@message'] ?? '',
                  }),
                )
                .filter((record) => levelRank(record.level) >= levelRank(query.minLevel));
            });
          },
        };
      case 'gcp':
        return {
          name: 'cloud_logging',
          search: (query, options) => {
            assertSafeService(query.service);
            return withGoogle(
              { gateway, caller: this.caller(base, options), connectionId: id, tool },
              async (token, context) => {
                const s = query.service;
                const filter = [
                  `severity>=${gcpSeverityFloor[query.minLevel]}`,
                  `(resource.labels.service_name="${s}" OR resource.labels.container_name="${s}" OR resource.labels.function_name="${s}" OR labels."k8s-pod/app"="${s}")`,
                  `timestamp>="${query.window.from.toISOString()}" AND timestamp<="${query.window.to.toISOString()}"`,
                ].join(' AND ');
                const page = await gcpLogEntries(gateway, token, context, {
                  project: gcpProjectOf(undefined, context.scope),
                  filter,
                  pageSize: limitOf(query),
                  signal: options?.signal,
                });
                return page.entries.map(
                  (entry): LogRecord => ({
                    time: new Date(entry.time),
                    service: s,
                    level: gcpLevel(entry.severity),
                    message: entry.message,
                  }),
                );
              },
            );
          },
        };
      case 'azure':
        return {
          name: 'log_analytics',
          search: (query, options) => {
            assertSafeService(query.service);
            return withAzure(
              { gateway, caller: this.caller(base, options), connectionId: id, tool },
              async (token, context) => {
                const workspaces = await logAnalyticsWorkspaces(
                  gateway,
                  token,
                  context,
                  azureSubscriptionOf(undefined, context.scope),
                  options?.signal,
                );
                // App Insights severity: 0 verbose, 1 information, 2 warning, 3 error, 4 critical.
                const floor = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 }[query.minLevel];
                const kql = [
                  'union isfuzzy=true',
                  '(AppTraces | project TimeGenerated, Message, SeverityLevel, Service = AppRoleName),',
                  '(AppExceptions | project TimeGenerated, Message = strcat(ExceptionType, ": ", OuterMessage), SeverityLevel, Service = AppRoleName),',
                  '(ContainerLogV2 | project TimeGenerated, Message = tostring(LogMessage), SeverityLevel = iff(LogSource == "stderr", 3, 1), Service = ContainerName)',
                  `| where Service == "${query.service}" and SeverityLevel >= ${floor}`,
                  `| order by TimeGenerated desc | take ${limitOf(query)}`,
                ].join(' ');
                const rows = (
                  await Promise.all(
                    workspaces.slice(0, 3).map((workspaceId) =>
                      logAnalyticsQuery(gateway, token, context, {
                        workspaceId,
                        query: kql,
                        window: query.window,
                        signal: options?.signal,
                      }),
                    ),
                  )
                ).flat();
                const levels: LogLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];
                return rows.map(
                  (row): LogRecord => ({
                    time: new Date(String(row.TimeGenerated)),
                    service: query.service,
                    level: levels[Number(row.SeverityLevel)] ?? 'info',
                    message: String(row.Message ?? ''),
                  }),
                );
              },
            );
          },
        };
      default:
        return undefined;
    }
  }

  private githubChanges(connection: ConnectedProvider, base: CallerContext): ChangesPort {
    const gateway = this.gateway;
    return {
      name: 'github',
      list: (query, options) =>
        gateway.callConnection(
          connection.connectionId,
          'telemetry.changes',
          this.caller(base, options),
          async (credentials, context) => {
            const repositories = (context.scope.repositories ?? [])
              .map((fullName) => {
                const [owner = '', repo = ''] = fullName.split('/');
                return { owner, repo, service: repo };
              })
              // A repository counts for a service when it is named like it (checkout, checkout-service, shop-checkout).
              .filter(
                (mapping) =>
                  !query.services ||
                  query.services.some((service) => mapping.repo.toLowerCase().includes(service.toLowerCase())),
              )
              .slice(0, 10);
            if (repositories.length === 0) return [];
            const services = query.services ?? [];
            const port = gitHubChanges({
              token: expectCredentials(credentials, 'access_token').accessToken,
              baseUrl: gateway.config.githubApiUrl,
              fetch: context.fetch,
              repositories: repositories.map((mapping) => ({
                ...mapping,
                service:
                  services.find((service) => mapping.repo.toLowerCase().includes(service.toLowerCase())) ??
                  mapping.repo,
              })),
            });
            return port.list({ window: query.window }, options);
          },
        ),
    };
  }

  private kubernetes(connection: ConnectedProvider, base: CallerContext): KubernetesPort {
    const gateway = this.gateway;
    return {
      name: 'kubernetes',
      describe: (query, options) =>
        gateway.callConnection(
          connection.connectionId,
          'telemetry.kubernetes',
          this.caller(base, options),
          async (credentials) => {
            const kube = expectCredentials(credentials, 'kubeconfig');
            return kubernetesTelemetry({
              kubeconfig: kube.kubeconfig,
              context: kube.context,
              policy: gateway.dependencies.policy,
              defaultNamespace: contextNamespace(kube.kubeconfig, kube.context),
            }).describe(query, options);
          },
        ),
    };
  }
}
