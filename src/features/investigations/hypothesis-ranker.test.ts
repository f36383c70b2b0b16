import { describe, expect, it } from 'vitest';
import type { Scenario } from '../telemetry/index.js';
import { scenarioTelemetry } from '../telemetry/index.js';
import type { SimilarIncidentsPort } from './evidence-collector.js';
import { investigateDeterministically } from './investigation-engine.js';

/** A small in-memory scenario: checkout → payments → bank (external); frontend → checkout; recommendations beside. */
const onset = Date.parse('2026-03-02T10:00:00Z');
const minutes = (value: number) => new Date(onset + value * 60_000);

function series(service: string, name: string, base: number, jumpAt?: number, to?: number) {
  const points: Array<[number, number]> = [];
  for (let minute = -120; minute <= 15; minute += 5) {
    const wobble = 1 + 0.04 * Math.sin(minute);
    points.push([onset + minute * 60_000, (jumpAt !== undefined && minute >= jumpAt ? (to as number) : base) * wobble]);
  }
  return { service, name, points };
}

function lines(service: string, level: 'warn' | 'error', message: string, from: number, to: number, every = 1) {
  const result = [];
  for (let minute = from; minute <= to; minute += every)
    result.push({ time: minutes(minute), service, level, message });
  return result;
}

function scenario(overrides: Partial<Scenario>): Scenario {
  return {
    name: 'unit',
    directory: '/dev/null',
    title: 'unit',
    source: 'alertmanager',
    alertFile: 'alert.json',
    alertBody: {},
    alerts: [
      {
        source: 'alertmanager',
        externalId: null,
        fingerprint: 'f',
        status: 'firing',
        title: 'Checkout errors',
        description: null,
        severity: 'critical',
        service: 'checkout',
        environment: null,
        labels: {},
        annotations: {},
        startsAt: minutes(0),
        endsAt: null,
        links: {},
        groupKey: null,
      },
    ],
    now: minutes(15),
    topology: {
      services: [
        { name: 'frontend', kind: 'frontend' },
        { name: 'checkout', kind: 'service' },
        { name: 'payments', kind: 'service' },
        { name: 'bank', kind: 'external' },
        { name: 'recommendations', kind: 'service' },
      ],
      dependencies: [
        ['frontend', 'checkout'],
        ['frontend', 'recommendations'],
        ['checkout', 'payments'],
        ['payments', 'bank'],
      ],
    },
    changes: [],
    metrics: [
      series('frontend', 'error_ratio', 0.002),
      series('checkout', 'error_ratio', 0.002),
      series('payments', 'error_ratio', 0.001),
      series('recommendations', 'error_ratio', 0.01),
    ],
    logs: [],
    kubernetes: { pods: [], events: [] },
    expected: { service: 'checkout', category: 'deploy', keywords: [], forbidden: [] },
    redHerrings: [],
    ...overrides,
  };
}

async function rank(input: Scenario, similarIncidents?: SimilarIncidentsPort) {
  return investigateDeterministically({
    alerts: input.alerts,
    sources: { ...scenarioTelemetry(input), similarIncidents },
    now: input.now,
  });
}

