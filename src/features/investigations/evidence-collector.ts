import type { PortCallOptions, TelemetrySources, TimeWindow } from '../telemetry/index.js';
import type { InvestigationAlert, InvestigationEntities } from './entities.js';
import { excerptOf, hashEvidence, isEmptyAnswer, readAnswer } from './evidence-format.js';
import type { EvidenceItem, EvidencePort, RunbookPassage, SimilarIncident } from './investigation.model.js';

/** Past incidents like this one (filled by feedback memory in a later round); optional. */
export interface SimilarIncidentsPort {
  readonly name: string;
  find(
    query: { alerts: InvestigationAlert[]; services: string[] },
    options?: PortCallOptions,
  ): Promise<SimilarIncident[]>;
}

/** Runbooks, postmortems and past-incident notes from the knowledge base that match the alert; optional. */
export interface RunbooksPort {
  readonly name: string;
  search(
    query: { alerts: InvestigationAlert[]; services: string[] },
    options?: PortCallOptions,
  ): Promise<RunbookPassage[]>;
}

/** Everything a playbook reads from. */
export type EvidenceSources = TelemetrySources & { similarIncidents?: SimilarIncidentsPort; runbooks?: RunbooksPort };

/** One call of the playbook. `run` receives the signal that fires when its time budget is spent. */
export interface EvidenceTask {
  port: EvidencePort;
  source: string;
  service: string | null;
  query: string;
  window: TimeWindow;
  run(signal: AbortSignal): Promise<unknown>;
}

export class SourceNotConfigured extends Error {}

class BudgetExceeded extends Error {}

export interface PlaybookOptions {
  /** Services examined at most (the alerting ones and their nearest neighbours first). */
  maxServices?: number;
}

/** The services worth reading, nearest to the alert first: its dependencies (3 hops), then its direct callers. */
export function servicesToExamine(entities: InvestigationEntities, maxServices = 25): string[] {
  const matched = entities.alertServices.length > 0;
  const rank = (service: InvestigationEntities['services'][number]) =>
    service.dependencyDistance !== null
      ? service.dependencyDistance
      : service.callerDistance !== null
        ? service.callerDistance + 0.5
        : 10;
  return entities.services
    .filter(
      (service) =>
        !matched ||
        (service.dependencyDistance !== null && service.dependencyDistance <= 3) ||
        (service.callerDistance !== null && service.callerDistance <= 1) ||
        entities.services.length <= maxServices,
    )
    .sort((left, right) => rank(left) - rank(right) || (left.name < right.name ? -1 : 1))
    .slice(0, maxServices)
    .map((service) => service.name);
}

function missing(port: EvidencePort): EvidenceTask['run'] {
  return async () => {
    throw new SourceNotConfigured(`no ${port} source is configured`);
  };
}

/**
 * Step 2's plan for an alert: changes across the examined services, then metrics, logs (warn and above) and the
 * Kubernetes workload of each, other alerts in the window, and similar past incidents. Topology was read already
 * (entity resolution needs it).
 */
export function buildPlaybook(
  entities: InvestigationEntities,
  sources: EvidenceSources,
  options: PlaybookOptions = {},
): EvidenceTask[] {
  const services = servicesToExamine(entities, options.maxServices);
  const { window, changeWindow, namespace } = entities;
  const tasks: EvidenceTask[] = [];
  const { changes, metrics, logs, kubernetes, alerts, similarIncidents, runbooks } = sources;
  tasks.push({
    port: 'changes',
    source: changes?.name ?? 'none',
    service: null,
    query: `changes.list services=${services.join(',')}`,
    window: changeWindow,
    run: changes ? (signal) => changes.list({ window: changeWindow, services }, { signal }) : missing('changes'),
  });
  tasks.push({
    port: 'alerts',
    source: alerts?.name ?? 'none',
    service: null,
    query: 'alerts.list',
    window,
    run: alerts ? (signal) => alerts.list({ window }, { signal }) : missing('alerts'),
  });
  for (const service of services) {
    tasks.push({
      port: 'metrics',
      source: metrics?.name ?? 'none',
      service,
      query: `metrics.query service=${service}`,
      window,
      run: metrics ? (signal) => metrics.query({ service, window }, { signal }) : missing('metrics'),
    });
    tasks.push({
      port: 'logs',
      source: logs?.name ?? 'none',
      service,
      query: `logs.search service=${service} level>=warn`,
      window,
      run: logs ? (signal) => logs.search({ service, window, minLevel: 'warn' }, { signal }) : missing('logs'),
    });
    tasks.push({
      port: 'kubernetes',
      source: kubernetes?.name ?? 'none',
      service,
      query: `kubernetes.describe workload=${service}${namespace ? ` namespace=${namespace}` : ''}`,
      window,
      run: kubernetes
        ? (signal) => kubernetes.describe({ service, namespace: namespace ?? undefined, window }, { signal })
        : missing('kubernetes'),
    });
  }
  if (similarIncidents) {
    tasks.push({
      port: 'similar_incidents',
      source: similarIncidents.name,
      service: null,
      query: 'incidents.similar',
      window,
      run: (signal) => similarIncidents.find({ alerts: entities.alerts, services }, { signal }),
    });
  }
  if (runbooks) {
    tasks.push({
      port: 'runbooks',
      source: runbooks.name,
      service: null,
      query: 'knowledge.search kind=runbook,postmortem,incident',
      window,
      run: (signal) => runbooks.search({ alerts: entities.alerts, services }, { signal }),
    });
  }
  return tasks;
}

