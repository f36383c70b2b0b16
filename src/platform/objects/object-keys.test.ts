import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../errors.js';
import { listPath, normalizeOrgId, objectPath, validateListPrefix, validateObjectKey } from './object-keys.js';

const orgId = '0b6f3a52-7d1e-4c2a-9f40-3e8d2c1b5a67';

describe('objectPath', () => {
  it('prefixes the key with the org id', () => {
    expect(objectPath(orgId, 'reports/2024/summary.pdf')).toBe(`${orgId}/reports/2024/summary.pdf`);
  });

  it('lowercases the org id so one org always has one prefix', () => {
    expect(objectPath(orgId.toUpperCase(), 'a')).toBe(`${orgId}/a`);
  });

  it.each(['', 'not-a-uuid', `${randomUUID()}/x`, '../0b6f3a52-7d1e-4c2a-9f40-3e8d2c1b5a67'])(
    'rejects the org id %j',
    (badOrgId) => {
      expect(() => objectPath(badOrgId, 'a')).toThrow(ValidationFailed);
      expect(() => normalizeOrgId(badOrgId)).toThrow(/Organization id must be a UUID/);
    },
  );
});

describe('validateObjectKey', () => {
  it.each([
    'a',
    'a/b/c.txt',
    'a..b/c...d',
    '.hidden/.profile',
    '%2e%2e/%00',
    'résumé/日本語 file (1).txt',
    'x'.repeat(255),
    `${'a'.repeat(200)}/${'b'.repeat(200)}/${'c'.repeat(200)}/${'d'.repeat(200)}/${'e'.repeat(183)}`,
  ])('accepts %j', (key) => {
    expect(() => validateObjectKey(key)).not.toThrow();
  });

  it.each([
    ['', /must not be empty/],
    ['/etc/passwd', /must not start with "\/"/],
    ['a\\b', /must not contain "\\"/],
    ['a\u0000b', /control characters/],
    ['a\nb', /control characters/],
    ['a\u007fb', /control characters/],
    ['a\u0085b', /control characters/],
    ['a\ud800b', /control characters/],
    ['a//b', /empty segments/],
    ['a/', /empty segments/],
    ['..', /"\." or "\.\." segments/],
    ['../x', /"\." or "\.\." segments/],
    ['a/../../b', /"\." or "\.\." segments/],
    ['a/./b', /"\." or "\.\." segments/],
    ['.', /"\." or "\.\." segments/],
    ['x'.repeat(256), /segments must be at most 255 bytes/],
    [`${'a/'.repeat(493)}ab`, /must be at most 987 bytes/],
    // 494 two-byte characters: under the limit in UTF-16 code units, over it in UTF-8 bytes.
    [`${'é'.repeat(200)}/${'é'.repeat(200)}/${'é'.repeat(94)}`, /must be at most 987 bytes/],
  ])('rejects %j', (key, message) => {
    expect(() => validateObjectKey(key)).toThrow(ValidationFailed);
    expect(() => validateObjectKey(key)).toThrow(message);
  });

  it('rejects values that are not strings', () => {
    expect(() => validateObjectKey(42 as unknown as string)).toThrow(ValidationFailed);
  });

  it('reports which field failed', () => {
    try {
      validateObjectKey('../x');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailed);
      expect((error as ValidationFailed).details).toEqual({ field: 'key' });
    }
  });
});

describe('validateListPrefix', () => {
  it.each(['', 'a', 'a/', 'a/b', 'a/b/', 'a/partial-na'])('accepts %j', (prefix) => {
    expect(() => validateListPrefix(prefix)).not.toThrow();
  });

  it.each(['/', '/a', 'a//', 'a//b', '../', 'a/../', 'a\\', 'a\u0000', './'])('rejects %j', (prefix) => {
    expect(() => validateListPrefix(prefix)).toThrow(ValidationFailed);
  });

  it('builds the full listing path under the org', () => {
    expect(listPath(orgId)).toBe(`${orgId}/`);
    expect(listPath(orgId, 'logs/')).toBe(`${orgId}/logs/`);
  });
});
