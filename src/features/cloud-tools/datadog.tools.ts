import { z } from 'zod';
import { ValidationFailed } from '../../platform/errors.js';
import { type AnyToolDefinition, defineTool } from '../agent/index.js';
import { type ConnectionContext, callProvider } from '../connectors/index.js';
import type { TimeWindow } from '../telemetry/index.js';
import { type CallerContext, type ConnectionGateway, expectCredentials } from './connection-gateway.js';
import { requestSignal, shortText } from './provider-request.js';
import {
  callerOf,
  compact,
  connectionIdField,
  fitPage,
  limitField,
  listToolTimeoutMs,
  pageTokenField,
  toolOutputCapChars,
  windowFields,
  windowOf,
} from './tool-fields.js';

export interface DatadogSession {
  connection: ConnectionContext;
  get<Body>(path: string, query?: Record<string, string | undefined>, signal?: AbortSignal): Promise<Body>;
  post<Body>(path: string, body: unknown, signal?: AbortSignal): Promise<Body>;
}

export function withDatadog<T>(
  options: { gateway: ConnectionGateway; caller: CallerContext; connectionId?: string; tool: string },
  run: (session: DatadogSession) => Promise<T>,
): Promise<T> {
  return options.gateway.call(
    'datadog',
    options.tool,
    options.caller,
    options.connectionId,
    (credentials, connection) => {
      const keys = expectCredentials(credentials, 'datadog');
      const headers = {
        'DD-API-KEY': keys.apiKey,
        'DD-APPLICATION-KEY': keys.applicationKey,
        accept: 'application/json',
      };
      const call = async <Body>(
        method: 'GET' | 'POST',
        path: string,
        query: Record<string, string | undefined>,
        body: unknown,
        signal?: AbortSignal,
      ) => {
        const url = new URL(`${keys.apiUrl}${path}`);
        for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
        const response = await callProvider<Body>({
          provider: 'Datadog',
          fetch: connection.fetch,
          url: url.toString(),
          init: {
            method,
            headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: requestSignal(signal),
          },
        });
        return response.body;
      };
      return run({
        connection,
        get: (path, query = {}, signal) => call('GET', path, query, undefined, signal),
        post: (path, body, signal) => call('POST', path, {}, body, signal),
      });
    },
  );
}

/** Datadog `GET /api/v1/query`: points oldest first as [epoch ms, value]. */
export async function datadogMetricQuery(
  session: DatadogSession,
  query: string,
  window: TimeWindow,
  signal?: AbortSignal,
) {
  const body = await session.get<{
    status?: string;
    error?: string;
    series?: Array<{
      metric?: string;
      expression?: string;
      scope?: string;
      unit?: Array<{ name?: string } | null>;
      pointlist?: Array<[number, number | null]>;
    }>;
  }>(
    '/api/v1/query',
    {
      from: String(Math.floor(window.from.getTime() / 1000)),
      to: String(Math.ceil(window.to.getTime() / 1000)),
      query,
    },
    signal,
  );
  if (body.status === 'error') throw new ValidationFailed(`Datadog rejected the query: ${body.error ?? 'error'}`);
  return (body.series ?? []).map((series) => ({
    metric: series.metric ?? series.expression ?? query,
    scope: series.scope,
    unit: series.unit?.[0]?.name,
    points: (series.pointlist ?? []).filter(
      (point): point is [number, number] => typeof point[1] === 'number' && Number.isFinite(point[1]),
    ),
  }));
}

/** Datadog logs search (`POST /api/v2/logs/events/search`), newest first. */
export async function datadogLogSearch(
  session: DatadogSession,
  request: { query: string; window: TimeWindow; limit: number; cursor?: string; signal?: AbortSignal },
) {
  const body = await session.post<{
    data?: Array<{
      id?: string;
      attributes?: {
        timestamp?: string;
        status?: string;
        service?: string;
        host?: string;
        message?: string;
        tags?: string[];
      };
    }>;
    meta?: { page?: { after?: string } };
  }>(
    '/api/v2/logs/events/search',
    {
      filter: { query: request.query, from: request.window.from.toISOString(), to: request.window.to.toISOString() },
      sort: '-timestamp',
      page: { limit: request.limit, ...(request.cursor ? { cursor: request.cursor } : {}) },
    },
    request.signal,
  );
  return {
    logs: (body.data ?? []).map((entry) =>
      compact({
        time: entry.attributes?.timestamp,
        status: entry.attributes?.status,
        service: entry.attributes?.service,
        host: entry.attributes?.host,
        message: shortText(entry.attributes?.message ?? ''),
      }),
    ),
    nextPageToken: body.meta?.page?.after,
  };
}

