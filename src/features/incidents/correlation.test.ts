import { describe, expect, it } from 'vitest';
import type { NormalizedAlert } from '../alerts/index.js';
import {
  bestIncident,
  type CorrelationCandidate,
  groupKeyScorer,
  serviceScorer,
  titleSimilarity,
  titleSimilarityScorer,
  topologyScorer,
} from './correlation.js';

const now = new Date('2026-11-27T12:00:00Z');

function alert(overrides: Partial<NormalizedAlert>): NormalizedAlert {
  return {
    source: 'alertmanager',
    externalId: null,
    fingerprint: 'f',
    status: 'firing',
    title: 'High error rate on checkout',
    description: null,
    severity: 'critical',
    service: 'checkout',
    environment: 'production',
    labels: {},
    annotations: {},
    startsAt: now,
    endsAt: null,
    links: {},
    groupKey: null,
    ...overrides,
  };
}

function candidate(overrides: Partial<CorrelationCandidate>): CorrelationCandidate {
  return {
    id: 'incident',
    title: 'Something else entirely',
    service: 'payments',
    environment: 'production',
    groupKey: null,
    lastAlertAt: new Date(now.getTime() - 60_000),
    ...overrides,
  };
}

const rules = {
  windowMinutes: 10,
  threshold: 0.5,
  scorers: [groupKeyScorer, serviceScorer, titleSimilarityScorer(0.6)],
};

describe('correlation', () => {
  it('joins the same Alertmanager group first, then the same service', () => {
    const byGroup = bestIncident(
      alert({ groupKey: 'g1' }),
      [candidate({ id: 'same-service', service: 'checkout' }), candidate({ id: 'same-group', groupKey: 'g1' })],
      rules,
      now,
    );
    expect(byGroup?.candidate.id).toBe('same-group');
    expect(byGroup?.match).toEqual({ score: 1, reason: 'same Alertmanager group' });
    const byService = bestIncident(alert({}), [candidate({ id: 'same-service', service: 'checkout' })], rules, now);
    expect(byService?.match.reason).toBe('same service "checkout"');
  });

  it('ignores incidents outside the window and across environments', () => {
    expect(
      bestIncident(
        alert({}),
        [candidate({ service: 'checkout', lastAlertAt: new Date(now.getTime() - 11 * 60_000) })],
        rules,
        now,
      ),
    ).toBeUndefined();
    expect(
      bestIncident(alert({}), [candidate({ service: 'checkout', environment: 'staging' })], rules, now),
    ).toBeUndefined();
  });

  it('joins near-identical titles across services but not loosely similar ones', () => {
    expect(titleSimilarity('HighLatency p99 on api-gateway', 'HighLatency p99 on api-gateway')).toBe(1);
    expect(
      bestIncident(
        alert({ service: 'orders', title: 'Database connection pool exhausted' }),
        [candidate({ title: 'Database connection pool exhausted' })],
        rules,
        now,
      )?.match.reason,
    ).toBe('similar title (100%)');
    expect(
      bestIncident(
        alert({ service: 'orders', title: 'Database connection errors' }),
        [candidate({ title: 'Database connection pool exhausted' })],
        rules,
        now,
      ),
    ).toBeUndefined();
    // One-word titles match only when identical.
    expect(titleSimilarity('A on merge-a', 'B on merge-b')).toBe(0);
  });

  it('uses topology distance when the service graph provides it', () => {
    const distance = (_org: string, from: string, to: string) =>
      from === 'checkout' && to === 'payments' ? 1 : undefined;
    const withTopology = { ...rules, scorers: [...rules.scorers, topologyScorer('org', distance)] };
    expect(bestIncident(alert({}), [candidate({})], withTopology, now)?.match).toEqual({
      score: 0.7,
      reason: '"checkout" is 1 hop(s) from "payments"',
    });
    expect(bestIncident(alert({}), [candidate({})], rules, now)).toBeUndefined();
  });
});
