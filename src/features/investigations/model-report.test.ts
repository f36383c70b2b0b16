import { describe, expect, it } from 'vitest';
import { extractReportJson, parseModelReport } from './model-report.js';

const valid = {
  verdict: 'likely',
  summary: 'Checkout broke [E2].',
  rootCause: { service: 'checkout', category: 'deploy', statement: 'The release [E2].' },
  timeline: [],
  ruledOut: [],
};

describe('parseModelReport', () => {
  it('reads the JSON between <report> tags, in a fence, or as the last object', () => {
    expect(extractReportJson(`thinking <report>${JSON.stringify(valid)}</report>`)).toBe(JSON.stringify(valid));
    expect(extractReportJson(`text\n\`\`\`json\n{"a": 1}\n\`\`\``)).toBe('{"a": 1}');
    expect(extractReportJson('so {"a": {"b": 2}} done')).toBe('{"a": {"b": 2}}');
    expect(parseModelReport(`<report>${JSON.stringify(valid)}</report>`)).toMatchObject({ ok: true });
  });

  it('turns every bad answer into a reason, never an exception', () => {
    expect(parseModelReport('no report at all')).toEqual({ ok: false, problem: 'the model wrote no report' });
    expect(parseModelReport('<report>{"verdict": oops}</report>')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('not valid JSON'),
    });
    expect(
      parseModelReport(
        `<report>${JSON.stringify({ ...valid, rootCause: { ...valid.rootCause, category: 'aliens' } })}</report>`,
      ),
    ).toMatchObject({ ok: false, problem: expect.stringContaining('rootCause.category') });
  });
});
