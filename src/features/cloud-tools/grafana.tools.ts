import { z } from 'zod';
import { ValidationFailed } from '../../platform/errors.js';
import { type AnyToolDefinition, defineTool } from '../agent/index.js';
import { type ConnectionContext, callProvider, joinUrl } from '../connectors/index.js';
import { type ConnectionGateway, expectCredentials } from './connection-gateway.js';
import { requestSignal } from './provider-request.js';
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

/** One Grafana HTTP API call with the connection's stored Authorization, through the SSRF-guarded fetch. */
async function grafana<Body>(
  credentials: { url: string; authorization: string },
  connection: ConnectionContext,
  path: string,
  options: { method?: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal; accept?: number[] } = {},
): Promise<Body> {
  const response = await callProvider<Body>({
    provider: 'Grafana',
    fetch: connection.fetch,
    url: joinUrl(credentials.url, path),
    init: {
      method: options.method ?? 'GET',
      headers: {
        authorization: credentials.authorization,
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: requestSignal(options.signal),
    },
    accept: options.accept,
  });
  return response.body;
}

interface DataFrame {
  schema?: {
    name?: string;
    refId?: string;
    fields?: Array<{ name?: string; type?: string; labels?: Record<string, string> }>;
  };
  data?: { values?: unknown[][] };
}

/** A data frame as a compact table: the field names, and rows (at most `maxRows`, the newest kept). */
function frameTable(frame: DataFrame, maxRows: number) {
  const fields = frame.schema?.fields ?? [];
  const columns = frame.data?.values ?? [];
  const rowCount = Math.max(0, ...columns.map((column) => column.length));
  const start = Math.max(0, rowCount - maxRows);
  const rows: unknown[][] = [];
  for (let index = start; index < rowCount; index++) rows.push(columns.map((column) => column[index] ?? null));
  const labels = fields.map((field) => field.labels).find((entry) => entry && Object.keys(entry).length > 0);
  return compact({
    name: frame.schema?.name,
    labels,
    fields: fields.map((field) => `${field.name ?? '?'}:${field.type ?? '?'}`),
    rows,
    omittedRows: start || undefined,
  });
}

/** Read-only Grafana tools: data sources, data-source queries through /api/ds/query, and alert rules with their state. */
export function grafanaTools(gateway: ConnectionGateway): AnyToolDefinition[] {
  const common = {
    access: 'readOnly' as const,
    connector: 'grafana',
    timeoutMs: listToolTimeoutMs,
    outputCapChars: toolOutputCapChars + 500,
  };
  const page = <Item>(connection: ConnectionContext, rest: { items: Item[]; nextPageToken?: string; note?: string }) =>
    fitPage({ connection: { id: connection.id, name: connection.name }, ...rest });
  return [
    defineTool({
      ...common,
      name: 'grafana_list_datasources',
      description: 'List Grafana data sources (uid, name, type); use a uid with grafana_query.',
      input: z.object({ connectionId: connectionIdField, pageToken: pageTokenField, limit: limitField(200, 100) }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        return gateway.call(
          'grafana',
          'grafana_list_datasources',
          caller,
          input.connectionId,
          async (credentials, connection) => {
            const sources = await grafana<Array<{ uid?: string; name?: string; type?: string; isDefault?: boolean }>>(
              expectCredentials(credentials, 'http'),
              connection,
              'api/datasources',
              { signal: caller.signal },
            );
            const items = (Array.isArray(sources) ? sources : []).map((source) =>
              compact({
                uid: source.uid,
                name: source.name,
                type: source.type,
                isDefault: source.isDefault || undefined,
              }),
            );
            return page(connection, offsetPage(items, input));
          },
        );
      },
    }),
    defineTool({
      ...common,
      name: 'grafana_query',
      description:
        "Query one Grafana data source through Grafana's /api/ds/query: give its uid and the query fields its type expects (expr for Prometheus and Loki, rawSql for SQL sources, query for others). Returns data frames.",
      input: z.object({
        connectionId: connectionIdField,
        datasourceUid: z.string().min(1).max(200),
        expr: z.string().max(4_000).optional().describe('PromQL / LogQL'),
        rawSql: z.string().max(4_000).optional(),
        query: z.string().max(4_000).optional(),
        ...windowFields,
        maxDataPoints: z.number().int().min(10).max(2_000).default(300),
        maxRows: z.number().int().min(1).max(1_000).default(100).describe('rows kept per frame (newest)'),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        if (!input.expr && !input.rawSql && !input.query) throw new ValidationFailed('Give expr, rawSql or query');
        return gateway.call('grafana', 'grafana_query', caller, input.connectionId, async (credentials, connection) => {
          const intervalMs = Math.max(
            1_000,
            Math.ceil((window.to.getTime() - window.from.getTime()) / input.maxDataPoints),
          );
          const body = await grafana<{
            results?: Record<string, { status?: number; error?: string; frames?: DataFrame[] }>;
          }>(expectCredentials(credentials, 'http'), connection, 'api/ds/query', {
            method: 'POST',
            body: {
              from: String(window.from.getTime()),
              to: String(window.to.getTime()),
              queries: [
                compact({
                  refId: 'A',
                  datasource: { uid: input.datasourceUid },
                  expr: input.expr,
                  rawSql: input.rawSql,
                  query: input.query,
                  format: input.rawSql ? 'table' : undefined,
                  intervalMs,
                  maxDataPoints: input.maxDataPoints,
                }),
              ],
            },
            signal: caller.signal,
            // Grafana answers a failed query with 400 (or 500) and the reason in results.A.error.
            accept: [400, 500],
          });
          const result = body.results?.A;
          if (result?.error)
            throw new ValidationFailed(`Grafana could not run the query: ${String(result.error).slice(0, 500)}`);
          if (!result) throw new ValidationFailed('Grafana answered /api/ds/query without a result');
          return page(connection, { items: (result?.frames ?? []).map((frame) => frameTable(frame, input.maxRows)) });
        });
      },
    }),
    defineTool({
      ...common,
      name: 'grafana_list_alert_rules',
      description:
        'List Grafana-managed alert rules with their current state (firing, pending, inactive), health, labels and active alerts.',
      input: z.object({
        connectionId: connectionIdField,
        state: z.enum(['firing', 'pending', 'inactive']).optional(),
        pageToken: pageTokenField,
        limit: limitField(200, 50),
      }),
      execute: async (input, context) => {
        const caller = callerOf(context);
        return gateway.call(
          'grafana',
          'grafana_list_alert_rules',
          caller,
          input.connectionId,
          async (credentials, connection) => {
            const body = await grafana<{
              data?: {
                groups?: Array<{
                  name?: string;
                  file?: string;
                  rules?: Array<{
                    name?: string;
                    state?: string;
                    health?: string;
                    lastError?: string;
                    labels?: Record<string, string>;
                    annotations?: Record<string, string>;
                    alerts?: Array<{ state?: string; activeAt?: string; labels?: Record<string, string> }>;
                  }>;
                }>;
              };
            }>(expectCredentials(credentials, 'http'), connection, 'api/prometheus/grafana/api/v1/rules', {
              signal: caller.signal,
            });
            const rules = (body.data?.groups ?? []).flatMap((group) =>
              (group.rules ?? []).map((rule) =>
                compact({
                  name: rule.name,
                  folder: group.file,
                  group: group.name,
                  state: rule.state,
                  health: rule.health,
                  lastError: rule.lastError,
                  labels: rule.labels,
                  summary: rule.annotations?.summary ?? rule.annotations?.description,
                  activeAlerts: rule.alerts?.length
                    ? rule.alerts
                        .slice(0, 5)
                        .map((alert) => compact({ state: alert.state, since: alert.activeAt, labels: alert.labels }))
                    : undefined,
                }),
              ),
            );
            const selected = input.state ? rules.filter((rule) => rule.state === input.state) : rules;
            return page(connection, offsetPage(selected, input));
          },
        );
      },
    }),
  ];
}
