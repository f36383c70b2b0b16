import {
  type AlertSignalsPort,
  type ChangesPort,
  inWindow,
  type KubernetesPort,
  type LogsPort,
  levelRank,
  type MetricsPort,
  neighboursIn,
  type TelemetrySources,
  type TopologyPort,
} from '../telemetry.model.js';
import type { Scenario } from './scenario-loader.js';

const adapterName = 'scenario';

/** Does a Kubernetes object reference (`pod/checkout-7d9f`, `deployment/checkout`) or message concern `service`? */
function concerns(text: string, service: string, podNames: string[]): boolean {
  const lower = text.toLowerCase();
  // Hyphens belong to names: "orders" must not match "orders-db-0".
  return (
    podNames.some((pod) => lower.includes(pod.toLowerCase())) ||
    new RegExp(`(^|[^a-z0-9-])${escapePattern(service.toLowerCase())}($|[^a-z0-9-])`).test(lower)
  );
}

function escapePattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Serves a recorded scenario through every telemetry port, filtered the way a live backend would filter (by service,
 * window and level), so the engine cannot tell it from production sources.
 */
export function scenarioTelemetry(scenario: Scenario): Required<TelemetrySources> {
  const metrics: MetricsPort = {
    name: adapterName,
    async query({ service, signals, window }) {
      return scenario.metrics
        .filter((series) => series.service === service && (!signals?.length || signals.includes(series.name)))
        .map((series) => ({
          ...series,
          points: series.points.filter(([at]) => at >= window.from.getTime() && at <= window.to.getTime()),
        }));
    },
  };
  const logs: LogsPort = {
    name: adapterName,
    async search({ service, window, minLevel, limit }) {
      return scenario.logs
        .filter(
          (line) =>
            line.service === service && inWindow(line.time, window) && levelRank(line.level) >= levelRank(minLevel),
        )
        .slice(0, limit ?? 1_000);
    },
  };
  const changes: ChangesPort = {
    name: adapterName,
    async list({ window, services }) {
      return scenario.changes
        .filter((change) => inWindow(change.time, window) && (!services || services.includes(change.service)))
        .sort((left, right) => left.time.getTime() - right.time.getTime());
    },
  };
  const kubernetes: KubernetesPort = {
    name: adapterName,
    async describe({ service, namespace, window }) {
      const pods = scenario.kubernetes.pods.filter(
        (pod) => pod.service === service && (!namespace || pod.namespace === namespace),
      );
      const podNames = pods.map((pod) => pod.name);
      const events = scenario.kubernetes.events.filter(
        (event) =>
          inWindow(event.time, window) &&
          (!namespace || event.namespace === namespace) &&
          (concerns(event.object, service, podNames) || concerns(event.message, service, podNames)),
      );
      return { service, pods, events, rollouts: [] };
    },
  };
  const topology: TopologyPort = {
    name: adapterName,
    async graph() {
      return scenario.topology;
    },
    async neighbours(service) {
      return neighboursIn(scenario.topology, service);
    },
  };
  const alerts: AlertSignalsPort = {
    name: adapterName,
    async list({ window, services }) {
      return scenario.alerts
        .filter((alert) => inWindow(alert.startsAt, window) && (!services || services.includes(alert.service ?? '')))
        .map((alert) => ({
          time: alert.startsAt,
          service: alert.service,
          title: alert.title,
          severity: alert.severity,
          status: alert.status,
          source: alert.source,
        }));
    },
  };
  return { metrics, logs, changes, kubernetes, topology, alerts };
}