export interface CollectOptions {
  /** Each call's time budget (default 10 s); a call past it is abandoned and recorded as timed out. */
  budgetMs?: number;
  /**
   * Calls in flight at once (default: all of them). A playbook is bounded by its service cap (25 services, 3 calls
   * each), and a cap below the playbook's size makes the wall time a multiple of the slowest source.
   */
  concurrency?: number;
  /** Ids start at E{firstIndex} (default 1). */
  firstIndex?: number;
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

/** Runs one task under its budget and turns whatever happens into an evidence item. Never throws. */
export async function runTask(task: EvidenceTask, id: string, budgetMs: number): Promise<EvidenceItem> {
  const started = performance.now();
  const timeRange = { from: task.window.from.toISOString(), to: task.window.to.toISOString() };
  const base = { id, port: task.port, source: task.source, query: task.query, service: task.service, timeRange };
  const finish = (fields: Pick<EvidenceItem, 'status' | 'excerpt' | 'data'> & { error?: string }): EvidenceItem => ({
    ...base,
    ...fields,
    durationMs: Math.round(performance.now() - started),
    hash: hashEvidence({
      source: task.source,
      query: task.query,
      timeRange,
      status: fields.status,
      answer: fields.data ?? fields.error ?? null,
    }),
  });
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new BudgetExceeded());
      controller.abort(new BudgetExceeded(`time budget of ${budgetMs} ms spent`));
    }, budgetMs);
  });
  try {
    const raw = await Promise.race([Promise.resolve().then(() => task.run(controller.signal)), budget]);
    const answer = readAnswer(task.port, raw);
    if ('problem' in answer) {
      return finish({
        status: 'invalid',
        excerpt: `${task.source} returned data Aurora could not read (${answer.problem}); it was ignored.`,
        data: null,
        error: answer.problem,
      });
    }
    const empty = isEmptyAnswer(answer.data);
    return finish({ status: empty ? 'empty' : 'ok', excerpt: excerptOf(answer.data), data: answer.data });
  } catch (error) {
    if (error instanceof BudgetExceeded) {
      return finish({
        status: 'timed_out',
        excerpt: `${task.source} did not answer ${task.query} within ${budgetMs} ms; the call was abandoned.`,
        data: null,
        error: `timed out after ${budgetMs} ms`,
      });
    }
    if (error instanceof SourceNotConfigured) {
      return finish({ status: 'not_configured', excerpt: `${error.message}.`, data: null, error: error.message });
    }
    return finish({
      status: 'failed',
      excerpt: `${task.source} failed on ${task.query}: ${message(error)}`,
      data: null,
      error: message(error),
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Step 2: runs the playbook's calls in parallel, each under its own time budget, and returns one evidence item per
 * call in playbook order (ids E{firstIndex}…). A call that fails, times out or returns garbage becomes an item that
 * says so.
 */
export async function collectEvidence(tasks: EvidenceTask[], options: CollectOptions = {}): Promise<EvidenceItem[]> {
  const budgetMs = options.budgetMs ?? 10_000;
  const concurrency = Math.max(1, options.concurrency ?? tasks.length);
  const firstIndex = options.firstIndex ?? 1;
  const results: EvidenceItem[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index] as EvidenceTask;
      results[index] = await runTask(task, `E${firstIndex + index}`, budgetMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}
