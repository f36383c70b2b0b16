import { z } from 'zod';
import type { OutboundFetch } from '../../../platform/http-client/outbound-fetch.js';
import { assertOutboundUrl, type OutboundPolicy } from '../../../platform/http-client/outbound-policy.js';
import type { MetricSeries, MetricsPort } from '../telemetry.model.js';

/**
 * PromQL per signal; `$service` is replaced by the service name as a quoted-safe string. These match the common
 * conventions (http_requests_total with code/service labels, the request-duration histogram, cAdvisor containers);
 * an installation whose labels differ passes its own map.
 */
export const defaultPrometheusSignals: Record<string, string> = {
  request_rate: 'sum(rate(http_requests_total{service="$service"}[5m]))',
  error_ratio:
    'sum(rate(http_requests_total{service="$service",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="$service"}[5m]))',
  latency_p99:
    'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="$service"}[5m])))',
  cpu_utilization: 'sum(rate(container_cpu_usage_seconds_total{container="$service"}[5m]))',
  memory_working_set_bytes: 'sum(container_memory_working_set_bytes{container="$service"})',
  restarts: 'sum(increase(kube_pod_container_status_restarts_total{container="$service"}[10m]))',
};

export interface PrometheusMetricsOptions {
  /** The Prometheus (or Thanos/Mimir/VictoriaMetrics query) base URL, e.g. https://prometheus.internal:9090. */
  baseUrl: string;
  /** platform.outbound.fetch for user-supplied URLs (the SSRF guard checks every connection). */
  fetch: OutboundFetch;
  /** When set, the URL's shape is checked against it up front (user-supplied URL); the fetch still checks each connection. */
  policy?: OutboundPolicy;
  /** Signal name → PromQL (default: defaultPrometheusSignals). */
  signals?: Record<string, string>;
  /** Extra request headers, e.g. Authorization from the secret store. */
  headers?: Record<string, string>;
  /** Smallest step (default 60 s); larger windows use a larger step so a series stays under maxPoints. */
  stepSeconds?: number;
  maxPoints?: number;
}

const rangeResponse = z.object({
  status: z.enum(['success', 'error']),
  errorType: z.string().optional(),
  error: z.string().optional(),
  data: z
    .object({
      resultType: z.string(),
      result: z.array(
        z.object({
          metric: z.record(z.string(), z.string()),
          values: z.array(z.tuple([z.number(), z.string()])),
        }),
      ),
    })
    .optional(),
});

/** A PromQL string literal's content: backslashes and quotes escaped, control characters refused. */
export function promqlString(value: string): string {
  if ([...value].some((character) => character.charCodeAt(0) < 0x20))
    throw new Error('a service name with control characters cannot go into PromQL');
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** Metrics through Prometheus's HTTP API (`/api/v1/query_range`), one range query per signal. */
export function prometheusMetrics(options: PrometheusMetricsOptions): MetricsPort {
  if (options.policy) assertOutboundUrl(options.baseUrl, options.policy, 'prometheus url');
  const base = options.baseUrl.replace(/\/+$/, '');
  const signals = options.signals ?? defaultPrometheusSignals;
  const maxPoints = options.maxPoints ?? 250;
  return {
    name: 'prometheus',
    async query({ service, signals: wanted, window, stepSeconds }, callOptions) {
      const names = wanted?.length ? wanted.filter((name) => name in signals) : Object.keys(signals);
      const rangeSeconds = Math.max(1, (window.to.getTime() - window.from.getTime()) / 1000);
      const step = Math.max(stepSeconds ?? options.stepSeconds ?? 60, Math.ceil(rangeSeconds / maxPoints));
      const results = await Promise.all(
        names.map(async (name) => {
          const query = (signals[name] as string).replaceAll('$service', promqlString(service));
          const url = new URL(`${base}/api/v1/query_range`);
          url.searchParams.set('query', query);
          url.searchParams.set('start', (window.from.getTime() / 1000).toFixed(3));
          url.searchParams.set('end', (window.to.getTime() / 1000).toFixed(3));
          url.searchParams.set('step', `${step}s`);
          const response = await options.fetch(url, {
            headers: { accept: 'application/json', ...options.headers },
            signal: callOptions?.signal,
          });
          const body = rangeResponse.safeParse(await response.json().catch(() => null));
          if (!body.success) throw new Error(`prometheus answered ${response.status} with an unexpected body`);
          if (body.data.status === 'error' || !body.data.data) {
            throw new Error(`prometheus rejected ${name}: ${body.data.errorType ?? 'error'}: ${body.data.error ?? ''}`);
          }
          return body.data.data.result.map(
            (result): MetricSeries => ({
              service,
              name,
              labels: result.metric,
              points: result.values
                .map(([at, value]) => [Math.round(at * 1000), Number(value)] as [number, number])
                .filter(([, value]) => Number.isFinite(value)),
            }),
          );
        }),
      );
      return results.flat();
    },
  };
}