describe('hypothesis ranker', () => {
  it('blames a deploy on the failing service, with its category and the evidence it rests on', async () => {
    const result = await rank(
      scenario({
        changes: [{ time: minutes(-6), service: 'checkout', kind: 'deploy', summary: 'Deploy checkout v2' }],
        metrics: [series('checkout', 'error_ratio', 0.002, -5, 0.2), series('payments', 'error_ratio', 0.001)],
        logs: lines('checkout', 'error', 'TypeError: totals is undefined', -5, 15),
      }),
    );
    const [top] = result.hypotheses;
    expect(top).toMatchObject({ rank: 1, service: 'checkout', category: 'deploy' });
    expect(top?.factors.changeProximity).toBeGreaterThan(0.5);
    const ids = new Set(result.evidence.map((item) => item.id));
    expect(top?.evidenceIds.every((id) => ids.has(id))).toBe(true);
    expect(result.report.rootCause?.statement).toContain('Deploy checkout v2');
    expect(result.report.confidence).toBe('LIKELY');
    expect(result.report.confidenceNote).toMatch(/at most LIKELY/);
  });

  it('does not blame an innocent deploy next to the onset on a service that stayed healthy', async () => {
    const result = await rank(
      scenario({
        changes: [
          { time: minutes(-1), service: 'recommendations', kind: 'deploy', summary: 'Deploy recommendations v9' },
          { time: minutes(-20), service: 'checkout', kind: 'config', summary: 'Lower checkout pool size to 2' },
        ],
        metrics: [series('checkout', 'error_ratio', 0.002, -18, 0.3), series('recommendations', 'error_ratio', 0.01)],
        logs: lines('checkout', 'error', 'pool exhausted: 2 active', -18, 15),
      }),
    );
    expect(result.hypotheses[0]?.service).toBe('checkout');
    const decoy = result.hypotheses.find((hypothesis) => hypothesis.service === 'recommendations');
    expect(decoy === undefined || decoy.score < (result.hypotheses[0]?.score ?? 0) / 3).toBe(true);
    expect(result.report.ruledOut.some((entry) => entry.service === 'recommendations')).toBe(true);
  });

  it('ignores a neighbour whose errors were there before the incident, however many', async () => {
    const result = await rank(
      scenario({
        metrics: [series('checkout', 'error_ratio', 0.002, -5, 0.2)],
        logs: [
          ...lines('recommendations', 'error', 'feature store read failed', -120, 15),
          ...lines('checkout', 'error', 'NullPointerException in Totals', -5, 15, 3),
        ],
      }),
    );
    expect(result.hypotheses[0]?.service).toBe('checkout');
    expect(result.hypotheses.find((hypothesis) => hypothesis.service === 'recommendations')).toBeUndefined();
  });

  it('treats an alerting caller that relays a dependency failure as a symptom, following the chain to the cause', async () => {
    const result = await rank(
      scenario({
        metrics: [series('checkout', 'error_ratio', 0.002, -3, 0.3), series('payments', 'error_ratio', 0.001, -4, 0.5)],
        logs: [
          ...lines('payments', 'error', 'charge failed: bank responded 503', -4, 15),
          ...lines('checkout', 'error', 'payment failed: payments returned 502', -3, 15),
        ],
      }),
    );
    expect(result.hypotheses.map((hypothesis) => hypothesis.service).slice(0, 3)).toEqual([
      'bank',
      'payments',
      'checkout',
    ]);
    expect(result.hypotheses[0]?.category).toBe('dependency');
    expect(
      result.hypotheses.find((hypothesis) => hypothesis.service === 'checkout')?.factors.explainedByDependency,
    ).toBe(1);
  });

  it('lets a similar past incident tip the balance', async () => {
    const base = scenario({
      metrics: [series('checkout', 'error_ratio', 0.002, -3, 0.3)],
      logs: lines('checkout', 'warn', 'slow response', -3, 15),
    });
    const memory: SimilarIncidentsPort = {
      name: 'memory',
      async find() {
        return [{ id: 'inc-1', title: 'Bank outage', service: 'bank', category: 'dependency', similarity: 0.9 }];
      },
    };
    const without = await rank(base);
    const withMemory = await rank(base, memory);
    const bankScore = (hypotheses: typeof without.hypotheses) =>
      hypotheses.find((entry) => entry.service === 'bank')?.score ?? 0;
    expect(bankScore(withMemory.hypotheses)).toBeGreaterThan(bankScore(without.hypotheses));
    expect(withMemory.hypotheses.find((entry) => entry.service === 'bank')?.factors.similarIncidents).toBe(0.9);
  });

  it('is deterministic: the same evidence gives the same ranking, ids and hashes', async () => {
    const input = scenario({
      changes: [{ time: minutes(-6), service: 'checkout', kind: 'deploy', summary: 'Deploy checkout v2' }],
      metrics: [series('checkout', 'error_ratio', 0.002, -5, 0.2)],
      logs: lines('checkout', 'error', 'boom', -5, 15),
    });
    const first = await rank(input);
    const second = await rank(input);
    expect(second.hypotheses).toEqual(first.hypotheses);
    expect(second.evidence.map((item) => [item.id, item.hash])).toEqual(
      first.evidence.map((item) => [item.id, item.hash]),
    );
  });
});
