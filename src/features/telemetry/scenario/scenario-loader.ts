import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ValidationFailed } from '../../../platform/errors.js';
import { type AlertSource, alertParsers, isAlertSource, type NormalizedAlert } from '../../alerts/index.js';
import type {
  ChangeRecord,
  KubernetesEvent,
  LogRecord,
  MetricSeries,
  PodState,
  TopologyGraph,
} from '../telemetry.model.js';
import { type RootCauseCategory, type redHerringKinds, scenarioFileSchema } from './scenario-format.js';

export interface ScenarioExpectation {
  service: string;
  category: RootCauseCategory;
  keywords: string[];
  forbidden: string[];
}

/** A validated scenario directory: the alert already normalised by its intake source's own parser. */
export interface Scenario {
  name: string;
  directory: string;
  title: string;
  source: AlertSource;
  alertFile: string;
  /** The webhook body exactly as the file holds it. */
  alertBody: unknown;
  /** Firing alerts the source's parser produced from it. */
  alerts: NormalizedAlert[];
  now: Date;
  topology: TopologyGraph;
  changes: ChangeRecord[];
  metrics: MetricSeries[];
  logs: LogRecord[];
  kubernetes: { pods: PodState[]; events: KubernetesEvent[] };
  expected: ScenarioExpectation;
  redHerrings: Array<{ kind: (typeof redHerringKinds)[number]; service: string; note?: string }>;
}

const maxFileBytes = 5 * 1024 * 1024;

function fail(file: string, message: string): never {
  throw new ValidationFailed(`${file}: ${message}`, { file });
}

function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issuePath(issue.path) || '(top level)'}: ${issue.message}`)
    .join('; ');
}

async function readLimited(file: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    fail(file, 'file not found');
  }
  if (size > maxFileBytes) fail(file, `larger than ${maxFileBytes} bytes`);
  return readFile(file, 'utf8');
}

/** Reads and validates `<directory>/scenario.yaml` and its alert file. Every problem is a ValidationFailed naming the file and field. */
export async function loadScenario(directory: string): Promise<Scenario> {
  const root = resolve(directory);
  const file = join(root, 'scenario.yaml');
  const text = await readLimited(file);
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    fail(file, `not valid YAML: ${document.errors[0]?.message.split('\n')[0]}`);
  }
  const parsed = scenarioFileSchema.safeParse(document.toJS());
  if (!parsed.success) fail(file, describeIssues(parsed.error));
  const spec = parsed.data;

  if (!isAlertSource(spec.source)) fail(file, `source: "${spec.source}" is not an intake source`);
  const known = new Set(spec.topology.services.map((service) => service.name));
  if (known.size !== spec.topology.services.length) fail(file, 'topology.services: a service is listed twice');
  const requireKnown = (service: string, where: string) => {
    if (!known.has(service)) fail(file, `${where}: "${service}" is not in topology.services`);
  };
  for (const [index, [from, to]] of spec.topology.dependencies.entries()) {
    requireKnown(from, `topology.dependencies[${index}][0]`);
    requireKnown(to, `topology.dependencies[${index}][1]`);
  }
  const requireAll = <T extends { service: string }>(items: T[], field: string) => {
    for (const [index, item] of items.entries()) requireKnown(item.service, `${field}[${index}].service`);
  };
  requireAll(spec.changes, 'changes');
  requireAll(spec.metrics, 'metrics');
  requireAll(spec.logs, 'logs');
  requireAll(spec.kubernetes.pods, 'kubernetes.pods');
  requireKnown(spec.expected.service, 'expected.service');
  requireAll(spec.redHerrings, 'redHerrings');

  if (spec.alert.includes('/') || spec.alert.includes('\\') || spec.alert.startsWith('.')) {
    fail(file, `alert: "${spec.alert}" must be a file name next to scenario.yaml`);
  }
  const alertFile = join(root, spec.alert);
  const alertText = await readLimited(alertFile);
  let alertBody: unknown;
  try {
    alertBody = JSON.parse(alertText);
  } catch (error) {
    fail(alertFile, `not valid JSON: ${(error as Error).message}`);
  }
  let alerts: NormalizedAlert[];
  try {
    alerts = alertParsers[spec.source](alertBody, { receivedAt: spec.now }).alerts.filter(
      (alert) => alert.status === 'firing',
    );
  } catch (error) {
    fail(alertFile, `the ${spec.source} parser rejected it: ${(error as Error).message}`);
  }
  if (alerts.length === 0) fail(alertFile, `the ${spec.source} payload holds no firing alert`);

  return {
    name: basename(root),
    directory: root,
    title: spec.title,
    source: spec.source,
    alertFile,
    alertBody,
    alerts,
    now: spec.now,
    topology: { services: spec.topology.services, dependencies: spec.topology.dependencies },
    changes: spec.changes.map((change) => ({ ...change })),
    metrics: spec.metrics.map((series) => ({
      service: series.service,
      name: series.name,
      unit: series.unit,
      points: series.points.map(([at, value]) => [at.getTime(), value] as [number, number]),
    })),
    logs: spec.logs,
    kubernetes: spec.kubernetes,
    expected: spec.expected,
    redHerrings: spec.redHerrings,
  };
}

/** Every immediate subdirectory of `directory` that holds a scenario.yaml, sorted by name. */
export async function findScenarioDirectories(directory: string): Promise<string[]> {
  const root = resolve(directory);
  let entries: Array<{ name: string; isDirectory(): boolean }>;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    throw new ValidationFailed(`${root}: no such scenarios directory`);
  }
  const found: string[] = [];
  for (const entry of entries
    .filter((candidate) => candidate.isDirectory())
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    try {
      await stat(join(root, entry.name, 'scenario.yaml'));
      found.push(join(root, entry.name));
    } catch {
      // not a scenario
    }
  }
  return found;
}
