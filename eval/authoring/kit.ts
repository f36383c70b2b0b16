/**
 * Authoring helpers for eval/scenarios: compact descriptions in, scenario.yaml + alert file out. The YAML files are the
 * source of truth the harness reads; this kit only saves typing timestamps. Times are minutes relative to the onset
 * (the alert's start). Noise is deterministic (seeded per scenario and series), so re-running writes identical files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export type Category =
  | 'deploy'
  | 'config'
  | 'resource_exhaustion'
  | 'dependency'
  | 'capacity'
  | 'network'
  | 'certificate'
  | 'data'
  | 'infrastructure';

export interface MetricSpec {
  service: string;
  name: string;
  unit?: string;
  base: number;
  /** Relative noise amplitude (0.05 = ±5%). */
  noise?: number;
  /** Minutes (relative to onset) when the level starts to move, and the level it reaches. */
  from?: number;
  to?: number;
  /** Minutes it takes to get there (0 = a step). */
  ramp?: number;
}

export interface LogSpec {
  service: string;
  level: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** `{n}` becomes a number, `{id}` a short hex id, `{ms}` a duration: variable parts real logs have. */
  message: string;
  from: number;
  to: number;
  /** One line every this many minutes. */
  every: number;
}

export interface ScenarioSpec {
  name: string;
  title: string;
  onset: string;
  /** Minutes after the onset when the investigation runs (default 15). */
  nowAfter?: number;
  services: Array<[string, string]>;
  dependencies: Array<[string, string]>;
  changes?: Array<{ at: number; service: string; kind: string; summary: string; author?: string; ref?: string }>;
  metrics: MetricSpec[];
  logs: LogSpec[];
  pods?: Array<{
    namespace: string;
    name: string;
    service: string;
    phase: string;
    restarts: number;
    reason?: string;
    lastTerminationReason?: string;
  }>;
  events?: Array<{ at: number; namespace: string; object: string; reason: string; message: string; type: string }>;
  source: string;
  alertFile: string;
  alert: unknown;
  expected: { service: string; category: Category; keywords: string[]; forbidden: string[] };
  redHerrings?: Array<{ kind: string; service: string; note: string }>;
}

function seeded(seedText: string): () => number {
  let seed = 2166136261;
  for (const character of seedText) seed = Math.imul(seed ^ character.charCodeAt(0), 16777619) >>> 0;
  return () => {
    seed = (Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return (seed % 1_000_000) / 1_000_000;
  };
}

export function at(onset: string, minutes: number): string {
  return new Date(new Date(onset).getTime() + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

function precision(value: number): number {
  return Number(value.toPrecision(4));
}

export function writeScenario(root: string, spec: ScenarioSpec): void {
  const nowAfter = spec.nowAfter ?? 15;
  const random = seeded(spec.name);
  const metrics = spec.metrics.map((metric) => {
    const noise = seeded(`${spec.name}/${metric.service}/${metric.name}`);
    const points: Array<[string, number]> = [];
    for (let minute = -120; minute <= nowAfter; minute += 5) {
      let level = metric.base;
      if (metric.from !== undefined && metric.to !== undefined && minute >= metric.from) {
        const progress = metric.ramp ? Math.min(1, (minute - metric.from) / metric.ramp) : 1;
        level = metric.base + (metric.to - metric.base) * progress;
      }
      const jitter = 1 + (metric.noise ?? 0.05) * (noise() * 2 - 1);
      points.push([at(spec.onset, minute), precision(Math.max(0, level * jitter))]);
    }
    return { service: metric.service, name: metric.name, ...(metric.unit ? { unit: metric.unit } : {}), points };
  });
  const logs = spec.logs
    .flatMap((log) => {
      const lines: Array<{ time: string; service: string; level: string; message: string }> = [];
      for (let minute = log.from; minute <= Math.min(log.to, nowAfter); minute += log.every) {
        const offsetSeconds = Math.floor(random() * 50);
        const message = log.message
          .replace(/\{n\}/g, () => String(1000 + Math.floor(random() * 9000)))
          .replace(/\{id\}/g, () => Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0'))
          .replace(/\{ms\}/g, () => String(Math.floor(200 + random() * 9000)));
        lines.push({
          time: new Date(new Date(at(spec.onset, minute)).getTime() + offsetSeconds * 1000).toISOString().replace('.000Z', 'Z'),
          service: log.service,
          level: log.level,
          message,
        });
      }
      return lines;
    })
    .sort((left, right) => (left.time < right.time ? -1 : left.time > right.time ? 1 : 0));
  const document = {
    title: spec.title,
    source: spec.source,
    alert: spec.alertFile,
    now: at(spec.onset, nowAfter),
    topology: {
      services: spec.services.map(([name, kind]) => ({ name, kind })),
      dependencies: spec.dependencies,
    },
    changes: (spec.changes ?? []).map((change) => ({
      time: at(spec.onset, change.at),
      service: change.service,
      kind: change.kind,
      summary: change.summary,
      ...(change.author ? { author: change.author } : {}),
      ...(change.ref ? { ref: change.ref } : {}),
    })),
    metrics,
    logs,
    kubernetes: {
      pods: spec.pods ?? [],
      events: (spec.events ?? []).map((event) => ({
        time: at(spec.onset, event.at),
        namespace: event.namespace,
        object: event.object,
        reason: event.reason,
        message: event.message,
        type: event.type,
      })),
    },
    expected: spec.expected,
    ...(spec.redHerrings && spec.redHerrings.length > 0 ? { redHerrings: spec.redHerrings } : {}),
  };
  const directory = join(root, spec.name);
  mkdirSync(directory, { recursive: true });
  const yaml = stringify(document, { lineWidth: 0, collectionStyle: 'block', flowCollectionPadding: false });
  writeFileSync(
    join(directory, 'scenario.yaml'),
    `# ${spec.title}\n# Format: eval/README.md. Written with eval/authoring (times are relative to the onset there).\n${compactPoints(yaml)}`,
  );
  writeFileSync(join(directory, spec.alertFile), `${JSON.stringify(spec.alert, null, 2)}\n`);
}

/** Puts each [time, value] pair and each dependency pair on one line, so the files stay readable. */
function compactPoints(yaml: string): string {
  return yaml.replace(/- - ([^\n]+)\n(\s+)- ([^\n]+)\n/g, (_match, first: string, _indent: string, second: string) => `- [${first}, ${second}]\n`);
}

/** A healthy service's usual signals: request rate, error ratio, p99 latency (flat with noise). */
export function healthy(service: string, rps = 120, errorRatio = 0.002, p99 = 180): MetricSpec[] {
  return [
    { service, name: 'request_rate', unit: 'req/s', base: rps, noise: 0.06 },
    { service, name: 'error_ratio', unit: 'ratio', base: errorRatio, noise: 0.3 },
    { service, name: 'latency_p99', unit: 'ms', base: p99, noise: 0.08 },
  ];
}

/** Replace some of a service's healthy signals with incident shapes. */
export function signals(base: MetricSpec[], overrides: MetricSpec[]): MetricSpec[] {
  const keys = new Set(overrides.map((metric) => `${metric.service}/${metric.name}`));
  return [...base.filter((metric) => !keys.has(`${metric.service}/${metric.name}`)), ...overrides];
}
