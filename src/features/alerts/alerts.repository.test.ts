import { describe, expect, it } from 'vitest';
import { toJsonParameter } from './alerts.repository.js';

describe('toJsonParameter', () => {
  it('is plain JSON for ordinary values', () => {
    const value = { title: 'CPU high', labels: { pod: 'api-1' }, note: 'a literal \\u0000 stays text' };
    expect(toJsonParameter(value)).toBe(JSON.stringify(value));
  });

  it('replaces NUL and unpaired surrogates, which PostgreSQL jsonb rejects', () => {
    const json = toJsonParameter({ title: `bad\u0000byte`, label: `half \ud800 pair`, emoji: '😀' });
    expect(JSON.parse(json)).toEqual({ title: 'bad\ufffdbyte', label: 'half \ufffd pair', emoji: '😀' });
    expect(json).not.toMatch(/\\u0000|\\ud800/);
  });
});
