import { z } from 'zod';
import { ValidationFailed } from '../../platform/errors.js';
import { type AnyToolDefinition, defineTool } from '../agent/index.js';
import { type ConnectionContext, type ConnectionScope, googleApiBase } from '../connectors/index.js';
import type { LogLevel, TimeWindow } from '../telemetry/index.js';
import { type CallerContext, type ConnectionGateway, expectCredentials } from './connection-gateway.js';
import { bearerJson, lastSegment, shortText } from './provider-request.js';
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

const projectField = z
  .string()
  .regex(/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/, 'a GCP project id')
  .optional()
  .describe("the project id; default: the connection's project");

function projectOf(requested: string | undefined, scope: ConnectionScope): string {
  const project = requested ?? scope.project ?? (scope.projects?.length === 1 ? scope.projects[0] : undefined);
  if (!project) {
    throw new ValidationFailed(
      `Name a project; this connection reaches: ${scope.projects?.join(', ') || 'unknown projects (run gcp_list_projects)'}`,
    );
  }
  return project;
}

interface GoogleCall {
  gateway: ConnectionGateway;
  caller: CallerContext;
  connectionId?: string;
  tool: string;
}

/** Runs `call` with a Google access token (OAuth or service account) of the chosen GCP connection. */
function withGoogle<T>(
  options: GoogleCall,
  call: (token: string, connection: ConnectionContext) => Promise<T>,
): Promise<T> {
  return options.gateway.call('gcp', options.tool, options.caller, options.connectionId, (credentials, connection) =>
    call(expectCredentials(credentials, 'access_token').accessToken, connection),
  );
}

export interface GcpProjectItem {
  projectId: string;
  name: string;
  projectNumber?: string;
}

async function loadProjects(
  gateway: ConnectionGateway,
  token: string,
  connection: ConnectionContext,
  signal?: AbortSignal,
): Promise<GcpProjectItem[]> {
  const projects: GcpProjectItem[] = [];
  let pageToken: string | undefined;
  do {
    const url = new URL(`${googleApiBase(gateway.config, 'cloudresourcemanager')}/v1/projects`);
    url.searchParams.set('pageSize', '500');
    url.searchParams.set('filter', 'lifecycleState:ACTIVE');
    if (pageToken) url.searchParams.set('pageToken', pageToken);
    const body = await bearerJson<{
      projects?: Array<{ projectId: string; name?: string; projectNumber?: string }>;
      nextPageToken?: string;
    }>('Google Cloud Resource Manager', connection, token, url.toString(), { signal });
    for (const project of body.projects ?? []) {
      projects.push(
        compact({
          projectId: project.projectId,
          name: project.name ?? project.projectId,
          projectNumber: project.projectNumber,
        }) as GcpProjectItem,
      );
    }
    pageToken = body.nextPageToken || undefined;
  } while (pageToken && projects.length < 2_000);
  return projects;
}

/** Cloud Logging `entries:list` for one project: newest first. */
export async function gcpLogEntries(
  gateway: ConnectionGateway,
  token: string,
  connection: ConnectionContext,
  request: { project: string; filter: string; pageSize: number; pageToken?: string; signal?: AbortSignal },
) {
  const body = await bearerJson<{
    entries?: Array<{
      timestamp?: string;
      severity?: string;
      logName?: string;
      textPayload?: string;
      jsonPayload?: Record<string, unknown>;
      protoPayload?: Record<string, unknown>;
      resource?: { type?: string; labels?: Record<string, string> };
      labels?: Record<string, string>;
    }>;
    nextPageToken?: string;
  }>('Google Cloud Logging', connection, token, `${googleApiBase(gateway.config, 'logging')}/v2/entries:list`, {
    method: 'POST',
    body: {
      resourceNames: [`projects/${request.project}`],
      filter: request.filter,
      orderBy: 'timestamp desc',
      pageSize: request.pageSize,
      ...(request.pageToken ? { pageToken: request.pageToken } : {}),
    },
    signal: request.signal,
  });
  return {
    entries: (body.entries ?? []).map((entry) => ({
      time: entry.timestamp ?? '',
      severity: entry.severity ?? 'DEFAULT',
      resource: compact({ type: entry.resource?.type, ...entry.resource?.labels }),
      log: lastSegment(entry.logName ? decodeURIComponent(entry.logName) : undefined),
      message: shortText(
        entry.textPayload ??
          (entry.jsonPayload?.message as string | undefined) ??
          entry.jsonPayload ??
          entry.protoPayload,
      ),
    })),
    nextPageToken: body.nextPageToken || undefined,
  };
}