/** Read-only Datadog tools: metric queries, log search, monitors and events. */
export function datadogTools(gateway: ConnectionGateway): AnyToolDefinition[] {
  const common = {
    access: 'readOnly' as const,
    connector: 'datadog',
    timeoutMs: listToolTimeoutMs,
    outputCapChars: toolOutputCapChars + 500,
  };
  const page = <Item>(connection: ConnectionContext, rest: { items: Item[]; nextPageToken?: string; note?: string }) =>
    fitPage({ connection: { id: connection.id, name: connection.name }, ...rest });
  return [
    defineTool({
      ...common,
      name: 'datadog_query_metrics',
      description:
        'Query Datadog metrics with a metrics query, e.g. avg:system.cpu.user{service:checkout} by {host} or sum:trace.http.request.errors{service:checkout}.as_rate(). Points are [epoch ms, value].',
      input: z.object({ connectionId: connectionIdField, query: z.string().min(1).max(2_000), ...windowFields }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return withDatadog(
          { gateway, caller, connectionId: input.connectionId, tool: 'datadog_query_metrics' },
          async (session) =>
            page(session.connection, { items: await datadogMetricQuery(session, input.query, window, caller.signal) }),
        );
      },
    }),
    defineTool({
      ...common,
      name: 'datadog_search_logs',
      description: 'Search Datadog logs, newest first, with the log search syntax, e.g. service:checkout status:error.',
      input: z.object({
        connectionId: connectionIdField,
        query: z.string().max(2_000).default('status:(error OR warn)'),
        ...windowFields,
        pageToken: pageTokenField,
        limit: limitField(200, 50),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return withDatadog(
          { gateway, caller, connectionId: input.connectionId, tool: 'datadog_search_logs' },
          async (session) => {
            const result = await datadogLogSearch(session, {
              query: input.query,
              window,
              limit: input.limit,
              cursor: input.pageToken,
              signal: caller.signal,
            });
            return page(session.connection, {
              items: result.logs,
              ...(result.nextPageToken ? { nextPageToken: result.nextPageToken } : {}),
            });
          },
        );
      },
    }),
    defineTool({
      ...common,
      name: 'datadog_list_monitors',
      description:
        'List Datadog monitors with their state, optionally filtered by name, tags or group state (e.g. Alert,Warn).',
      input: z.object({
        connectionId: connectionIdField,
        name: z.string().max(200).optional(),
        tags: z.string().max(500).optional().describe('comma-separated monitor tags, e.g. service:checkout,env:prod'),
        groupStates: z.string().max(100).optional().describe('e.g. alert,warn,no data'),
        pageToken: pageTokenField,
        limit: limitField(100, 50),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        const pageIndex = input.pageToken ? Number.parseInt(input.pageToken, 10) : 0;
        if (!Number.isSafeInteger(pageIndex) || pageIndex < 0)
          throw new ValidationFailed('pageToken is not one this tool issued');
        return withDatadog(
          { gateway, caller, connectionId: input.connectionId, tool: 'datadog_list_monitors' },
          async (session) => {
            const monitors = await session.get<
              Array<{
                id?: number;
                name?: string;
                type?: string;
                query?: string;
                overall_state?: string;
                tags?: string[];
                priority?: number | null;
              }>
            >(
              '/api/v1/monitor',
              {
                name: input.name,
                monitor_tags: input.tags,
                group_states: input.groupStates,
                page: String(pageIndex),
                page_size: String(input.limit),
              },
              caller.signal,
            );
            const items = (Array.isArray(monitors) ? monitors : []).map((monitor) =>
              compact({
                id: monitor.id,
                name: monitor.name,
                state: monitor.overall_state,
                type: monitor.type,
                query: monitor.query,
                tags: monitor.tags?.join(','),
                priority: monitor.priority,
              }),
            );
            return page(session.connection, {
              items,
              ...(items.length === input.limit ? { nextPageToken: String(pageIndex + 1) } : {}),
            });
          },
        );
      },
    }),
    defineTool({
      ...common,
      name: 'datadog_list_events',
      description:
        'List Datadog events (deploys, alerts, config changes), newest first, with the event search syntax, e.g. source:kubernetes service:checkout.',
      input: z.object({
        connectionId: connectionIdField,
        query: z.string().max(2_000).default('*'),
        ...windowFields,
        pageToken: pageTokenField,
        limit: limitField(100, 50),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return withDatadog(
          { gateway, caller, connectionId: input.connectionId, tool: 'datadog_list_events' },
          async (session) => {
            const body = await session.get<{
              data?: Array<{
                id?: string;
                attributes?: {
                  timestamp?: string;
                  message?: string;
                  tags?: string[];
                  attributes?: { title?: string; source_type_name?: string; status?: string };
                };
              }>;
              meta?: { page?: { after?: string } };
            }>(
              '/api/v2/events',
              {
                'filter[query]': input.query,
                'filter[from]': window.from.toISOString(),
                'filter[to]': window.to.toISOString(),
                sort: '-timestamp',
                'page[limit]': String(input.limit),
                'page[cursor]': input.pageToken,
              },
              caller.signal,
            );
            const items = (body.data ?? []).map((event) =>
              compact({
                time: event.attributes?.timestamp,
                title: event.attributes?.attributes?.title,
                source: event.attributes?.attributes?.source_type_name,
                status: event.attributes?.attributes?.status,
                message: shortText(event.attributes?.message ?? '', 400),
                tags: event.attributes?.tags?.join(','),
              }),
            );
            const after = body.meta?.page?.after;
            return page(session.connection, { items, ...(after ? { nextPageToken: after } : {}) });
          },
        );
      },
    }),
  ];
}
