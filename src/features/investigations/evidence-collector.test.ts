import { describe, expect, it } from 'vitest';
import type { TelemetrySources } from '../telemetry/index.js';
import type { InvestigationAlert } from './entities.js';
import { collectEvidence, type EvidenceTask } from './evidence-collector.js';
import { investigateDeterministically } from './investigation-engine.js';

const window = { from: new Date('2026-03-02T08:00:00Z'), to: new Date('2026-03-02T10:15:00Z') };
const task = (query: string, run: EvidenceTask['run'], port: EvidenceTask['port'] = 'logs'): EvidenceTask => ({
  port,
  source: 'test',
  service: 'checkout',
  query,
  window,
  run,
});
const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => clearTimeout(timer));
  });

describe('evidence collection', () => {
  it('runs calls in parallel, ids in playbook order whatever finishes first', async () => {
    const events: string[] = [];
    const items = await collectEvidence(
      [
        task('slow', async (signal) => {
          events.push('slow started');
          await wait(150, signal);
          events.push('slow done');
          return [];
        }),
        task('fast', async () => {
          events.push('fast started');
          return [{ time: new Date('2026-03-02T10:00:00Z'), service: 'checkout', level: 'error', message: 'boom' }];
        }),
        task('medium', async (signal) => {
          events.push('medium started');
          await wait(100, signal);
          events.push('medium done');
          return [];
        }),
      ],
      { budgetMs: 2_000 },
    );
    expect(items.map((item) => [item.id, item.query, item.status])).toEqual([
      ['E1', 'slow', 'empty'],
      ['E2', 'fast', 'ok'],
      ['E3', 'medium', 'empty'],
    ]);
    // Every call starts before the first slow one finishes (timings themselves are measured in bench/).
    expect(events.slice(0, 3).sort()).toEqual(['fast started', 'medium started', 'slow started']);
    expect(events.slice(3)).toEqual(['medium done', 'slow done']);
    expect(items[1]?.excerpt).toMatch(/1× ERROR .*boom/);
  });

  it('turns a timeout, a thrown error and garbage into evidence items that say so', async () => {
    let aborted = false;
    const items = await collectEvidence(
      [
        task('hangs', (signal) => new Promise(() => signal.addEventListener('abort', () => (aborted = true)))),
        task('throws', async () => {
          throw new Error('connection refused');
        }),
        task('garbage', async () => ({ not: 'a list' })),
        task('bad line', async () => [{ time: 'never', service: 'x', level: 'loud', message: 1 }]),
      ],
      { budgetMs: 50, firstIndex: 5 },
    );
    expect(items.map((item) => [item.id, item.status])).toEqual([
      ['E5', 'timed_out'],
      ['E6', 'failed'],
      ['E7', 'invalid'],
      ['E8', 'invalid'],
    ]);
    expect(aborted).toBe(true);
    expect(items[0]?.excerpt).toMatch(/did not answer .* within 50 ms/);
    expect(items[1]?.excerpt).toMatch(/connection refused/);
    expect(items[2]?.excerpt).toMatch(/could not read/);
    for (const item of items) expect(item.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finishes INCONCLUSIVE, naming what failed, when every source fails', async () => {
    const failing = {
      name: 'broken',
      async graph() {
        throw new Error('topology down');
      },
      async neighbours() {
        throw new Error('down');
      },
    };
    const sources: TelemetrySources = {
      topology: failing,
      metrics: { name: 'metrics-stand-in', query: () => new Promise(() => {}) },
      logs: {
        name: 'logs-stand-in',
        async search() {
          throw new Error('index missing');
        },
      },
      changes: {
        name: 'changes-stand-in',
        async list() {
          return 'not json' as never;
        },
      },
    };
    const alert: InvestigationAlert = {
      title: 'Checkout errors',
      description: null,
      service: 'checkout',
      severity: 'critical',
      startsAt: new Date('2026-03-02T10:00:00Z'),
      labels: {},
      source: 'alertmanager',
    };
    const result = await investigateDeterministically({
      alerts: [alert],
      sources,
      now: new Date('2026-03-02T10:15:00Z'),
      budgetMs: 50,
    });
    expect(result.report.confidence).toBe('INCONCLUSIVE');
    expect(result.report.rootCause).toBeNull();
    expect(result.report.summary).toMatch(/no telemetry source answered/);
    expect(result.report.summary).toMatch(/topology from broken \(failed\)/);
    expect(result.report.unavailableSources.map((entry) => `${entry.port}:${entry.status}`)).toEqual(
      expect.arrayContaining([
        'topology:failed',
        'metrics:timed_out',
        'logs:failed',
        'changes:invalid',
        'kubernetes:not_configured',
        'alerts:not_configured',
      ]),
    );
  });
});