export const gcpSeverityFloor: Record<LogLevel, string> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

export function gcpLevel(severity: string): LogLevel {
  if (['CRITICAL', 'ALERT', 'EMERGENCY'].includes(severity)) return 'fatal';
  if (severity === 'ERROR') return 'error';
  if (severity === 'WARNING') return 'warn';
  if (severity === 'DEBUG') return 'debug';
  return 'info';
}

/** Cloud Monitoring `timeSeries.list`: points oldest first as [epoch ms, value]. */
export async function gcpTimeSeries(
  gateway: ConnectionGateway,
  token: string,
  connection: ConnectionContext,
  request: {
    project: string;
    filter: string;
    window: TimeWindow;
    alignmentPeriodSeconds: number;
    aligner: string;
    reducer?: string;
    groupBy?: string[];
    pageSize: number;
    pageToken?: string;
    signal?: AbortSignal;
  },
) {
  const url = new URL(`${googleApiBase(gateway.config, 'monitoring')}/v3/projects/${request.project}/timeSeries`);
  url.searchParams.set('filter', request.filter);
  url.searchParams.set('interval.startTime', request.window.from.toISOString());
  url.searchParams.set('interval.endTime', request.window.to.toISOString());
  url.searchParams.set('aggregation.alignmentPeriod', `${request.alignmentPeriodSeconds}s`);
  url.searchParams.set('aggregation.perSeriesAligner', request.aligner);
  if (request.reducer) url.searchParams.set('aggregation.crossSeriesReducer', request.reducer);
  for (const field of request.groupBy ?? []) url.searchParams.append('aggregation.groupByFields', field);
  url.searchParams.set('pageSize', String(request.pageSize));
  if (request.pageToken) url.searchParams.set('pageToken', request.pageToken);
  const body = await bearerJson<{
    timeSeries?: Array<{
      metric?: { type?: string; labels?: Record<string, string> };
      resource?: { type?: string; labels?: Record<string, string> };
      unit?: string;
      points?: Array<{
        interval?: { endTime?: string };
        value?: {
          doubleValue?: number;
          int64Value?: string;
          boolValue?: boolean;
          distributionValue?: { mean?: number };
        };
      }>;
    }>;
    nextPageToken?: string;
  }>('Google Cloud Monitoring', connection, token, url.toString(), { signal: request.signal });
  return {
    series: (body.timeSeries ?? []).map((series) => ({
      metric: series.metric?.type ?? '',
      labels: { ...series.resource?.labels, ...series.metric?.labels } as Record<string, string>,
      resource: series.resource?.type,
      unit: series.unit,
      points: (series.points ?? [])
        .map((point): [number, number] => {
          const value = point.value ?? {};
          const number =
            value.doubleValue ??
            (value.int64Value !== undefined ? Number(value.int64Value) : undefined) ??
            (value.boolValue !== undefined ? Number(value.boolValue) : undefined) ??
            value.distributionValue?.mean ??
            Number.NaN;
          return [Date.parse(point.interval?.endTime ?? ''), number];
        })
        .filter(([at, value]) => Number.isFinite(at) && Number.isFinite(value))
        .sort((left, right) => left[0] - right[0]),
    })),
    nextPageToken: body.nextPageToken || undefined,
  };
}

/** An alignment period that keeps a series under `maxPoints` points. */
export function alignmentFor(window: TimeWindow, requested: number, maxPoints = 200): number {
  const rangeSeconds = (window.to.getTime() - window.from.getTime()) / 1000;
  return Math.max(requested, Math.ceil(rangeSeconds / maxPoints / 60) * 60);
}

export { projectOf as gcpProjectOf, withGoogle };

