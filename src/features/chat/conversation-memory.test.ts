import { describe, expect, it } from 'vitest';
import { maskCredentials } from './conversation-memory.js';

describe('maskCredentials', () => {
  it('masks credential shapes and keeps their labels and the prose around them', () => {
    const text = [
      'password=hunter2hunter2, then retry',
      'api_key: "abc def 123"',
      'curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature"',
      'aws AKIAIOSFODNN7EXAMPLE here',
      'token ghp_0123456789abcdefghijABCDEFGHIJ012345',
      'openai sk-proj-abcdefghijklmnopqrstuvwx',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const masked = maskCredentials(text);
    expect(masked).toContain('password=[REDACTED], then retry');
    expect(masked).toContain('api_key: [REDACTED]');
    expect(masked).toContain('Bearer [REDACTED]');
    expect(masked).toContain('aws [REDACTED] here');
    for (const secret of ['hunter2', 'abc def', 'eyJhbG', 'AKIAIOSF', 'ghp_', 'sk-proj', 'MIIEow']) {
      expect(masked).not.toContain(secret);
    }
  });

  it('leaves ordinary text alone', () => {
    const text = 'The password policy changed; rotate the keys and restart the skate-park service.';
    expect(maskCredentials(text)).toBe(text);
  });
});
