import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask } from '../../src/features/investigations/index.js';
import { prometheusMetrics } from '../../src/features/telemetry/index.js';
import { createOutboundFetch } from '../../src/platform/http-client/outbound-fetch.js';
import { strictOutboundPolicy } from '../../src/platform/http-client/outbound-policy.js';
import {
  type BackfilledPrometheus,
  prometheusBackfillAvailable,
  startBackfilledPrometheus,
} from '../support/prometheus-server.js';

/**
 * The Prometheus adapter against a real Prometheus (Debian's) holding a known history, backfilled with promtool: the
 * default signal queries (rate over http_requests_total) must see checkout's error ratio jump at the known minute.
 */

const start = Math.floor(Date.now() / 1000 / 60) * 60 - 3 * 60 * 60;
const jumpAt = start + 60 * 60;
const end = start + 2 * 60 * 60;

function history(): string {
  const lines: string[] = ['# TYPE http_requests counter'];
  const series = (labels: string, perSecond: (at: number) => number) => {
    let total = 0;
    for (let at = start; at <= end; at += 15) {
      total += perSecond(at) * 15;
      lines.push(`http_requests_total{${labels}} ${total.toFixed(3)} ${at}`);
    }
  };
  series('service="checkout",code="200"', () => 10);
  series('service="checkout",code="500"', (at) => (at < jumpAt ? 0.01 : 2));
  series('service="catalog",code="200"', () => 40);
  lines.push('# EOF', '');
  return lines.join('\n');
}

describe.skipIf(!prometheusBackfillAvailable)(
  `Prometheus metrics adapter against a real Prometheus${prometheusBackfillAvailable ? '' : ' (skipped: prometheus / promtool not installed)'}`,
  () => {
    let server: BackfilledPrometheus;
    const outboundFetch = createOutboundFetch({ allowPrivateNetworks: true, allowedHosts: [] }, { timeoutMs: 10_000 });

    beforeAll(async () => {
      server = await startBackfilledPrometheus(history());
    }, 90_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('range-queries the default signals and sees the error ratio jump when it happened', async () => {
      const port = prometheusMetrics({ baseUrl: server.url, fetch: outboundFetch });
      const window = { from: new Date((jumpAt - 40 * 60) * 1000), to: new Date((jumpAt + 40 * 60) * 1000) };
      const series = await port.query({ service: 'checkout', signals: ['error_ratio', 'request_rate'], window });
      const errorRatio = series.find((entry) => entry.name === 'error_ratio');
      const requestRate = series.find((entry) => entry.name === 'request_rate');
      expect(errorRatio?.points.length).toBeGreaterThan(60);
      const before = errorRatio?.points.filter(([at]) => at < (jumpAt - 5 * 60) * 1000).map(([, value]) => value) ?? [];
      const after = errorRatio?.points.filter(([at]) => at > (jumpAt + 6 * 60) * 1000).map(([, value]) => value) ?? [];
      expect(Math.max(...before)).toBeLessThan(0.01);
      expect(Math.min(...after)).toBeGreaterThan(0.15);
      expect(Math.min(...after)).toBeLessThan(0.18);
      expect(requestRate?.points.at(-1)?.[1]).toBeCloseTo(12, 0);
    });

    it('returns nothing for a service Prometheus does not know, and an error naming the signal for bad PromQL', async () => {
      const port = prometheusMetrics({
        baseUrl: server.url,
        fetch: outboundFetch,
        signals: {
          broken: 'sum(rate(http_requests_total{service="$service"}[5m]',
          request_rate: 'sum(rate(http_requests_total{service="$service"}[5m]))',
        },
      });
      const window = { from: new Date(start * 1000), to: new Date(end * 1000) };
      expect(await port.query({ service: 'nobody', signals: ['request_rate'], window })).toEqual([]);
      await expect(port.query({ service: 'checkout', signals: ['broken'], window })).rejects.toThrow(
        /broken: bad_data/,
      );
    });

    it('as an evidence task: a real answer becomes an ok item with an excerpt and hash; a refused URL becomes a failed item', async () => {
      const window = { from: new Date((jumpAt - 30 * 60) * 1000), to: new Date((jumpAt + 30 * 60) * 1000) };
      const port = prometheusMetrics({
        baseUrl: server.url,
        fetch: outboundFetch,
        signals: {
          error_ratio:
            'sum(rate(http_requests_total{service="$service",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="$service"}[5m]))',
        },
      });
      const item = await runTask(
        {
          port: 'metrics',
          source: port.name,
          service: 'checkout',
          query: 'metrics.query service=checkout',
          window,
          run: (signal) => port.query({ service: 'checkout', window }, { signal }),
        },
        'E7',
        10_000,
      );
      expect(item).toMatchObject({ id: 'E7', status: 'ok', source: 'prometheus' });
      expect(item.excerpt).toMatch(/^error_ratio: \d+ points/);
      expect(item.hash).toMatch(/^[0-9a-f]{64}$/);

      // The default (strict) policy refuses loopback, on every connection: the call fails, the investigation does not.
      const strict = prometheusMetrics({ baseUrl: server.url, fetch: createOutboundFetch(strictOutboundPolicy) });
      const refused = await runTask(
        {
          port: 'metrics',
          source: strict.name,
          service: 'checkout',
          query: 'metrics.query service=checkout',
          window,
          run: (signal) => strict.query({ service: 'checkout', window }, { signal }),
        },
        'E8',
        10_000,
      );
      expect(refused.status).toBe('failed');
      expect(refused.excerpt).toMatch(/loopback|private/);
      expect(() =>
        prometheusMetrics({ baseUrl: server.url, fetch: outboundFetch, policy: strictOutboundPolicy }),
      ).toThrow(/not allowed/);
    });
  },
);