/** Read-only GCP tools: projects, GKE, Compute, Cloud SQL, Cloud Logging and Cloud Monitoring. */
export function gcpTools(gateway: ConnectionGateway): AnyToolDefinition[] {
  return [
    defineTool({
      name: 'gcp_list_projects',
      description: 'List the active Google Cloud projects the GCP connection can see (cached for 30 minutes).',
      input: z.object({ connectionId: connectionIdField, pageToken: pageTokenField, limit: limitField(200, 100) }),
      access: 'readOnly',
      connector: 'gcp',
      timeoutMs: listToolTimeoutMs,
      outputCapChars: toolOutputCapChars + 500,
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withGoogle(
          { gateway, caller, connectionId: input.connectionId, tool: 'gcp_list_projects' },
          async (token, connection) => {
            const projects = await connection.cache.getOrLoad(
              connection.cacheKeys.gcpProjects(caller.userId ?? 'org'),
              () => loadProjects(gateway, token, connection, caller.signal),
            );
            return fitPage({
              connection: { id: connection.id, name: connection.name },
              ...offsetPage(projects, input),
            });
          },
        );
      },
    }),
    defineTool({
      name: 'list_gke_clusters',
      description:
        'List Google Kubernetes Engine clusters in a project (all locations, or one region/zone): name, location, status, version, node pools and node counts.',
      input: z.object({
        connectionId: connectionIdField,
        project: projectField,
        location: z
          .string()
          .regex(/^[a-z]+-[a-z]+\d+(-[a-z])?$/, 'a region or zone such as europe-west1 or us-central1-a')
          .optional()
          .describe('a region or zone; default: all locations'),
        pageToken: pageTokenField,
        limit: limitField(100, 50),
      }),
      access: 'readOnly',
      connector: 'gcp',
      timeoutMs: listToolTimeoutMs,
      outputCapChars: toolOutputCapChars + 500,
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withGoogle(
          { gateway, caller, connectionId: input.connectionId, tool: 'list_gke_clusters' },
          async (token, connection) => {
            const project = projectOf(input.project, connection.scope);
            const url = `${googleApiBase(gateway.config, 'container')}/v1/projects/${project}/locations/${input.location ?? '-'}/clusters`;
            const body = await bearerJson<{
              clusters?: Array<{
                name: string;
                location?: string;
                status?: string;
                currentMasterVersion?: string;
                currentNodeCount?: number;
                endpoint?: string;
                autopilot?: { enabled?: boolean };
                releaseChannel?: { channel?: string };
                nodePools?: Array<{
                  name: string;
                  status?: string;
                  initialNodeCount?: number;
                  config?: { machineType?: string };
                  autoscaling?: { enabled?: boolean; minNodeCount?: number; maxNodeCount?: number };
                }>;
              }>;
              missingZones?: string[];
            }>('Google Kubernetes Engine', connection, token, url, { signal: caller.signal });
            const clusters = (body.clusters ?? []).map((cluster) =>
              compact({
                name: cluster.name,
                location: cluster.location,
                status: cluster.status,
                version: cluster.currentMasterVersion,
                nodeCount: cluster.currentNodeCount,
                autopilot: cluster.autopilot?.enabled || undefined,
                releaseChannel: cluster.releaseChannel?.channel,
                endpoint: cluster.endpoint,
                nodePools: cluster.nodePools?.map((pool) =>
                  compact({
                    name: pool.name,
                    status: pool.status,
                    machineType: pool.config?.machineType,
                    autoscaling: pool.autoscaling?.enabled
                      ? `${pool.autoscaling.minNodeCount ?? 0}-${pool.autoscaling.maxNodeCount ?? '?'}`
                      : undefined,
                  }),
                ),
              }),
            );
            return fitPage({
              connection: { id: connection.id, name: connection.name },
              ...offsetPage(clusters, input),
              ...(body.missingZones?.length
                ? { note: `zones that did not answer: ${body.missingZones.join(', ')}` }
                : {}),
            });
          },
        );
      },
    }),
    defineTool({
      name: 'gcp_list_compute_instances',
      description:
        'List Compute Engine VM instances in a project across zones: name, zone, status, machine type, IPs, labels. Optional filter in the Compute API syntax, e.g. status = RUNNING.',
      input: z.object({
        connectionId: connectionIdField,
        project: projectField,
        filter: z.string().max(500).optional().describe('Compute API filter, e.g. status = RUNNING'),
        pageToken: pageTokenField,
        limit: limitField(200, 50),
      }),
      access: 'readOnly',
      connector: 'gcp',
      timeoutMs: listToolTimeoutMs,
      outputCapChars: toolOutputCapChars + 500,
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withGoogle(
          { gateway, caller, connectionId: input.connectionId, tool: 'gcp_list_compute_instances' },
          async (token, connection) => {
            const project = projectOf(input.project, connection.scope);
            const url = new URL(
              `${googleApiBase(gateway.config, 'compute')}/compute/v1/projects/${project}/aggregated/instances`,
            );
            url.searchParams.set('maxResults', String(input.limit));
            url.searchParams.set('returnPartialSuccess', 'true');
            if (input.filter) url.searchParams.set('filter', input.filter);
            if (input.pageToken) url.searchParams.set('pageToken', input.pageToken);
            const body = await bearerJson<{
              items?: Record<
                string,
                {
                  instances?: Array<{
                    name: string;
                    status?: string;
                    machineType?: string;
                    zone?: string;
                    creationTimestamp?: string;
                    labels?: Record<string, string>;
                    networkInterfaces?: Array<{ networkIP?: string; accessConfigs?: Array<{ natIP?: string }> }>;
                  }>;
                }
              >;
              nextPageToken?: string;
            }>('Google Compute Engine', connection, token, url.toString(), { signal: caller.signal });
            const items = Object.values(body.items ?? {}).flatMap((scoped) =>
              (scoped.instances ?? []).map((instance) =>
                compact({
                  name: instance.name,
                  zone: lastSegment(instance.zone),
                  status: instance.status,
                  machineType: lastSegment(instance.machineType),
                  internalIp: instance.networkInterfaces?.[0]?.networkIP,
                  externalIp: instance.networkInterfaces?.[0]?.accessConfigs?.[0]?.natIP,
                  labels: instance.labels,
                  created: instance.creationTimestamp,
                }),
              ),
            );
            return fitPage({
              connection: { id: connection.id, name: connection.name },
              items,
              ...(body.nextPageToken ? { nextPageToken: body.nextPageToken } : {}),
            });
          },
        );
      },
    }),
    defineTool({
      name: 'gcp_list_sql_instances',
      description:
        'List Cloud SQL instances in a project: name, engine version, region, state, tier, availability, IPs.',
      input: z.object({
        connectionId: connectionIdField,
        project: projectField,
        pageToken: pageTokenField,
        limit: limitField(100, 50),
      }),
      access: 'readOnly',
      connector: 'gcp',
      timeoutMs: listToolTimeoutMs,
      outputCapChars: toolOutputCapChars + 500,
      execute: async (input, context) => {
        const caller = callerOf(context);
        return withGoogle(
          { gateway, caller, connectionId: input.connectionId, tool: 'gcp_list_sql_instances' },
          async (token, connection) => {
            const project = projectOf(input.project, connection.scope);
            const url = new URL(`${googleApiBase(gateway.config, 'sqladmin')}/v1/projects/${project}/instances`);
            url.searchParams.set('maxResults', String(input.limit));
            if (input.pageToken) url.searchParams.set('pageToken', input.pageToken);
            const body = await bearerJson<{
              items?: Array<{
                name: string;
                databaseVersion?: string;
                region?: string;
                state?: string;
                settings?: { tier?: string; availabilityType?: string; dataDiskSizeGb?: string };
                ipAddresses?: Array<{ type?: string; ipAddress?: string }>;
              }>;
              nextPageToken?: string;
            }>('Google Cloud SQL', connection, token, url.toString(), { signal: caller.signal });
            return fitPage({
              connection: { id: connection.id, name: connection.name },
              items: (body.items ?? []).map((instance) =>
                compact({
                  name: instance.name,
                  databaseVersion: instance.databaseVersion,
                  region: instance.region,
                  state: instance.state,
                  tier: instance.settings?.tier,
                  availability: instance.settings?.availabilityType,
                  diskGb: instance.settings?.dataDiskSizeGb,
                  ips: instance.ipAddresses?.map((address) => `${address.type ?? 'IP'} ${address.ipAddress ?? ''}`),
                }),
              ),
              ...(body.nextPageToken ? { nextPageToken: body.nextPageToken } : {}),
            });
          },
        );
      },
    }),
    defineTool({
      name: 'gcp_query_logs',
      description:
        'Search Cloud Logging entries of a project, newest first, with a Logging query language filter (e.g. resource.type="k8s_container" AND severity>=ERROR). The time range is added to the filter.',
      input: z.object({
        connectionId: connectionIdField,
        project: projectField,
        filter: z.string().max(2_000).default('severity>=WARNING').describe('Logging query language filter'),
        ...windowFields,
        pageToken: pageTokenField,
        limit: limitField(200, 50),
      }),
      access: 'readOnly',
      connector: 'gcp',
      timeoutMs: listToolTimeoutMs,
      outputCapChars: toolOutputCapChars + 500,
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return withGoogle(
          { gateway, caller, connectionId: input.connectionId, tool: 'gcp_query_logs' },
          async (token, connection) => {
            const project = projectOf(input.project, connection.scope);
            const filter = `(${input.filter}) AND timestamp>="${window.from.toISOString()}" AND timestamp<="${window.to.toISOString()}"`;
            const page = await gcpLogEntries(gateway, token, connection, {
              project,
              filter,
              pageSize: input.limit,
              pageToken: input.pageToken,
              signal: caller.signal,
            });
            return fitPage({
              connection: { id: connection.id, name: connection.name },
              items: page.entries,
              ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
            });
          },
        );
      },
    }),
    defineTool({
      name: 'gcp_query_metrics',
      description:
        'Read Cloud Monitoring time series of a project with a monitoring filter (e.g. metric.type="run.googleapis.com/request_count" AND resource.labels.service_name="checkout"), aligned per period. Points are [epoch ms, value], oldest first.',
      input: z.object({
        connectionId: connectionIdField,
        project: projectField,
        filter: z.string().min(1).max(2_000).describe('Monitoring filter; must name a metric.type'),
        ...windowFields,
        alignmentPeriodSeconds: z.number().int().min(60).max(86_400).default(60),
        aligner: z
          .enum([
            'ALIGN_RATE',
            'ALIGN_MEAN',
            'ALIGN_MAX',
            'ALIGN_MIN',
            'ALIGN_SUM',
            'ALIGN_DELTA',
            'ALIGN_PERCENTILE_99',
            'ALIGN_PERCENTILE_95',
            'ALIGN_PERCENTILE_50',
          ])
          .default('ALIGN_MEAN'),
        reducer: z.enum(['REDUCE_SUM', 'REDUCE_MEAN', 'REDUCE_MAX', 'REDUCE_PERCENTILE_99']).optional(),
        groupBy: z.array(z.string().max(200)).max(5).optional().describe('label fields to group by when reducing'),
        pageToken: pageTokenField,
        limit: limitField(50, 20).describe('time series per page'),
      }),
      access: 'readOnly',
      connector: 'gcp',
      timeoutMs: listToolTimeoutMs,
      outputCapChars: toolOutputCapChars + 500,
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return withGoogle(
          { gateway, caller, connectionId: input.connectionId, tool: 'gcp_query_metrics' },
          async (token, connection) => {
            const project = projectOf(input.project, connection.scope);
            const page = await gcpTimeSeries(gateway, token, connection, {
              project,
              filter: input.filter,
              window,
              alignmentPeriodSeconds: alignmentFor(window, input.alignmentPeriodSeconds),
              aligner: input.aligner,
              reducer: input.reducer,
              groupBy: input.groupBy,
              pageSize: input.limit,
              pageToken: input.pageToken,
              signal: caller.signal,
            });
            return fitPage({
              connection: { id: connection.id, name: connection.name },
              items: page.series,
              ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
            });
          },
        );
      },
    }),
  ];
}
