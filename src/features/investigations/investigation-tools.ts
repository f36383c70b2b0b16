import { z } from 'zod';
import { type AnyToolDefinition, defineTool } from '../agent/index.js';
import { logLevels, type TelemetrySources } from '../telemetry/index.js';
import type { InvestigationEntities } from './entities.js';
import { type EvidenceTask, runTask, SourceNotConfigured } from './evidence-collector.js';
import type { EvidenceItem } from './investigation.model.js';

/** What a model sees of one tool call at most; the evidence excerpt itself is capped at 2,000 characters. */
export const investigationToolOutputChars = 4_000;

export interface InvestigationToolContext {
  entities: InvestigationEntities;
  sources: TelemetrySources;
  /** Every item so far (playbook and model), in id order; the tools append to it. */
  evidence: EvidenceItem[];
  budgetMs: number;
  /** Stores a new item (and announces it); the tool waits so the model can cite it at once. */
  record(item: EvidenceItem): Promise<void>;
}

const serviceName = z.string().min(1).max(200).describe('a service name from the topology (E1)');

function line(item: EvidenceItem): string {
  const first = item.excerpt.split('\n')[0] ?? '';
  return `${item.id} ${item.port}${item.service ? ` ${item.service}` : ''} [${item.status}] ${first.slice(0, 160)}`;
}

/**
 * Read-only tools over one investigation: read stored evidence, and query the same telemetry sources again (another
 * service, other signals, other levels). Each new query is stored as evidence with the next id, so the model can cite
 * it; the same query asked twice (or again by a retried run) gets the id it already has.
 */
export function investigationTools(context: InvestigationToolContext): AnyToolDefinition[] {
  const { entities, sources } = context;
  const query = async (task: EvidenceTask): Promise<string> => {
    const existing = context.evidence.find(
      (item) =>
        item.query === task.query &&
        item.timeRange.from === task.window.from.toISOString() &&
        item.timeRange.to === task.window.to.toISOString(),
    );
    if (existing) return `Already collected as ${existing.id} (${existing.status}):\n${existing.excerpt}`;
    const next = Math.max(0, ...context.evidence.map((item) => Number(item.id.slice(1)))) + 1;
    const id = `E${next}`;
    // Reserve the id before awaiting, so parallel tool calls get distinct ids.
    const placeholder = { id, query: task.query, timeRange: { from: '', to: '' } } as EvidenceItem;
    context.evidence.push(placeholder);
    const item = await runTask(task, id, context.budgetMs);
    context.evidence.splice(context.evidence.indexOf(placeholder), 1, item);
    await context.record(item);
    return `Stored as ${id} (${item.status}):\n${item.excerpt}`;
  };
  const unavailable = (port: string) => async () => {
    throw new SourceNotConfigured(`no ${port} source is configured`);
  };
  const common = { access: 'readOnly' as const, connector: null, outputCapChars: investigationToolOutputChars };
  return [
    defineTool({
      ...common,
      name: 'list_evidence',
      description: 'Every evidence item collected so far: id, port, service, status and the first line of its excerpt.',
      input: z.object({}),
      timeoutMs: 5_000,
      execute: async () =>
        context.evidence
          .filter((item) => item.status)
          .map(line)
          .join('\n'),
    }),
    defineTool({
      ...common,
      name: 'read_evidence',
      description: 'The full stored excerpt of evidence items, by id (E1, E2, …).',
      input: z.object({
        ids: z
          .array(z.string().regex(/^E\d+$/))
          .min(1)
          .max(8),
      }),
      timeoutMs: 5_000,
      execute: async (input) =>
        input.ids
          .map((id) => {
            const item = context.evidence.find((entry) => entry.id === id && entry.status);
            return item
              ? `${item.id} ${item.port} from ${item.source}: ${item.query} (${item.timeRange.from} – ${item.timeRange.to}) [${item.status}]\n${item.excerpt}`
              : `${id}: no such evidence`;
          })
          .join('\n\n'),
    }),
    defineTool({
      ...common,
      name: 'query_metrics',
      description:
        "A service's metrics over the incident window (error rate, latency, saturation…), with their anomalies.",
      input: z.object({ service: serviceName, signals: z.array(z.string().max(100)).max(10).optional() }),
      timeoutMs: context.budgetMs + 5_000,
      execute: async (input) =>
        query({
          port: 'metrics',
          source: sources.metrics?.name ?? 'none',
          service: input.service,
          query: `metrics.query service=${input.service}${input.signals?.length ? ` signals=${input.signals.join(',')}` : ''}`,
          window: entities.window,
          run: sources.metrics
            ? (signal) =>
                sources.metrics!.query(
                  { service: input.service, signals: input.signals, window: entities.window },
                  { signal },
                )
            : unavailable('metrics'),
        }),
    }),
    defineTool({
      ...common,
      name: 'search_logs',
      description: "A service's log lines at or above a level over the incident window, with new error signatures.",
      input: z.object({ service: serviceName, minLevel: z.enum(logLevels).default('warn') }),
      timeoutMs: context.budgetMs + 5_000,
      execute: async (input) =>
        query({
          port: 'logs',
          source: sources.logs?.name ?? 'none',
          service: input.service,
          query: `logs.search service=${input.service} level>=${input.minLevel}`,
          window: entities.window,
          run: sources.logs
            ? (signal) =>
                sources.logs!.search(
                  { service: input.service, window: entities.window, minLevel: input.minLevel },
                  { signal },
                )
            : unavailable('logs'),
        }),
    }),
    defineTool({
      ...common,
      name: 'list_changes',
      description:
        'Deploys, configuration, infrastructure, feature-flag and scaling changes before and during the incident.',
      input: z.object({ services: z.array(serviceName).min(1).max(20) }),
      timeoutMs: context.budgetMs + 5_000,
      execute: async (input) =>
        query({
          port: 'changes',
          source: sources.changes?.name ?? 'none',
          service: null,
          query: `changes.list services=${[...input.services].sort().join(',')}`,
          window: entities.changeWindow,
          run: sources.changes
            ? (signal) => sources.changes!.list({ window: entities.changeWindow, services: input.services }, { signal })
            : unavailable('changes'),
        }),
    }),
    defineTool({
      ...common,
      name: 'describe_workload',
      description: "A service's Kubernetes pods (phase, restarts, termination reasons), events and rollout history.",
      input: z.object({ service: serviceName }),
      timeoutMs: context.budgetMs + 5_000,
      execute: async (input) =>
        query({
          port: 'kubernetes',
          source: sources.kubernetes?.name ?? 'none',
          service: input.service,
          query: `kubernetes.describe workload=${input.service}${entities.namespace ? ` namespace=${entities.namespace}` : ''}`,
          window: entities.window,
          run: sources.kubernetes
            ? (signal) =>
                sources.kubernetes!.describe(
                  { service: input.service, namespace: entities.namespace ?? undefined, window: entities.window },
                  { signal },
                )
            : unavailable('kubernetes'),
        }),
    }),
  ];
}
