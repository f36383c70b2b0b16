/**
 * Writes eval/scenarios/* (run: node --import tsx eval/authoring/write-scenarios.ts). Each scenario is a realistic
 * incident with one true cause; many plant decoys (see `redHerrings` and eval/README.md). Re-running overwrites the
 * files with identical content.
 */
import { join } from 'node:path';
import { alertmanager, cloudwatch, datadog, generic, grafana, opsgenie, pagerduty, sentryIssue } from './alerts.js';
import { at, healthy, type LogSpec, type MetricSpec, type ScenarioSpec, signals, writeScenario } from './kit.js';

const root = join(import.meta.dirname, '..', 'scenarios');

const shopServices: Array<[string, string]> = [
  ['frontend', 'frontend'],
  ['checkout', 'service'],
  ['payments', 'service'],
  ['stripe-api', 'external'],
  ['inventory', 'service'],
  ['inventory-db', 'database'],
  ['catalog', 'service'],
  ['catalog-db', 'database'],
  ['recommendations', 'service'],
  ['redis-cache', 'cache'],
];
const shopDependencies: Array<[string, string]> = [
  ['frontend', 'checkout'],
  ['frontend', 'catalog'],
  ['frontend', 'recommendations'],
  ['checkout', 'payments'],
  ['checkout', 'inventory'],
  ['checkout', 'redis-cache'],
  ['payments', 'stripe-api'],
  ['inventory', 'inventory-db'],
  ['catalog', 'catalog-db'],
  ['recommendations', 'catalog'],
];
const shopMetrics = (): MetricSpec[] => [
  ...healthy('frontend', 900, 0.003, 320),
  ...healthy('checkout', 140, 0.002, 260),
  ...healthy('payments', 60, 0.001, 410),
  ...healthy('inventory', 220, 0.001, 90),
  { service: 'inventory-db', name: 'cpu_utilization', unit: 'ratio', base: 0.35, noise: 0.08 },
  { service: 'inventory-db', name: 'connections', base: 48, noise: 0.08 },
  ...healthy('catalog', 700, 0.002, 120),
  { service: 'catalog-db', name: 'cpu_utilization', unit: 'ratio', base: 0.3, noise: 0.08 },
  ...healthy('recommendations', 450, 0.01, 240),
  { service: 'redis-cache', name: 'connections', base: 310, noise: 0.05 },
  { service: 'redis-cache', name: 'memory_used_ratio', unit: 'ratio', base: 0.42, noise: 0.02 },
];
/** Background noise every production system has: the same warnings before and during the incident. */
const shopNoise = (): LogSpec[] => [
  { service: 'recommendations', level: 'warn', message: 'model cache miss for segment {n}, serving popular items', from: -120, to: 15, every: 10 },
  { service: 'frontend', level: 'warn', message: 'slow render of /products/{n}: {ms} ms', from: -118, to: 15, every: 15 },
  { service: 'catalog', level: 'warn', message: 'image resize fallback for sku {n}', from: -115, to: 15, every: 20 },
];
const pods = (service: string, count: number, extra: Partial<{ phase: string; restarts: number; reason: string; lastTerminationReason: string }> = {}) =>
  Array.from({ length: count }, (_, index) => ({
    namespace: 'production',
    name: `${service}-7d9f8c-${['x2k4p', 'b8m1q', 'r5t7w', 'h3n9z'][index] ?? `p${index}`}`,
    service,
    phase: extra.phase ?? 'Running',
    restarts: extra.restarts ?? 0,
    ...(extra.reason ? { reason: extra.reason } : {}),
    ...(extra.lastTerminationReason ? { lastTerminationReason: extra.lastTerminationReason } : {}),
  }));

const scenarios: ScenarioSpec[] = [];
const add = (spec: ScenarioSpec) => scenarios.push(spec);

