import type { NormalizedAlert } from '../alerts/index.js';
import type { TimeWindow, TopologyGraph } from '../telemetry/index.js';

/** What the engine needs of an alert; NormalizedAlert (every intake source's output) satisfies it. */
export type InvestigationAlert = Pick<
  NormalizedAlert,
  'title' | 'description' | 'service' | 'severity' | 'startsAt' | 'labels' | 'source'
>;

export interface ServiceEntity {
  name: string;
  kind: string;
  /** Hops from an alerting service along "depends on" edges (0 = alerting), or null if not reachable that way. */
  dependencyDistance: number | null;
  /** Hops from an alerting service against the edges (its callers), or null. */
  callerDistance: number | null;
}

export interface InvestigationEntities {
  alerts: InvestigationAlert[];
  /** Alerting services found in the topology. */
  alertServices: string[];
  /** Service names the alerts carry that the topology does not know. */
  unknownServices: string[];
  onset: Date;
  now: Date;
  namespace: string | null;
  services: ServiceEntity[];
  /** Metrics, logs, Kubernetes and alerts are read over this window. */
  window: TimeWindow;
  /** Changes are read over a longer one: a bad change can precede its symptoms by hours. */
  changeWindow: TimeWindow;
}

export interface EntityOptions {
  /** How far before the onset metrics and logs are read (default 2 h). */
  lookbackMs?: number;
  /** How far before the onset changes are read (default 6 h). */
  changeLookbackMs?: number;
}

const serviceLabels = [
  'service',
  'service_name',
  'app',
  'app_kubernetes_io_name',
  'k8s_app',
  'deployment',
  'job',
  'container',
];

function normalise(name: string): string {
  return name.toLowerCase().replace(/[_\s.]+/g, '-');
}

/** Finds `raw` among topology names: exactly, or as `name-api`/`name-svc`/`name-service` variants of each other. */
export function matchService(raw: string, names: string[]): string | null {
  const wanted = normalise(raw);
  const exact = names.find((name) => normalise(name) === wanted);
  if (exact) return exact;
  const stripped = (value: string) => value.replace(/-(api|svc|service|server|app|prod|production|deployment)$/, '');
  return names.find((name) => stripped(normalise(name)) === stripped(wanted)) ?? null;
}

function distances(graph: TopologyGraph, starts: string[], reverse: boolean): Map<string, number> {
  const result = new Map<string, number>(starts.map((start) => [start, 0]));
  const queue = [...starts];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    const depth = result.get(current) ?? 0;
    for (const [from, to] of graph.dependencies) {
      const [source, target] = reverse ? [to, from] : [from, to];
      if (source === current && !result.has(target)) {
        result.set(target, depth + 1);
        queue.push(target);
      }
    }
  }
  return result;
}

/** Step 1: which services the alerts are about, where they sit in the graph, and the windows to read. */
export function resolveEntities(
  alerts: InvestigationAlert[],
  graph: TopologyGraph,
  now: Date,
  options: EntityOptions = {},
): InvestigationEntities {
  const names = graph.services.map((service) => service.name);
  const alertServices = new Set<string>();
  const unknownServices = new Set<string>();
  for (const alert of alerts) {
    const candidates = [alert.service, ...serviceLabels.map((label) => alert.labels[label])].filter(
      (value): value is string => typeof value === 'string' && value.length > 0,
    );
    const matched = candidates.map((candidate) => matchService(candidate, names)).find((name) => name !== null);
    if (matched) alertServices.add(matched);
    else {
      // The title may name the service ("payments-api p99 latency high").
      const named = names.filter((name) => new RegExp(`\\b${name.replace(/[-]/g, '[-_ ]')}\\b`, 'i').test(alert.title));
      if (named.length === 1 && named[0]) alertServices.add(named[0]);
      else if (alert.service) unknownServices.add(alert.service);
    }
  }
  const starts = [...alertServices];
  const down = distances(graph, starts, false);
  const up = distances(graph, starts, true);
  const onset = new Date(Math.min(...alerts.map((alert) => alert.startsAt.getTime()), now.getTime()));
  const namespace = alerts.map((alert) => alert.labels.namespace).find((value) => value) ?? null;
  const lookback = options.lookbackMs ?? 2 * 60 * 60_000;
  const changeLookback = options.changeLookbackMs ?? 6 * 60 * 60_000;
  return {
    alerts,
    alertServices: starts,
    unknownServices: [...unknownServices],
    onset,
    now,
    namespace,
    services: graph.services.map((service) => ({
      name: service.name,
      kind: service.kind,
      dependencyDistance: down.get(service.name) ?? null,
      callerDistance: up.get(service.name) ?? null,
    })),
    window: { from: new Date(onset.getTime() - lookback), to: now },
    changeWindow: { from: new Date(onset.getTime() - changeLookback), to: now },
  };
}
