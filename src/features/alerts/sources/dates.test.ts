import { describe, expect, it } from 'vitest';
import { parseTimestamp, timestampOr } from './dates.js';

describe('parseTimestamp', () => {
  it.each([
    ['2024-05-14T09:21:07.123Z', '2024-05-14T09:21:07.123Z'],
    ['2024-05-14T08:41:30+02:00', '2024-05-14T06:41:30.000Z'],
    ['2024-05-14T09:20:41.734+0000', '2024-05-14T09:20:41.734Z'],
    ['2021-10-12T09:51:03.157076+02:00', '2021-10-12T07:51:03.157Z'],
    ['2024-05-14T09:20:41', '2024-05-14T09:20:41.000Z'],
    ['2024-05-14', '2024-05-14T00:00:00.000Z'],
    ['Tue, 14 May 2024 09:20:41 GMT', '2024-05-14T09:20:41.000Z'],
    [1715678467, '2024-05-14T09:21:07.000Z'],
    [1715678467.5, '2024-05-14T09:21:07.500Z'],
    ['1715678467210', '2024-05-14T09:21:07.210Z'],
    [1715678467210, '2024-05-14T09:21:07.210Z'],
    [1715678467210123, '2024-05-14T09:21:07.210Z'],
    [1715678467212000000, '2024-05-14T09:21:07.212Z'],
  ])('parses %j', (input, iso) => {
    expect(parseTimestamp(input)?.toISOString()).toBe(iso);
  });

  it.each([
    '0001-01-01T00:00:00Z',
    '9999-99-99T99:99:99Z',
    'yesterday',
    'foo 12',
    '1',
    '',
    null,
    undefined,
    {},
    [],
    -5,
    0,
    Number.NaN,
    Infinity,
    1e21,
    '1e400',
    'x'.repeat(100_000),
  ])('treats %j as absent', (input) => {
    expect(parseTimestamp(input)).toBeNull();
  });

  it('falls back to a copy of the given time', () => {
    const fallback = new Date('2024-05-14T12:30:00Z');
    const result = timestampOr('garbage', fallback);
    expect(result.toISOString()).toBe(fallback.toISOString());
    expect(result).not.toBe(fallback);
  });
});