// ---------------------------------------------------------------- deploy
{
  const onset = '2026-03-02T10:00:00Z';
  add({
    name: 'deploy-checkout-bad-release',
    title: 'Checkout 5xx after release v2.14.0',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [
      { at: -8, service: 'checkout', kind: 'deploy', summary: 'Deploy checkout v2.14.0 (multi-currency totals)', author: 'dana', ref: 'checkout@9f2c1ab' },
      { at: -95, service: 'catalog', kind: 'deploy', summary: 'Deploy catalog v4.2.0', author: 'lee', ref: 'catalog@51d0e2a' },
    ],
    metrics: signals(shopMetrics(), [
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -7, to: 0.19, ramp: 5 },
      { service: 'checkout', name: 'latency_p99', unit: 'ms', base: 260, noise: 0.08, from: -7, to: 310, ramp: 5 },
      { service: 'frontend', name: 'error_ratio', unit: 'ratio', base: 0.003, noise: 0.3, from: -6, to: 0.05, ramp: 5 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'checkout', level: 'error', message: "TypeError: Cannot read properties of undefined (reading 'currency') at computeTotals (totals.js:{n})", from: -7, to: 15, every: 1 },
      { service: 'frontend', level: 'error', message: 'POST /api/checkout failed: checkout returned 500 (request {id})', from: -6, to: 15, every: 2 },
    ],
    pods: [...pods('checkout', 3), ...pods('frontend', 3)],
    events: [{ at: -8, namespace: 'production', object: 'deployment/checkout', reason: 'ScalingReplicaSet', message: 'Scaled up replica set checkout-6c5d9 to 3', type: 'Normal' }],
    source: 'alertmanager',
    alertFile: 'alertmanager.json',
    alert: alertmanager({ alertname: 'CheckoutHighErrorRate', service: 'checkout', startsAt: at(onset, 0), summary: 'Checkout 5xx ratio above 5%', description: '5xx responses are 18% of checkout requests.' }),
    expected: { service: 'checkout', category: 'deploy', keywords: ['v2.14.0'], forbidden: ['catalog v4.2.0'] },
  });
}
{
  const onset = '2026-03-03T14:30:00Z';
  add({
    name: 'deploy-inventory-with-innocent-catalog-deploy',
    title: 'Checkout failures after an inventory release, with a catalog release minutes before the alert',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [
      { at: -26, service: 'inventory', kind: 'deploy', summary: 'Deploy inventory v3.8.0 (reservation batching)', author: 'sam', ref: 'inventory@c0ffee1' },
      { at: -3, service: 'catalog', kind: 'deploy', summary: 'Deploy catalog v4.3.1 (copy changes)', author: 'lee', ref: 'catalog@a1b2c3d' },
    ],
    metrics: signals(shopMetrics(), [
      { service: 'inventory', name: 'error_ratio', unit: 'ratio', base: 0.001, noise: 0.3, from: -25, to: 0.06, ramp: 20 },
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -20, to: 0.09, ramp: 20 },
      { service: 'catalog', name: 'request_rate', unit: 'req/s', base: 700, noise: 0.06 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'inventory', level: 'error', message: 'java.lang.NullPointerException: batch is null at ReservationService.reserve(ReservationService.java:{n})', from: -25, to: 15, every: 2 },
      { service: 'checkout', level: 'error', message: 'reserve stock failed: inventory returned 500 for order {id}', from: -20, to: 15, every: 1 },
      { service: 'catalog', level: 'info', message: 'started catalog v4.3.1', from: -3, to: -3, every: 1 },
    ],
    pods: [...pods('inventory', 3), ...pods('catalog', 3)],
    source: 'grafana',
    alertFile: 'grafana.json',
    alert: grafana({ alertname: 'Checkout errors', service: 'checkout', startsAt: at(onset, 0), summary: 'Checkout error ratio above 5%', value: 0.071 }),
    expected: { service: 'inventory', category: 'deploy', keywords: ['v3.8.0'], forbidden: ['v4.3.1'] },
    redHerrings: [{ kind: 'innocent_deploy', service: 'catalog', note: 'catalog deployed 3 minutes before the alert and stayed healthy' }],
  });
}
{
  const onset = '2026-03-04T09:15:00Z';
  add({
    name: 'deploy-catalog-frontend-symptom',
    title: 'Storefront 5xx alert whose cause is a catalog release',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [{ at: -14, service: 'catalog', kind: 'deploy', summary: 'Deploy catalog v4.4.0 (faceted search)', author: 'lee', ref: 'catalog@77e1f00' }],
    metrics: signals(shopMetrics(), [
      { service: 'catalog', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -13, to: 0.31, ramp: 5 },
      { service: 'frontend', name: 'error_ratio', unit: 'ratio', base: 0.003, noise: 0.3, from: -12, to: 0.22, ramp: 5 },
      { service: 'frontend', name: 'latency_p99', unit: 'ms', base: 320, noise: 0.08, from: -12, to: 900, ramp: 5 },
      { service: 'recommendations', name: 'error_ratio', unit: 'ratio', base: 0.01, noise: 0.2, from: -12, to: 0.08, ramp: 5 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'catalog', level: 'error', message: 'panic: runtime error: index out of range [3] with length 3 in facets.go:{n}', from: -13, to: 15, every: 1 },
      { service: 'frontend', level: 'error', message: 'GET /products failed: catalog returned 503 (request {id})', from: -12, to: 15, every: 1 },
      { service: 'recommendations', level: 'error', message: 'fetching candidates from catalog failed: 503 Service Unavailable', from: -12, to: 15, every: 3 },
    ],
    pods: [...pods('catalog', 3, { restarts: 2, lastTerminationReason: 'Error' }), ...pods('frontend', 3)],
    source: 'datadog',
    alertFile: 'datadog.json',
    alert: datadog({ title: 'Storefront 5xx rate high', service: 'frontend', startsAt: at(onset, 0), metric: 'trace.http.request.errors', query: 'sum(last_5m):sum:trace.http.request.errors{service:frontend}.as_rate() > 20', status: 'trace.http.request.errors over service:frontend was > 20 on average during the last 5m.' }),
    expected: { service: 'catalog', category: 'deploy', keywords: ['v4.4.0'], forbidden: [] },
    redHerrings: [{ kind: 'symptom_upstream', service: 'frontend', note: 'the alerting frontend only relays catalog errors' }],
  });
}
// ---------------------------------------------------------------- config
{
  const onset = '2026-03-05T11:00:00Z';
  add({
    name: 'config-payments-client-timeout',
    title: 'Checkout payment failures after a client timeout change',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [{ at: -6, service: 'checkout', kind: 'config', summary: 'Set PAYMENTS_CLIENT_TIMEOUT_MS=50 (was 2000) in checkout config', author: 'ari', ref: 'config-repo@4411aa0' }],
    metrics: signals(shopMetrics(), [
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -5, to: 0.27, ramp: 0 },
      { service: 'payments', name: 'request_rate', unit: 'req/s', base: 60, noise: 0.06 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'checkout', level: 'error', message: 'payment authorisation failed: context deadline exceeded after 50ms calling payments (order {id})', from: -5, to: 15, every: 1 },
    ],
    pods: pods('checkout', 3),
    source: 'alertmanager',
    alertFile: 'alertmanager.json',
    alert: alertmanager({ alertname: 'CheckoutPaymentFailures', service: 'checkout', startsAt: at(onset, 0), summary: 'Checkout payment step failing', description: '27% of payment authorisations fail.' }),
    expected: { service: 'checkout', category: 'config', keywords: ['PAYMENTS_CLIENT_TIMEOUT_MS'], forbidden: [] },
  });
}
{
  const onset = '2026-03-06T16:40:00Z';
  add({
    name: 'config-pricing-flag-with-innocent-deploy',
    title: 'Catalog errors after a feature flag rollout, with an unrelated recommendations deploy',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [
      { at: -5, service: 'catalog', kind: 'feature_flag', summary: 'Enable flag new-pricing-engine for 100% of traffic', author: 'flags-bot', ref: 'flag:new-pricing-engine' },
      { at: -2, service: 'recommendations', kind: 'deploy', summary: 'Deploy recommendations v9.1.0', author: 'kim', ref: 'recs@0badf00' },
    ],
    metrics: signals(shopMetrics(), [
      { service: 'catalog', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -4, to: 0.12, ramp: 0 },
      { service: 'frontend', name: 'error_ratio', unit: 'ratio', base: 0.003, noise: 0.3, from: -4, to: 0.04, ramp: 0 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'catalog', level: 'error', message: "pricing rule evaluation failed: missing key 'region_multiplier' for sku {n}", from: -4, to: 15, every: 1 },
      { service: 'frontend', level: 'error', message: 'GET /products/{n} failed: catalog returned 500', from: -4, to: 15, every: 3 },
      { service: 'recommendations', level: 'info', message: 'recommendations v9.1.0 ready', from: -2, to: -2, every: 1 },
    ],
    pods: [...pods('catalog', 3), ...pods('recommendations', 2)],
    source: 'opsgenie',
    alertFile: 'opsgenie.json',
    alert: opsgenie({ message: 'Catalog price lookups failing', service: 'catalog', startsAt: at(onset, 0), description: '12% of catalog requests fail with 500.', alias: 'catalog-price-errors' }),
    expected: { service: 'catalog', category: 'config', keywords: ['new-pricing-engine'], forbidden: ['v9.1.0'] },
    redHerrings: [{ kind: 'innocent_deploy', service: 'recommendations', note: 'recommendations deployed 2 minutes before the alert' }],
  });
}
{
  const onset = '2026-03-07T08:20:00Z';
  add({
    name: 'config-payments-key-with-noisy-neighbour',
    title: 'Payments rejected after a secret reference change; recommendations logs errors all day',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [{ at: -9, service: 'payments', kind: 'config', summary: 'Point STRIPE_SECRET_REF at payments/stripe-v2 in payments config', author: 'ari', ref: 'config-repo@9c8d7e6' }],
    metrics: signals(shopMetrics(), [
      { service: 'payments', name: 'error_ratio', unit: 'ratio', base: 0.001, noise: 0.3, from: -8, to: 0.64, ramp: 0 },
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -8, to: 0.2, ramp: 0 },
      { service: 'recommendations', name: 'error_ratio', unit: 'ratio', base: 0.04, noise: 0.25 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'recommendations', level: 'error', message: 'feature store read failed for user {n}: partition not ready', from: -120, to: 15, every: 1 },
      { service: 'payments', level: 'error', message: 'stripe authentication failed: Invalid API Key provided: sk_live_****{n}', from: -8, to: 15, every: 1 },
      { service: 'checkout', level: 'error', message: 'payment declined by payments: upstream error 402 for order {id}', from: -8, to: 15, every: 2 },
    ],
    pods: [...pods('payments', 2), ...pods('recommendations', 3)],
    source: 'pagerduty',
    alertFile: 'pagerduty.json',
    alert: pagerduty({ title: 'Payments authorisation failures above 50%', serviceSummary: 'Payments', startsAt: at(onset, 0), key: 'payments-auth-failures' }),
    expected: { service: 'payments', category: 'config', keywords: ['STRIPE_SECRET_REF'], forbidden: ['feature store'] },
    redHerrings: [{ kind: 'noisy_neighbour', service: 'recommendations', note: 'logs one error a minute all day' }],
  });
}
// ---------------------------------------------------------------- resource exhaustion
{
  const onset = '2026-03-08T02:10:00Z';
  add({
    name: 'resource-catalog-memory-leak',
    title: 'Catalog OOM kills from a slow memory leak, with a frontend deploy just before',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [
      { at: -4, service: 'frontend', kind: 'deploy', summary: 'Deploy frontend v7.0.3 (font update)', author: 'noor', ref: 'web@3e3e3e3' },
      { at: -300, service: 'catalog', kind: 'deploy', summary: 'Deploy catalog v4.1.9', author: 'lee', ref: 'catalog@12ab34c' },
    ],
    metrics: signals(shopMetrics(), [
      { service: 'catalog', name: 'memory_working_set_ratio', unit: 'ratio', base: 0.55, noise: 0.02, from: -110, to: 0.99, ramp: 105 },
      { service: 'catalog', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -10, to: 0.09, ramp: 5 },
      { service: 'frontend', name: 'error_ratio', unit: 'ratio', base: 0.003, noise: 0.3, from: -8, to: 0.03, ramp: 5 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'catalog', level: 'error', message: 'FATAL: JavaScript heap out of memory (allocation failed, heap {n} MB)', from: -9, to: 15, every: 3 },
      { service: 'frontend', level: 'error', message: 'GET /products failed: catalog connection reset by peer', from: -8, to: 15, every: 2 },
    ],
    pods: [...pods('catalog', 3, { restarts: 5, lastTerminationReason: 'OOMKilled' }), ...pods('frontend', 3)],
    events: [
      { at: -9, namespace: 'production', object: 'pod/catalog-7d9f8c-x2k4p', reason: 'OOMKilling', message: 'Memory cgroup out of memory: Killed process 4121 (node) catalog', type: 'Warning' },
      { at: -6, namespace: 'production', object: 'pod/catalog-7d9f8c-b8m1q', reason: 'BackOff', message: 'Back-off restarting failed container catalog', type: 'Warning' },
    ],
    source: 'grafana',
    alertFile: 'grafana.json',
    alert: grafana({ alertname: 'Catalog restarts', service: 'catalog', startsAt: at(onset, 0), summary: 'Catalog pods restarting', value: 5 }),
    expected: { service: 'catalog', category: 'resource_exhaustion', keywords: ['memory'], forbidden: ['v7.0.3'] },
    redHerrings: [{ kind: 'innocent_deploy', service: 'frontend', note: 'frontend deployed 4 minutes before the alert' }],
  });
}
{
  const onset = '2026-03-09T05:45:00Z';
  add({
    name: 'resource-inventory-db-disk-full',
    title: 'Inventory database out of disk space',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    metrics: signals(shopMetrics(), [
      { service: 'inventory-db', name: 'disk_used_ratio', unit: 'ratio', base: 0.86, noise: 0.005, from: -90, to: 1.0, ramp: 88 },
      { service: 'inventory', name: 'error_ratio', unit: 'ratio', base: 0.001, noise: 0.3, from: -3, to: 0.4, ramp: 0 },
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -3, to: 0.15, ramp: 0 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'inventory-db', level: 'error', message: 'could not extend file "base/16384/{n}": No space left on device', from: -3, to: 15, every: 1 },
      { service: 'inventory', level: 'error', message: 'update stock_items failed on inventory-db: ERROR: could not extend file (SQLSTATE 53100)', from: -3, to: 15, every: 1 },
      { service: 'checkout', level: 'error', message: 'reserve stock failed: inventory returned 500 for order {id}', from: -3, to: 15, every: 2 },
    ],
    source: 'cloudwatch',
    alertFile: 'cloudwatch.json',
    alert: cloudwatch({ alarmName: 'inventory-db-free-storage-low', description: 'Free storage on inventory-db below 2 GiB [critical]', startsAt: at(onset, 0), metricName: 'FreeStorageSpace', namespace: 'AWS/RDS', dimension: { name: 'DBInstanceIdentifier', value: 'inventory-db' }, reason: 'Threshold Crossed: 1 datapoint [0.0 (09/03/26 05:40:00)] was less than the threshold (2147483648.0).' }),
    expected: { service: 'inventory-db', category: 'resource_exhaustion', keywords: ['space'], forbidden: [] },
  });
}
{
  const onset = '2026-03-10T19:05:00Z';
  add({
    name: 'resource-checkout-pool-frontend-symptom',
    title: 'Storefront latency alert caused by checkout database pool exhaustion',
    onset,
    services: [...shopServices, ['orders-db', 'database']],
    dependencies: [...shopDependencies, ['checkout', 'orders-db']],
    metrics: signals([...shopMetrics(), { service: 'orders-db', name: 'cpu_utilization', unit: 'ratio', base: 0.4, noise: 0.06 }], [
      { service: 'checkout', name: 'db_pool_connections_in_use', base: 18, noise: 0.1, from: -15, to: 50, ramp: 5 },
      { service: 'checkout', name: 'latency_p99', unit: 'ms', base: 260, noise: 0.08, from: -12, to: 30000, ramp: 5 },
      { service: 'frontend', name: 'latency_p99', unit: 'ms', base: 320, noise: 0.08, from: -10, to: 30500, ramp: 5 },
      { service: 'frontend', name: 'error_ratio', unit: 'ratio', base: 0.003, noise: 0.3, from: -10, to: 0.08, ramp: 5 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'checkout', level: 'error', message: 'HikariPool-1 - Connection pool exhausted: 0 idle, 50 active, {n} waiting', from: -12, to: 15, every: 1 },
      { service: 'frontend', level: 'error', message: 'POST /api/checkout: timed out after 30000 ms calling checkout', from: -10, to: 15, every: 1 },
    ],
    pods: [...pods('checkout', 3), ...pods('frontend', 3)],
    source: 'alertmanager',
    alertFile: 'alertmanager.json',
    alert: alertmanager({ alertname: 'StorefrontLatencyHigh', service: 'frontend', startsAt: at(onset, 0), summary: 'Storefront p99 above 5 s', description: 'p99 latency of the storefront is 30 s.' }),
    expected: { service: 'checkout', category: 'resource_exhaustion', keywords: ['pool'], forbidden: [] },
    redHerrings: [{ kind: 'symptom_upstream', service: 'frontend', note: 'the frontend alerts on latency it inherits from checkout' }],
  });
}
// ---------------------------------------------------------------- dependency
{
  const onset = '2026-03-11T13:00:00Z';
  add({
    name: 'dependency-stripe-outage-with-payments-deploy',
    title: 'Card payments failing during a Stripe outage, with a payments deploy shortly before',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [{ at: -7, service: 'payments', kind: 'deploy', summary: 'Deploy payments v5.2.2 (receipt e-mails)', author: 'ari', ref: 'payments@5e5e5e5' }],
    metrics: signals(shopMetrics(), [
      { service: 'payments', name: 'error_ratio', unit: 'ratio', base: 0.001, noise: 0.3, from: -4, to: 0.55, ramp: 2 },
      { service: 'payments', name: 'latency_p99', unit: 'ms', base: 410, noise: 0.08, from: -4, to: 10000, ramp: 2 },
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -3, to: 0.21, ramp: 2 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'payments', level: 'error', message: 'charge failed: stripe-api responded 503 Service Unavailable (request req_{id})', from: -4, to: 15, every: 1 },
      { service: 'payments', level: 'warn', message: 'retrying charge against stripe-api in {ms} ms', from: -4, to: 15, every: 2 },
      { service: 'checkout', level: 'error', message: 'payment step failed: payments returned 502 for order {id}', from: -3, to: 15, every: 1 },
    ],
    pods: [...pods('payments', 2), ...pods('checkout', 3)],
    source: 'opsgenie',
    alertFile: 'opsgenie.json',
    alert: opsgenie({ message: 'Checkout payment authorisations failing', service: 'checkout', startsAt: at(onset, 0), description: 'Payments returned 502 for 21% of authorisation calls.', alias: 'checkout-payment-auth' }),
    expected: { service: 'stripe-api', category: 'dependency', keywords: ['stripe-api', '503'], forbidden: ['v5.2.2'] },
    redHerrings: [
      { kind: 'innocent_deploy', service: 'payments', note: 'payments deployed 7 minutes before; its errors all report Stripe' },
      { kind: 'symptom_upstream', service: 'checkout', note: 'checkout alerts on payments failures' },
    ],
  });
}
{
  const onset = '2026-03-12T07:30:00Z';
  const services: Array<[string, string]> = [
    ['web', 'frontend'],
    ['accounts', 'service'],
    ['identity-provider', 'external'],
    ['profile', 'service'],
    ['profile-db', 'database'],
    ['recommendations', 'service'],
  ];
  add({
    name: 'dependency-identity-provider-noisy-neighbour',
    title: 'Sign-ins failing: the identity provider times out; recommendations is noisy as always',
    onset,
    services,
    dependencies: [['web', 'accounts'], ['web', 'profile'], ['web', 'recommendations'], ['accounts', 'identity-provider'], ['profile', 'profile-db'], ['profile', 'accounts']],
    metrics: [
      ...healthy('web', 600, 0.004, 400),
      ...signals(healthy('accounts', 80, 0.002, 300), [
        { service: 'accounts', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -6, to: 0.7, ramp: 3 },
        { service: 'accounts', name: 'latency_p99', unit: 'ms', base: 300, noise: 0.08, from: -6, to: 10000, ramp: 3 },
      ]),
      ...healthy('profile', 150, 0.002, 120),
      ...healthy('recommendations', 300, 0.05, 240),
    ],
    logs: [
      { service: 'recommendations', level: 'error', message: 'ranking model timed out for user {n}, serving fallback', from: -120, to: 15, every: 1 },
      { service: 'accounts', level: 'error', message: 'token exchange with identity-provider timed out after 10000 ms (login {id})', from: -6, to: 15, every: 1 },
      { service: 'web', level: 'error', message: 'AuthTimeoutError: accounts did not complete sign-in in time', from: -5, to: 15, every: 2 },
    ],
    pods: [...pods('accounts', 2), ...pods('recommendations', 3)],
    source: 'sentry',
    alertFile: 'sentry.json',
    alert: sentryIssue({ project: 'web', title: 'AuthTimeoutError: accounts did not complete sign-in in time', type: 'AuthTimeoutError', value: 'accounts did not complete sign-in in time', startsAt: at(onset, 0), culprit: 'src/auth/signin.ts in completeSignIn' }),
    expected: { service: 'identity-provider', category: 'dependency', keywords: ['identity-provider'], forbidden: ['ranking model'] },
    redHerrings: [
      { kind: 'noisy_neighbour', service: 'recommendations', note: 'logs a timeout error every minute, before and during' },
      { kind: 'symptom_upstream', service: 'web', note: 'the alert comes from the web front end' },
    ],
  });
}
{
  const onset = '2026-03-13T12:12:00Z';
  const services: Array<[string, string]> = [
    ['storefront', 'frontend'],
    ['shipping', 'service'],
    ['geo-api', 'external'],
    ['orders', 'service'],
    ['orders-db', 'database'],
  ];
  add({
    name: 'dependency-geo-api-with-shipping-deploy',
    title: 'Shipping quotes failing while the geocoding provider returns 504s',
    onset,
    services,
    dependencies: [['storefront', 'shipping'], ['storefront', 'orders'], ['shipping', 'geo-api'], ['orders', 'orders-db'], ['orders', 'shipping']],
    changes: [{ at: -3, service: 'shipping', kind: 'deploy', summary: 'Deploy shipping v2.0.7 (label printer fix)', author: 'mo', ref: 'shipping@abcdef1' }],
    metrics: [
      ...healthy('storefront', 500, 0.003, 350),
      ...signals(healthy('shipping', 90, 0.002, 250), [
        { service: 'shipping', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -5, to: 0.48, ramp: 2 },
      ]),
      ...healthy('orders', 110, 0.001, 140),
      { service: 'orders-db', name: 'cpu_utilization', unit: 'ratio', base: 0.3, noise: 0.08 },
    ],
    logs: [
      { service: 'shipping', level: 'error', message: 'quote lookup failed: geo-api returned 504 Gateway Timeout for postcode {n}', from: -5, to: 15, every: 1 },
      { service: 'orders', level: 'warn', message: 'shipping quote unavailable, using flat rate for order {id}', from: -5, to: 15, every: 2 },
    ],
    pods: pods('shipping', 2),
    source: 'generic',
    alertFile: 'generic.json',
    alert: generic({ title: 'Shipping quote errors above 20%', service: 'shipping', startsAt: at(onset, 0), description: 'Synthetic checkout journey: shipping quotes fail.' }),
    expected: { service: 'geo-api', category: 'dependency', keywords: ['geo-api', '504'], forbidden: ['v2.0.7'] },
    redHerrings: [{ kind: 'innocent_deploy', service: 'shipping', note: 'shipping deployed 3 minutes before; its errors name geo-api' }],
  });
}
// ---------------------------------------------------------------- capacity
{
  const onset = '2026-03-14T18:00:00Z';
  add({
    name: 'capacity-campaign-traffic-surge',
    title: 'Checkout saturated by a marketing campaign, with a banner flag flipped just before',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [{ at: -6, service: 'frontend', kind: 'feature_flag', summary: 'Enable flag spring-banner on the home page', author: 'marketing-bot', ref: 'flag:spring-banner' }],
    metrics: signals(shopMetrics(), [
      { service: 'frontend', name: 'request_rate', unit: 'req/s', base: 900, noise: 0.06, from: -20, to: 3400, ramp: 15 },
      { service: 'checkout', name: 'request_rate', unit: 'req/s', base: 140, noise: 0.06, from: -20, to: 560, ramp: 15 },
      { service: 'checkout', name: 'cpu_utilization', unit: 'ratio', base: 0.45, noise: 0.05, from: -20, to: 0.98, ramp: 15 },
      { service: 'checkout', name: 'latency_p99', unit: 'ms', base: 260, noise: 0.08, from: -10, to: 4200, ramp: 8 },
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -5, to: 0.06, ramp: 5 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'checkout', level: 'warn', message: 'request queue depth {n} exceeds 400, shedding load', from: -8, to: 15, every: 1 },
      { service: 'checkout', level: 'error', message: 'request rejected: server saturated (queue full)', from: -5, to: 15, every: 2 },
    ],
    pods: pods('checkout', 4),
    events: [
      { at: -9, namespace: 'production', object: 'horizontalpodautoscaler/checkout', reason: 'ScalingLimited', message: 'the desired replica count is more than the maximum replica count (maxReplicas 4)', type: 'Warning' },
    ],
    source: 'alertmanager',
    alertFile: 'alertmanager.json',
    alert: alertmanager({ alertname: 'CheckoutLatencyHigh', service: 'checkout', startsAt: at(onset, 0), summary: 'Checkout p99 above 2 s', description: 'Checkout p99 latency is 4.2 s.' }),
    expected: { service: 'checkout', category: 'capacity', keywords: ['checkout'], forbidden: ['spring-banner'] },
    redHerrings: [{ kind: 'innocent_deploy', service: 'frontend', note: 'a banner flag flipped 6 minutes before the alert' }],
  });
}
{
  const onset = '2026-03-15T10:30:00Z';
  const services: Array<[string, string]> = [
    ['web', 'frontend'],
    ['search', 'service'],
    ['search-index', 'database'],
    ['catalog', 'service'],
  ];
  add({
    name: 'capacity-search-scaled-down',
    title: 'Search latency after its replica ceiling was lowered',
    onset,
    services,
    dependencies: [['web', 'search'], ['web', 'catalog'], ['search', 'search-index']],
    changes: [{ at: -22, service: 'search', kind: 'scale', summary: 'HPA maxReplicas 12 → 4 for search (cost review)', author: 'finops', ref: 'infra@ffe1d2c' }],
    metrics: [
      ...healthy('web', 800, 0.003, 300),
      ...signals(healthy('search', 400, 0.002, 150), [
        { service: 'search', name: 'cpu_utilization', unit: 'ratio', base: 0.5, noise: 0.05, from: -20, to: 0.97, ramp: 10 },
        { service: 'search', name: 'latency_p99', unit: 'ms', base: 150, noise: 0.08, from: -15, to: 2600, ramp: 10 },
      ]),
      { service: 'search-index', name: 'cpu_utilization', unit: 'ratio', base: 0.35, noise: 0.06 },
      ...healthy('catalog', 300, 0.002, 110),
    ],
    logs: [
      { service: 'search', level: 'warn', message: 'worker pool busy: {n} queries waiting', from: -14, to: 15, every: 1 },
      { service: 'web', level: 'warn', message: 'search slow: {ms} ms for query {id}', from: -12, to: 15, every: 2 },
    ],
    pods: pods('search', 4),
    events: [{ at: -12, namespace: 'production', object: 'horizontalpodautoscaler/search', reason: 'ScalingLimited', message: 'the desired replica count is more than the maximum replica count', type: 'Warning' }],
    source: 'grafana',
    alertFile: 'grafana.json',
    alert: grafana({ alertname: 'Search latency', service: 'search', startsAt: at(onset, 0), summary: 'Search p99 above 1 s', value: 2.6 }),
    expected: { service: 'search', category: 'capacity', keywords: ['maxReplicas'], forbidden: [] },
  });
}
{
  const onset = '2026-03-16T22:00:00Z';
  const services: Array<[string, string]> = [
    ['partner-api', 'gateway'],
    ['orders', 'service'],
    ['orders-queue', 'queue'],
    ['order-worker', 'service'],
    ['orders-db', 'database'],
    ['notifications', 'service'],
  ];
  add({
    name: 'capacity-order-worker-backlog-noisy-neighbour',
    title: 'Order processing lag from a partner bulk import; notifications errors are routine',
    onset,
    services,
    dependencies: [['partner-api', 'orders'], ['orders', 'orders-queue'], ['order-worker', 'orders-queue'], ['order-worker', 'orders-db'], ['order-worker', 'notifications']],
    metrics: [
      ...healthy('partner-api', 40, 0.002, 200),
      ...signals(healthy('orders', 40, 0.001, 120), [
        { service: 'orders', name: 'request_rate', unit: 'req/s', base: 40, noise: 0.06, from: -30, to: 400, ramp: 5 },
      ]),
      { service: 'order-worker', name: 'messages_in_rate', unit: 'msg/s', base: 40, noise: 0.06, from: -30, to: 400, ramp: 5 },
      { service: 'order-worker', name: 'consumer_lag_seconds', unit: 's', base: 2, noise: 0.3, from: -25, to: 1800, ramp: 30 },
      { service: 'order-worker', name: 'cpu_utilization', unit: 'ratio', base: 0.4, noise: 0.05, from: -28, to: 0.96, ramp: 5 },
      { service: 'orders-db', name: 'cpu_utilization', unit: 'ratio', base: 0.3, noise: 0.06 },
      ...signals(healthy('notifications', 20, 0.08, 600), []),
    ],
    logs: [
      { service: 'notifications', level: 'error', message: 'SMTP 421 4.7.0 try again later (message {id})', from: -120, to: 15, every: 1 },
      { service: 'order-worker', level: 'warn', message: 'consumer lag {n}s on partition 3 exceeds 60s', from: -15, to: 15, every: 1 },
    ],
    pods: pods('order-worker', 3),
    events: [{ at: -20, namespace: 'production', object: 'horizontalpodautoscaler/order-worker', reason: 'ScalingLimited', message: 'the desired replica count is more than the maximum replica count (maxReplicas 3)', type: 'Warning' }],
    source: 'datadog',
    alertFile: 'datadog.json',
    alert: datadog({ title: 'Order processing lag above 10 minutes', service: 'order-worker', startsAt: at(onset, 0), metric: 'kafka.consumer_lag', query: 'max(last_5m):max:kafka.consumer_lag{service:order-worker} > 600', status: 'kafka.consumer_lag over service:order-worker was > 600 during the last 5m.' }),
    expected: { service: 'order-worker', category: 'capacity', keywords: ['order-worker'], forbidden: ['SMTP'] },
    redHerrings: [{ kind: 'noisy_neighbour', service: 'notifications', note: 'SMTP deferrals every minute, all day' }],
  });
}
// ---------------------------------------------------------------- network
{
  const onset = '2026-03-17T09:40:00Z';
  add({
    name: 'network-cache-network-policy',
    title: 'Checkout cannot reach Redis after a NetworkPolicy change',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [
      { at: -5, service: 'redis-cache', kind: 'infra', summary: 'Apply NetworkPolicy default-deny-ingress to namespace cache', author: 'platform-team', ref: 'infra@0a0b0c0' },
      { at: -30, service: 'inventory', kind: 'deploy', summary: 'Deploy inventory v3.8.2', author: 'sam', ref: 'inventory@d00d00d' },
    ],
    metrics: signals(shopMetrics(), [
      { service: 'redis-cache', name: 'connections', base: 310, noise: 0.05, from: -4, to: 4, ramp: 0 },
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -4, to: 0.33, ramp: 0 },
      { service: 'checkout', name: 'latency_p99', unit: 'ms', base: 260, noise: 0.08, from: -4, to: 5100, ramp: 0 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'checkout', level: 'error', message: 'cart lookup failed: dial tcp redis-cache.cache.svc:6379: i/o timeout', from: -4, to: 15, every: 1 },
    ],
    pods: pods('checkout', 3),
    source: 'alertmanager',
    alertFile: 'alertmanager.json',
    alert: alertmanager({ alertname: 'CheckoutHighErrorRate', service: 'checkout', startsAt: at(onset, 0), summary: 'Checkout 5xx ratio above 5%', description: '33% of checkout requests fail.' }),
    expected: { service: 'redis-cache', category: 'network', keywords: ['NetworkPolicy'], forbidden: [] },
  });
}
{
  const onset = '2026-03-18T03:25:00Z';
  const services: Array<[string, string]> = [...shopServices, ['coredns', 'service']];
  const dependencies: Array<[string, string]> = [
    ...shopDependencies,
    ['frontend', 'coredns'],
    ['checkout', 'coredns'],
    ['payments', 'coredns'],
    ['inventory', 'coredns'],
    ['catalog', 'coredns'],
    ['recommendations', 'coredns'],
  ];
  add({
    name: 'network-coredns-forwarders',
    title: 'Name resolution failures across services after a CoreDNS change',
    onset,
    services,
    dependencies,
    changes: [{ at: -6, service: 'coredns', kind: 'config', summary: 'Corefile: forward DNS queries to 10.0.0.2 instead of the VPC resolver', author: 'platform-team', ref: 'infra@c0d0e0f' }],
    metrics: signals([...shopMetrics(), { service: 'coredns', name: 'dns_servfail_ratio', unit: 'ratio', base: 0.0005, noise: 0.3 }], [
      { service: 'coredns', name: 'dns_servfail_ratio', unit: 'ratio', base: 0.0005, noise: 0.3, from: -5, to: 0.42, ramp: 0 },
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -5, to: 0.3, ramp: 0 },
      { service: 'payments', name: 'request_rate', unit: 'req/s', base: 60, noise: 0.06, from: -5, to: 25, ramp: 0 },
      { service: 'catalog', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -5, to: 0.1, ramp: 0 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'checkout', level: 'error', message: 'dial tcp: lookup payments.production.svc.cluster.local on 10.96.0.10:53: server misbehaving', from: -5, to: 15, every: 1 },
      { service: 'catalog', level: 'error', message: 'dial tcp: lookup catalog-db.production.svc.cluster.local on 10.96.0.10:53: server misbehaving', from: -5, to: 15, every: 2 },
    ],
    pods: pods('coredns', 2),
    source: 'pagerduty',
    alertFile: 'pagerduty.json',
    alert: pagerduty({ title: 'Checkout error rate above 10%', serviceSummary: 'Checkout API', startsAt: at(onset, 0), key: 'checkout-errors-dns' }),
    expected: { service: 'coredns', category: 'network', keywords: ['Corefile'], forbidden: [] },
    redHerrings: [{ kind: 'other', service: 'payments', note: 'errors name payments (the host being looked up), but payments is fine' }],
  });
}
{
  const onset = '2026-03-19T15:50:00Z';
  const services: Array<[string, string]> = [
    ['storefront', 'frontend'],
    ['orders', 'service'],
    ['orders-db', 'database'],
    ['search', 'service'],
  ];
  add({
    name: 'network-orders-db-security-group-storefront-symptom',
    title: 'Storefront alert after a security group change cut orders off from its database',
    onset,
    services,
    dependencies: [['storefront', 'orders'], ['storefront', 'search'], ['orders', 'orders-db']],
    changes: [{ at: -7, service: 'orders-db', kind: 'infra', summary: 'Terraform: security group sg-orders-db drops ingress 5432 from 10.20.0.0/16', author: 'ci-terraform', ref: 'infra@7a7b7c7' }],
    metrics: [
      ...signals(healthy('storefront', 500, 0.003, 350), [
        { service: 'storefront', name: 'error_ratio', unit: 'ratio', base: 0.003, noise: 0.3, from: -6, to: 0.25, ramp: 0 },
      ]),
      ...signals(healthy('orders', 100, 0.001, 130), [
        { service: 'orders', name: 'error_ratio', unit: 'ratio', base: 0.001, noise: 0.3, from: -6, to: 0.9, ramp: 0 },
        { service: 'orders', name: 'latency_p99', unit: 'ms', base: 130, noise: 0.08, from: -6, to: 5000, ramp: 0 },
      ]),
      { service: 'orders-db', name: 'connections', base: 60, noise: 0.05, from: -6, to: 2, ramp: 0 },
      ...healthy('search', 300, 0.002, 150),
    ],
    logs: [
      { service: 'orders', level: 'error', message: 'connect ETIMEDOUT orders-db.internal:5432 (pool attempt {n})', from: -6, to: 15, every: 1 },
      { service: 'storefront', level: 'error', message: 'GET /account/orders failed: orders returned 500', from: -6, to: 15, every: 1 },
    ],
    source: 'alertmanager',
    alertFile: 'alertmanager.json',
    alert: alertmanager({ alertname: 'StorefrontErrors', service: 'storefront', startsAt: at(onset, 0), summary: 'Storefront 5xx above 10%', description: '25% of storefront requests fail.' }),
    expected: { service: 'orders-db', category: 'network', keywords: ['security group'], forbidden: [] },
    redHerrings: [{ kind: 'symptom_upstream', service: 'storefront', note: 'the storefront alert is two hops from the cause' }],
  });
}
// ---------------------------------------------------------------- certificate
{
  const onset = '2026-03-20T00:01:00Z';
  add({
    name: 'certificate-payments-expired-with-innocent-deploy',
    title: 'Checkout cannot call payments: its certificate expired at midnight; catalog deployed minutes before',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [{ at: -4, service: 'catalog', kind: 'deploy', summary: 'Deploy catalog v4.5.0 (search suggestions)', author: 'lee', ref: 'catalog@beefbee' }],
    metrics: signals(shopMetrics(), [
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -1, to: 0.41, ramp: 0 },
      { service: 'payments', name: 'request_rate', unit: 'req/s', base: 60, noise: 0.06, from: -1, to: 3, ramp: 0 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'checkout', level: 'error', message: 'Post "https://payments.production.svc:8443/authorize": tls: failed to verify certificate: x509: certificate has expired or is not yet valid', from: -1, to: 15, every: 1 },
    ],
    pods: [...pods('checkout', 3), ...pods('payments', 2)],
    source: 'alertmanager',
    alertFile: 'alertmanager.json',
    alert: alertmanager({ alertname: 'CheckoutHighErrorRate', service: 'checkout', startsAt: at(onset, 0), summary: 'Checkout 5xx ratio above 5%', description: '41% of checkout requests fail.' }),
    expected: { service: 'payments', category: 'certificate', keywords: ['certificate has expired'], forbidden: ['v4.5.0'] },
    redHerrings: [{ kind: 'innocent_deploy', service: 'catalog', note: 'catalog deployed 4 minutes before midnight' }],
  });
}
{
  const onset = '2026-03-21T06:00:00Z';
  const services: Array<[string, string]> = [
    ['ingress-gateway', 'gateway'],
    ['web', 'frontend'],
    ['api', 'service'],
    ['recommendations', 'service'],
  ];
  add({
    name: 'certificate-ingress-noisy-neighbour',
    title: 'Public TLS handshakes failing at the ingress gateway; recommendations logs errors all day',
    onset,
    services,
    dependencies: [['ingress-gateway', 'web'], ['ingress-gateway', 'api'], ['web', 'recommendations']],
    metrics: [
      ...signals(healthy('ingress-gateway', 2000, 0.002, 60), [
        { service: 'ingress-gateway', name: 'tls_handshake_errors_rate', unit: 'req/s', base: 0.5, noise: 0.3, from: -2, to: 1800, ramp: 0 },
        { service: 'ingress-gateway', name: 'request_rate', unit: 'req/s', base: 2000, noise: 0.05, from: -2, to: 300, ramp: 0 },
      ]),
      ...signals(healthy('web', 1500, 0.003, 300), [
        { service: 'web', name: 'request_rate', unit: 'req/s', base: 1500, noise: 0.05, from: -2, to: 200, ramp: 0 },
      ]),
      ...healthy('api', 500, 0.002, 120),
      ...healthy('recommendations', 300, 0.06, 240),
    ],
    logs: [
      { service: 'recommendations', level: 'error', message: 'embedding lookup failed for item {n}: shard unavailable', from: -120, to: 15, every: 1 },
      { service: 'ingress-gateway', level: 'error', message: 'http: TLS handshake error from 203.0.113.{n}:51234: remote error: tls: bad certificate (certificate expired for shop.example.com)', from: -2, to: 15, every: 1 },
    ],
    pods: pods('ingress-gateway', 2),
    source: 'generic',
    alertFile: 'generic.json',
    alert: generic({ title: 'Synthetic check: TLS handshake to shop.example.com failing', service: 'ingress-gateway', startsAt: at(onset, 0), description: 'Handshake fails from 3 of 3 probe regions.' }),
    expected: { service: 'ingress-gateway', category: 'certificate', keywords: ['certificate expired'], forbidden: ['embedding'] },
    redHerrings: [{ kind: 'noisy_neighbour', service: 'recommendations', note: 'logs one error a minute all day' }],
  });
}
{
  const onset = '2026-03-22T11:11:00Z';
  const services: Array<[string, string]> = [...shopServices, ['mesh-ca', 'service']];
  add({
    name: 'certificate-mesh-ca-rotation',
    title: 'Service-to-service calls failing after the mesh root certificate rotation',
    onset,
    services,
    dependencies: [...shopDependencies, ['checkout', 'mesh-ca'], ['inventory', 'mesh-ca'], ['payments', 'mesh-ca'], ['catalog', 'mesh-ca']],
    changes: [
      { at: -10, service: 'mesh-ca', kind: 'config', summary: 'Rotate mesh root certificate (CA bundle v7) without overlap', author: 'security', ref: 'mesh@1a1a1a1' },
      { at: -2, service: 'recommendations', kind: 'deploy', summary: 'Deploy recommendations v9.2.0', author: 'kim', ref: 'recs@2b2b2b2' },
    ],
    metrics: signals([...shopMetrics(), { service: 'mesh-ca', name: 'certificates_issued_rate', unit: 'per min', base: 12, noise: 0.2 }], [
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -8, to: 0.5, ramp: 4 },
      { service: 'inventory', name: 'request_rate', unit: 'req/s', base: 220, noise: 0.06, from: -8, to: 40, ramp: 4 },
      { service: 'payments', name: 'request_rate', unit: 'req/s', base: 60, noise: 0.06, from: -8, to: 10, ramp: 4 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'checkout', level: 'error', message: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: CERTIFICATE_VERIFY_FAILED (calling inventory)', from: -8, to: 15, every: 1 },
      { service: 'checkout', level: 'error', message: 'upstream connect error: TLS error: CERTIFICATE_VERIFY_FAILED (calling payments)', from: -8, to: 15, every: 1 },
    ],
    source: 'alertmanager',
    alertFile: 'alertmanager.json',
    alert: alertmanager({ alertname: 'CheckoutHighErrorRate', service: 'checkout', startsAt: at(onset, 0), summary: 'Checkout 5xx ratio above 5%', description: 'Half of checkout requests fail.' }),
    expected: { service: 'mesh-ca', category: 'certificate', keywords: ['root certificate'], forbidden: ['v9.2.0'] },
    redHerrings: [{ kind: 'innocent_deploy', service: 'recommendations', note: 'recommendations deployed 2 minutes before' }],
  });
}
// ---------------------------------------------------------------- data
{
  const onset = '2026-03-23T13:45:00Z';
  add({
    name: 'data-inventory-migration-drops-column',
    title: 'Inventory queries failing after a release whose migration dropped a column',
    onset,
    services: shopServices,
    dependencies: shopDependencies,
    changes: [{ at: -9, service: 'inventory', kind: 'deploy', summary: 'Deploy inventory v3.9.0 with migration 0042: drop column legacy_sku from stock_items', author: 'sam', ref: 'inventory@0042abc' }],
    metrics: signals(shopMetrics(), [
      { service: 'inventory', name: 'error_ratio', unit: 'ratio', base: 0.001, noise: 0.3, from: -8, to: 0.35, ramp: 0 },
      { service: 'checkout', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -8, to: 0.12, ramp: 0 },
    ]),
    logs: [
      ...shopNoise(),
      { service: 'inventory', level: 'error', message: 'ERROR: column "legacy_sku" does not exist (SQLSTATE 42703) in StockQuery.bySku', from: -8, to: 15, every: 1 },
      { service: 'checkout', level: 'error', message: 'reserve stock failed: inventory returned 500 for order {id}', from: -8, to: 15, every: 2 },
    ],
    pods: pods('inventory', 3),
    source: 'sentry',
    alertFile: 'sentry.json',
    alert: sentryIssue({ project: 'inventory', title: 'ProgrammingError: column "legacy_sku" does not exist', type: 'ProgrammingError', value: 'column "legacy_sku" does not exist', startsAt: at(onset, 0), culprit: 'inventory/stock_query.py in by_sku' }),
    expected: { service: 'inventory', category: 'data', keywords: ['legacy_sku'], forbidden: [] },
  });
}
{
  const onset = '2026-03-24T20:20:00Z';
  const services: Array<[string, string]> = [
    ['checkout', 'service'],
    ['orders-queue', 'queue'],
    ['order-worker', 'service'],
    ['orders-db', 'database'],
    ['loyalty', 'service'],
  ];
  add({
    name: 'data-poison-message-with-innocent-deploy',
    title: 'Order worker crash-looping on a malformed message; checkout deployed shortly before',
    onset,
    services,
    dependencies: [['checkout', 'orders-queue'], ['order-worker', 'orders-queue'], ['order-worker', 'orders-db'], ['order-worker', 'loyalty']],
    changes: [{ at: -4, service: 'checkout', kind: 'deploy', summary: 'Deploy checkout v2.15.1 (copy fix)', author: 'dana', ref: 'checkout@1c1c1c1' }],
    metrics: [
      ...healthy('checkout', 140, 0.002, 260),
      { service: 'order-worker', name: 'consumer_lag_seconds', unit: 's', base: 2, noise: 0.3, from: -12, to: 900, ramp: 25 },
      { service: 'order-worker', name: 'messages_processed_rate', unit: 'msg/s', base: 40, noise: 0.06, from: -12, to: 0, ramp: 0 },
      { service: 'orders-db', name: 'cpu_utilization', unit: 'ratio', base: 0.3, noise: 0.06 },
      ...healthy('loyalty', 30, 0.002, 90),
    ],
    logs: [
      { service: 'order-worker', level: 'fatal', message: "failed to deserialize OrderPlaced at offset {n}: Unexpected token '<' in JSON at position 0", from: -12, to: 15, every: 2 },
    ],
    pods: pods('order-worker', 2, { phase: 'Running', restarts: 9, reason: 'CrashLoopBackOff', lastTerminationReason: 'Error' }),
    events: [{ at: -10, namespace: 'production', object: 'pod/order-worker-7d9f8c-x2k4p', reason: 'BackOff', message: 'Back-off restarting failed container order-worker', type: 'Warning' }],
    source: 'alertmanager',
    alertFile: 'alertmanager.json',
    alert: alertmanager({ alertname: 'OrderWorkerLag', service: 'order-worker', startsAt: at(onset, 0), summary: 'Order processing stalled', description: 'Consumer lag above 5 minutes.' }),
    expected: { service: 'order-worker', category: 'data', keywords: ['deserialize'], forbidden: ['v2.15.1'] },
    redHerrings: [{ kind: 'innocent_deploy', service: 'checkout', note: 'checkout (the producer) deployed 4 minutes before; its messages are fine' }],
  });
}
{
  const onset = '2026-03-25T04:30:00Z';
  const services: Array<[string, string]> = [
    ['web', 'frontend'],
    ['catalog', 'service'],
    ['catalog-db', 'database'],
    ['catalog-import', 'job'],
    ['search', 'service'],
  ];
  add({
    name: 'data-bad-import-web-symptom',
    title: 'Product pages failing after a nightly import wrote malformed prices',
    onset,
    services,
    dependencies: [['web', 'catalog'], ['web', 'search'], ['catalog', 'catalog-db'], ['catalog-import', 'catalog-db'], ['search', 'catalog']],
    metrics: [
      ...signals(healthy('web', 700, 0.003, 300), [
        { service: 'web', name: 'error_ratio', unit: 'ratio', base: 0.003, noise: 0.3, from: -10, to: 0.18, ramp: 0 },
      ]),
      ...signals(healthy('catalog', 500, 0.002, 110), [
        { service: 'catalog', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -10, to: 0.26, ramp: 0 },
      ]),
      { service: 'catalog-db', name: 'cpu_utilization', unit: 'ratio', base: 0.3, noise: 0.06 },
      ...healthy('search', 200, 0.002, 150),
    ],
    logs: [
      { service: 'catalog', level: 'error', message: 'invalid record written by catalog-import: price "12,99" is not a number (sku {n})', from: -10, to: 15, every: 1 },
      { service: 'web', level: 'error', message: 'GET /products/{n} failed: catalog returned 500', from: -10, to: 15, every: 1 },
    ],
    source: 'datadog',
    alertFile: 'datadog.json',
    alert: datadog({ title: 'Web 5xx rate high', service: 'web', startsAt: at(onset, 0), metric: 'trace.http.request.errors', query: 'sum(last_5m):sum:trace.http.request.errors{service:web}.as_rate() > 20', status: 'trace.http.request.errors over service:web was > 20 on average during the last 5m.' }),
    expected: { service: 'catalog-import', category: 'data', keywords: ['not a number'], forbidden: [] },
    redHerrings: [{ kind: 'symptom_upstream', service: 'web', note: 'the alerting web tier relays catalog errors, which blame the import job' }],
  });
}
// ---------------------------------------------------------------- infrastructure
{
  const onset = '2026-03-26T17:35:00Z';
  const services: Array<[string, string]> = [
    ['storefront', 'frontend'],
    ['orders', 'service'],
    ['orders-db', 'database'],
    ['search', 'service'],
  ];
  add({
    name: 'infrastructure-node-failure-with-innocent-deploy',
    title: 'Orders database pod lost with its node; the storefront deployed two minutes before',
    onset,
    services,
    dependencies: [['storefront', 'orders'], ['storefront', 'search'], ['orders', 'orders-db']],
    changes: [{ at: -2, service: 'storefront', kind: 'deploy', summary: 'Deploy storefront v12.4.0 (new footer)', author: 'noor', ref: 'web@9a9a9a9' }],
    metrics: [
      ...signals(healthy('storefront', 500, 0.003, 350), [
        { service: 'storefront', name: 'error_ratio', unit: 'ratio', base: 0.003, noise: 0.3, from: -4, to: 0.2, ramp: 0 },
      ]),
      ...signals(healthy('orders', 100, 0.001, 130), [
        { service: 'orders', name: 'error_ratio', unit: 'ratio', base: 0.001, noise: 0.3, from: -5, to: 0.85, ramp: 0 },
      ]),
      { service: 'orders-db', name: 'connections', base: 60, noise: 0.05, from: -5, to: 0, ramp: 0 },
      ...healthy('search', 300, 0.002, 150),
    ],
    logs: [
      { service: 'orders', level: 'error', message: 'connect ECONNREFUSED orders-db:5432 (attempt {n})', from: -5, to: 15, every: 1 },
      { service: 'storefront', level: 'error', message: 'GET /account/orders failed: orders returned 500', from: -4, to: 15, every: 1 },
    ],
    pods: [
      { namespace: 'production', name: 'orders-db-0', service: 'orders-db', phase: 'Pending', restarts: 0, reason: 'Unschedulable' },
      ...pods('orders', 2),
    ],
    events: [
      { at: -6, namespace: 'production', object: 'node/ip-10-0-3-12', reason: 'NodeNotReady', message: 'Node ip-10-0-3-12 status is now: NodeNotReady (orders-db-0 was running here)', type: 'Warning' },
      { at: -5, namespace: 'production', object: 'pod/orders-db-0', reason: 'TaintManagerEviction', message: 'Marking for deletion Pod production/orders-db-0', type: 'Warning' },
      { at: -3, namespace: 'production', object: 'pod/orders-db-0', reason: 'FailedAttachVolume', message: 'Multi-Attach error for volume "pvc-3f2e" Volume is already exclusively attached to one node', type: 'Warning' },
    ],
    source: 'alertmanager',
    alertFile: 'alertmanager.json',
    alert: alertmanager({ alertname: 'OrdersErrors', service: 'orders', startsAt: at(onset, 0), summary: 'Orders 5xx above 50%', description: 'Orders cannot reach its database.' }),
    expected: { service: 'orders-db', category: 'infrastructure', keywords: ['orders-db'], forbidden: ['v12.4.0'] },
    redHerrings: [{ kind: 'innocent_deploy', service: 'storefront', note: 'the storefront deployed 2 minutes before the alert' }],
  });
}
{
  const onset = '2026-03-27T08:05:00Z';
  const services: Array<[string, string]> = [
    ['web', 'frontend'],
    ['search', 'service'],
    ['search-index', 'database'],
    ['catalog', 'service'],
  ];
  add({
    name: 'infrastructure-node-disk-pressure',
    title: 'Search pods evicted by node disk pressure',
    onset,
    services,
    dependencies: [['web', 'search'], ['web', 'catalog'], ['search', 'search-index']],
    metrics: [
      ...signals(healthy('web', 800, 0.003, 300), [
        { service: 'web', name: 'error_ratio', unit: 'ratio', base: 0.003, noise: 0.3, from: -6, to: 0.06, ramp: 0 },
      ]),
      ...signals(healthy('search', 400, 0.002, 150), [
        { service: 'search', name: 'error_ratio', unit: 'ratio', base: 0.002, noise: 0.3, from: -8, to: 0.3, ramp: 0 },
        { service: 'search', name: 'available_replicas', base: 6, noise: 0, from: -8, to: 1, ramp: 0 },
      ]),
      { service: 'search-index', name: 'cpu_utilization', unit: 'ratio', base: 0.35, noise: 0.06 },
      ...healthy('catalog', 300, 0.002, 110),
    ],
    logs: [{ service: 'web', level: 'error', message: 'search request failed: search returned 503 no healthy upstream', from: -6, to: 15, every: 1 }],
    pods: [
      ...pods('search', 2, { phase: 'Failed', restarts: 0, reason: 'Evicted' }),
      ...pods('search', 1),
    ].map((pod, index) => ({ ...pod, name: `search-5b6c7d-${index}` })),
    events: [
      { at: -9, namespace: 'production', object: 'node/ip-10-0-5-40', reason: 'NodeHasDiskPressure', message: 'Node ip-10-0-5-40 status is now: NodeHasDiskPressure (search pods scheduled here)', type: 'Warning' },
      { at: -8, namespace: 'production', object: 'pod/search-5b6c7d-0', reason: 'Evicted', message: 'The node was low on resource: ephemeral-storage. Container search was using 2Gi', type: 'Warning' },
      { at: -8, namespace: 'production', object: 'pod/search-5b6c7d-1', reason: 'Evicted', message: 'The node had condition: [DiskPressure]', type: 'Warning' },
    ],
    source: 'grafana',
    alertFile: 'grafana.json',
    alert: grafana({ alertname: 'Search availability', service: 'search', startsAt: at(onset, 0), summary: 'Search replicas below 2', value: 1 }),
    expected: { service: 'search', category: 'infrastructure', keywords: ['search'], forbidden: [] },
  });
}

for (const spec of scenarios) writeScenario(root, spec);
process.stdout.write(`wrote ${scenarios.length} scenarios to ${root}\n`);
