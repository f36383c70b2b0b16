import { describe, expect, it } from 'vitest';
import {
  cleanLine,
  cleanText,
  limits,
  readTags,
  safeUrl,
  tagsToRecord,
  toStringRecord,
  truncate,
} from './normalize.js';
import { severityFromPriority, severityFromWord } from './severity.js';

describe('text cleaning', () => {
  it('caps titles and keeps surrogate pairs whole', () => {
    expect(cleanLine('x'.repeat(2_000_000), limits.title)).toHaveLength(500);
    expect(truncate(`${'a'.repeat(499)}💥`, 500)).toBe('a'.repeat(499));
    expect(cleanText('d'.repeat(50_000), limits.description)).toHaveLength(10_000);
  });

  it('removes NUL and control characters that PostgreSQL or one-line display cannot take', () => {
    expect(cleanLine('a\u0000b\n\tc   d', 100)).toBe('a b c d');
    expect(cleanText('line one\nline\u0000 two\u0007', 100)).toBe('line one\nline two');
    expect(cleanLine('   ', 100)).toBeNull();
    expect(cleanLine({}, 100)).toBeNull();
    expect(cleanLine(42, 100)).toBe('42');
  });

  it('builds flat string records without touching the prototype', () => {
    const record = toStringRecord(JSON.parse('{"__proto__":{"polluted":"yes"},"a":1,"b":true,"c":{"x":1},"d":null}'));
    expect(record).toEqual({ a: '1', b: 'true' });
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const many = Object.fromEntries(Array.from({ length: 1_000 }, (_, index) => [`k${index}`, 'v'.repeat(5_000)]));
    const capped = toStringRecord(many);
    expect(Object.keys(capped)).toHaveLength(limits.labelCount);
    expect(capped.k0).toHaveLength(limits.labelValue);
  });

  it('keeps only http(s) links', () => {
    expect(safeUrl('https://example.com/a')).toBe('https://example.com/a');
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('data:text/html,x')).toBeUndefined();
    expect(safeUrl('https://')).toBeUndefined();
    expect(safeUrl(`https://example.com/${'a'.repeat(5_000)}`)).toBeUndefined();
  });

  it('reads tags from strings and arrays', () => {
    expect(tagsToRecord(readTags('env:prod, service:checkout,monitor,service:other'))).toEqual({
      env: 'prod',
      service: 'checkout',
      monitor: '',
    });
    expect(readTags(['a:b', 3, null, { x: 1 }])).toEqual(['a:b', '3']);
  });
});

describe('severity words', () => {
  it.each([
    ['Critical', 'critical'],
    ['SEV-1', 'critical'],
    ['sev_2', 'high'],
    ['P 3', 'warning'],
    ['informational', 'info'],
    ['banana', null],
  ])('maps %s to %s', (word, severity) => {
    expect(severityFromWord(word)).toBe(severity);
  });

  it.each([
    ['P1', 'critical'],
    ['p2', 'high'],
    [3, 'warning'],
    ['P4', 'info'],
    ['P5', 'info'],
    ['P9', null],
  ])('maps priority %s to %s', (priority, severity) => {
    expect(severityFromPriority(priority)).toBe(severity);
  });
});
