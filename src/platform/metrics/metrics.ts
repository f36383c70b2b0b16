import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process (no global default), so tests can build several platforms side by side. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'aurora_' });
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'aurora_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    authenticationFailures: new Counter({
      name: 'aurora_authentication_failures_total',
      help: 'Requests rejected for missing or invalid credentials, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Job counts by queue and state, read from the database when Prometheus scrapes. */
export function registerQueueGauge(
  metrics: Metrics,
  counts: () => Promise<Record<string, Record<string, number>>>,
): void {
  new Gauge({
    name: 'aurora_queue_jobs',
    help: 'Jobs in the queue by name and state',
    labelNames: ['queue', 'state'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const [queue, states] of Object.entries(await counts())) {
        for (const [state, value] of Object.entries(states)) this.set({ queue, state }, value);
      }
    },
  });
}
