import { z } from 'zod';

/**
 * Provider-neutral telemetry ports. Adapters (scenario, Prometheus, Kubernetes, GitHub, Aurora's own alerts) implement
 * them; the investigation engine only sees these shapes. Every result shape has a zod schema, because adapters read
 * systems we do not control: the engine validates what each port returns and turns anything else into evidence
 * saying so, never a crash.
 */

export interface TimeWindow {
  from: Date;
  to: Date;
}

/** Passed to every port call: the engine aborts a call that outlives its time budget. */
export interface PortCallOptions {
  signal?: AbortSignal;
}

export const changeKinds = ['deploy', 'config', 'infra', 'feature_flag', 'scale'] as const;
export type ChangeKind = (typeof changeKinds)[number];

export const logLevels = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof logLevels)[number];

export function levelRank(level: LogLevel): number {
  return logLevels.indexOf(level);
}

const isoDate = z.coerce.date().refine((date) => !Number.isNaN(date.getTime()), 'must be a valid time');

export const metricSeriesSchema = z.object({
  service: z.string(),
  name: z.string(),
  unit: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  /** [epoch milliseconds, value], ascending. */
  points: z.array(z.tuple([z.number().finite(), z.number()])),
});
export type MetricSeries = z.infer<typeof metricSeriesSchema>;

export const logRecordSchema = z.object({
  time: isoDate,
  service: z.string(),
  level: z.enum(logLevels),
  message: z.string(),
});
export type LogRecord = z.infer<typeof logRecordSchema>;

export const changeRecordSchema = z.object({
  time: isoDate,
  service: z.string(),
  kind: z.enum(changeKinds),
  summary: z.string(),
  author: z.string().optional(),
  ref: z.string().optional(),
});
export type ChangeRecord = z.infer<typeof changeRecordSchema>;

export const podStateSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  service: z.string(),
  phase: z.string(),
  restarts: z.number().int().nonnegative(),
  reason: z.string().optional(),
  lastTerminationReason: z.string().optional(),
  node: z.string().optional(),
});
export type PodState = z.infer<typeof podStateSchema>;

export const kubernetesEventSchema = z.object({
  time: isoDate,
  namespace: z.string(),
  object: z.string(),
  reason: z.string(),
  message: z.string(),
  type: z.string(),
});
export type KubernetesEvent = z.infer<typeof kubernetesEventSchema>;

export const rolloutRevisionSchema = z.object({
  revision: z.number().int(),
  time: isoDate,
  image: z.string().optional(),
  replicaSet: z.string().optional(),
});
export type RolloutRevision = z.infer<typeof rolloutRevisionSchema>;

export const workloadStateSchema = z.object({
  service: z.string(),
  pods: z.array(podStateSchema),
  events: z.array(kubernetesEventSchema),
  rollouts: z.array(rolloutRevisionSchema),
});
export type WorkloadState = z.infer<typeof workloadStateSchema>;

export const serviceKinds = [
  'service',
  'database',
  'cache',
  'queue',
  'external',
  'gateway',
  'frontend',
  'job',
] as const;

export const topologyServiceSchema = z.object({ name: z.string(), kind: z.string() });
export type TopologyService = z.infer<typeof topologyServiceSchema>;

/**
 * A service's neighbours. `dependencies` are what it calls (downstream in request flow); `dependents` are its callers
 * (upstream). "from depends on to" in the scenario format puts `to` in from's dependencies.
 */
export const topologyNeighboursSchema = z.object({
  service: z.string(),
  kind: z.string().optional(),
  dependencies: z.array(z.string()),
  dependents: z.array(z.string()),
});
export type TopologyNeighbours = z.infer<typeof topologyNeighboursSchema>;

export const topologyGraphSchema = z.object({
  services: z.array(topologyServiceSchema),
  /** [from, to]: `from` depends on `to`. */
  dependencies: z.array(z.tuple([z.string(), z.string()])),
});
export type TopologyGraph = z.infer<typeof topologyGraphSchema>;

export const alertSignalSchema = z.object({
  time: isoDate,
  service: z.string().nullable(),
  title: z.string(),
  severity: z.string(),
  status: z.string(),
  source: z.string(),
});
export type AlertSignal = z.infer<typeof alertSignalSchema>;

export interface MetricsQuery {
  service: string;
  /** Signal names (error_rate, latency_p99, …); empty or absent means every signal the adapter knows. */
  signals?: string[];
  window: TimeWindow;
  stepSeconds?: number;
}

export interface LogsQuery {
  service: string;
  window: TimeWindow;
  /** The least severe level returned. */
  minLevel: LogLevel;
  limit?: number;
}

export interface ChangesQuery {
  window: TimeWindow;
  /** Restrict to these services; absent means every service the adapter knows. */
  services?: string[];
}

export interface WorkloadQuery {
  service: string;
  namespace?: string;
  window: TimeWindow;
}

export interface AlertSignalsQuery {
  window: TimeWindow;
  services?: string[];
}

/** Every port names itself, so evidence can say where it came from ("prometheus", "scenario", "github"). */
interface NamedPort {
  readonly name: string;
}

export interface MetricsPort extends NamedPort {
  query(query: MetricsQuery, options?: PortCallOptions): Promise<MetricSeries[]>;
}

export interface LogsPort extends NamedPort {
  search(query: LogsQuery, options?: PortCallOptions): Promise<LogRecord[]>;
}

export interface ChangesPort extends NamedPort {
  list(query: ChangesQuery, options?: PortCallOptions): Promise<ChangeRecord[]>;
}

export interface KubernetesPort extends NamedPort {
  describe(query: WorkloadQuery, options?: PortCallOptions): Promise<WorkloadState>;
}

export interface TopologyPort extends NamedPort {
  /** The whole known graph (small enough to hold: services, not instances). */
  graph(options?: PortCallOptions): Promise<TopologyGraph>;
  neighbours(service: string, options?: PortCallOptions): Promise<TopologyNeighbours>;
}

export interface AlertSignalsPort extends NamedPort {
  list(query: AlertSignalsQuery, options?: PortCallOptions): Promise<AlertSignal[]>;
}

/** The ports one investigation can use; any may be missing (then its evidence says "not configured"). */
export interface TelemetrySources {
  metrics?: MetricsPort;
  logs?: LogsPort;
  changes?: ChangesPort;
  kubernetes?: KubernetesPort;
  topology?: TopologyPort;
  alerts?: AlertSignalsPort;
}

/** Neighbours from a whole graph; shared by adapters that hold the graph in memory. */
export function neighboursIn(graph: TopologyGraph, service: string): TopologyNeighbours {
  return {
    service,
    kind: graph.services.find((entry) => entry.name === service)?.kind,
    dependencies: graph.dependencies.filter(([from]) => from === service).map(([, to]) => to),
    dependents: graph.dependencies.filter(([, to]) => to === service).map(([from]) => from),
  };
}

export function inWindow(time: Date, window: TimeWindow): boolean {
  const at = time.getTime();
  return at >= window.from.getTime() && at <= window.to.getTime();
}

/** Several change sources (GitHub deployments, Kubernetes rollouts, a CD tool) as one port. */
export function combineChanges(name: string, ports: ChangesPort[]): ChangesPort {
  return {
    name,
    async list(query, options) {
      const lists = await Promise.all(ports.map((port) => port.list(query, options)));
      return lists.flat().sort((left, right) => left.time.getTime() - right.time.getTime());
    },
  };
}
