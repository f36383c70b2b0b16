import { describe, expect, it } from 'vitest';
import { enforceCitations, extractCitations, validateCitations, validateReportCitations } from './citations.js';
import type { InvestigationReport } from './investigation.model.js';

const report = (overrides: Partial<InvestigationReport> = {}): InvestigationReport => ({
  summary: 'Checkout fails [E2].',
  rootCause: {
    service: 'checkout',
    category: 'deploy',
    statement: 'Deploy v2 broke totals [E2, E3].',
    evidenceIds: ['E2', 'E3'],
  },
  confidence: 'LIKELY',
  confidenceNote: 'Deterministic.',
  timeline: [{ time: '2026-03-02T09:52:00Z', text: 'deploy [E2]', evidenceIds: ['E2'] }],
  impact: { text: 'Checkout errors.', evidenceIds: [] },
  ruledOut: [{ service: 'catalog', category: 'deploy', text: 'catalog deploy was harmless [E4]', evidenceIds: ['E4'] }],
  remediations: [
    {
      title: 'Roll back',
      command: 'kubectl rollout undo deployment/checkout',
      risk: 'low',
      undo: 'redeploy',
      evidenceIds: ['E2'],
    },
  ],
  unavailableSources: [],
  generatedBy: 'deterministic',
  droppedClaims: [],
  ...overrides,
});

describe('citations', () => {
  it('extracts single and grouped ids', () => {
    expect(extractCitations('a [E1] b [E2, E10] c [x]')).toEqual(['E1', 'E2', 'E10']);
  });

  it('rejects unknown and malformed ids and accepts known ones', () => {
    expect(validateCitations('ok [E1, E2]', ['E1', 'E2'])).toEqual({ valid: true, cited: ['E1', 'E2'], unknown: [] });
    expect(validateCitations('made up [E9]', ['E1'])).toMatchObject({ valid: false, unknown: ['E9'] });
    expect(validateCitations('malformed [E] and [E1a]', ['E1'])).toMatchObject({ valid: false, unknown: ['E', 'E1a'] });
  });

  it('finds unknown ids in text and in id lists, and list entries that cite nothing', () => {
    const bad = report({
      timeline: [{ time: 't', text: 'no citation here', evidenceIds: [] }],
      remediations: [{ title: 'x', change: 'y', risk: 'r', undo: 'u', evidenceIds: ['E77'] }],
    });
    expect(validateReportCitations(bad, ['E2', 'E3', 'E4'])).toEqual([
      { field: 'timeline[0]', unknown: [], uncited: true },
      { field: 'remediations[0]', unknown: ['E77'], uncited: false },
    ]);
    expect(validateReportCitations(report(), ['E2', 'E3', 'E4'])).toEqual([]);
  });

  it('drops a root cause citing unknown evidence and lowers the confidence to INCONCLUSIVE', () => {
    const enforced = enforceCitations(report(), ['E2', 'E4']);
    expect(enforced.rootCause).toBeNull();
    expect(enforced.confidence).toBe('INCONCLUSIVE');
    expect(enforced.droppedClaims).toEqual(['rootCause: cites unknown evidence E3']);
    expect(enforced.timeline).toHaveLength(1);
  });

  it('drops a supporting claim and lowers CONFIRMED to LIKELY, keeping the root cause', () => {
    const enforced = enforceCitations(report({ confidence: 'CONFIRMED' }), ['E2', 'E3']);
    expect(enforced.ruledOut).toEqual([]);
    expect(enforced.rootCause?.service).toBe('checkout');
    expect(enforced.confidence).toBe('LIKELY');
  });
});
