import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NotFound, ValidationFailed } from '../errors.js';
import {
  isValidSecretName,
  localReference,
  maxSecretNameLength,
  normalizeOrgId,
  parseLocalReference,
  parseVaultReference,
  validateSecretData,
  validateSecretName,
  vaultReference,
  vaultSecretPath,
} from './secret-names.js';

describe('secret names', () => {
  it.each([
    'a',
    'github',
    'connectors/1b2c/oauth',
    'gcp.service-account_key',
    '0/1/2',
    'x'.repeat(maxSecretNameLength),
  ])('accepts %s', (name) => {
    expect(validateSecretName(name)).toBe(name);
  });

  it.each([
    ['empty', ''],
    ['upper case', 'GitHub'],
    ['a leading slash', '/github'],
    ['a trailing slash', 'github/'],
    ['an empty segment', 'a//b'],
    ['a segment starting with a dot', 'a/.hidden'],
    ['a parent segment', 'a/../b'],
    ['two dots inside a segment', 'a..b'],
    ['a space', 'git hub'],
    ['a backslash', 'a\\b'],
    ['a percent sign', 'a%2fb'],
    ['too long', 'x'.repeat(maxSecretNameLength + 1)],
  ])('refuses a name with %s', (_reason, name) => {
    expect(() => validateSecretName(name)).toThrow(ValidationFailed);
    expect(isValidSecretName(name)).toBe(false);
  });
});

describe('org ids', () => {
  it('accepts a UUID and lower-cases it', () => {
    const orgId = randomUUID();
    expect(normalizeOrgId(orgId.toUpperCase())).toBe(orgId);
  });

  it.each(['', 'org-1', '../other', `${randomUUID()}/x`])('refuses %j', (orgId) => {
    expect(() => normalizeOrgId(orgId)).toThrow(ValidationFailed);
  });
});

describe('secret data', () => {
  it('accepts string values', () => {
    expect(validateSecretData({ token: 'abc', empty: '' })).toEqual({ token: 'abc', empty: '' });
  });

  it.each([null, 'text', ['a'], { count: 1 }, { nested: { a: 'b' } }])('refuses %j', (data) => {
    expect(() => validateSecretData(data)).toThrow(ValidationFailed);
  });

  it('names no value in its error', () => {
    expect(() => validateSecretData({ password: 42, other: 'hunter2-secret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});

describe('local references', () => {
  it('round-trips an id', () => {
    const id = randomUUID();
    const reference = localReference(id);
    expect(reference).toBe(`local:${id}`);
    expect(parseLocalReference(reference)).toBe(id);
  });

  it.each(['', 'local:', 'local:not-a-uuid', `vault:kv/data/aurora/orgs/${randomUUID()}/a`, randomUUID()])(
    'treats %j as not found',
    (reference) => {
      expect(() => parseLocalReference(reference)).toThrow(NotFound);
    },
  );
});

describe('vault references', () => {
  const orgId = randomUUID();

  it('builds the documented path and reference', () => {
    expect(vaultSecretPath(orgId, 'connectors/abc')).toBe(`aurora/orgs/${orgId}/connectors/abc`);
    expect(vaultReference('kv', orgId, 'connectors/abc')).toBe(`vault:kv/data/aurora/orgs/${orgId}/connectors/abc`);
  });

  it('parses a reference of the caller org', () => {
    const reference = vaultReference('secret/team', orgId, 'github/token');
    expect(parseVaultReference(reference, orgId, 'secret/team')).toEqual({
      mount: 'secret/team',
      orgId,
      name: 'github/token',
      path: `aurora/orgs/${orgId}/github/token`,
    });
  });

  it('accepts the caller org id in upper case', () => {
    const reference = vaultReference('kv', orgId, 'a');
    expect(parseVaultReference(reference, orgId.toUpperCase(), 'kv').orgId).toBe(orgId);
  });

  it("treats another org's reference as not found, with the same message as a missing one", () => {
    const reference = vaultReference('kv', randomUUID(), 'github');
    const error = captureError(() => parseVaultReference(reference, orgId, 'kv'));
    expect(error).toBeInstanceOf(NotFound);
    const missing = captureError(() => parseVaultReference('vault:nothing', orgId, 'kv'));
    expect((error as Error).message).toBe((missing as Error).message);
  });

  it.each([
    ['another mount', () => vaultReference('other', orgId, 'a')],
    ['a local reference', () => localReference(randomUUID())],
    ['a path escaping the org', () => `vault:kv/data/aurora/orgs/${orgId}/../x`],
    ['a name with upper case', () => `vault:kv/data/aurora/orgs/${orgId}/Secret`],
    ['no name', () => `vault:kv/data/aurora/orgs/${orgId}/`],
    ['no org', () => 'vault:kv/data/aurora/orgs/'],
    ['the metadata path', () => `vault:kv/metadata/aurora/orgs/${orgId}/a`],
  ])('treats %s as not found', (_reason, reference) => {
    expect(() => parseVaultReference(reference(), orgId, 'kv')).toThrow(NotFound);
  });

  it('refuses a mount that would break the path', () => {
    expect(() => vaultReference('/kv/', orgId, 'a')).toThrow(ValidationFailed);
    expect(() => vaultReference('kv/../sys', orgId, 'a')).toThrow(ValidationFailed);
  });
});

function captureError(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
