import { describe, expect, it } from 'vitest';
import { alertFixtureNames, loadAlertFixture } from '../../../../test/fixtures/alerts/load-fixture.js';
import { type AlertSource, alertSources } from '../alert.model.js';
import { hashedFingerprint, nativeFingerprint } from './fingerprint.js';
import { parsers } from './index.js';

const customMapping = {
  title: '/event/name',
  status: '/event/state',
  severity: '/event/level',
  fingerprint: '/event/dedup~0key',
  service: '/resource/svc~1name',
};

function fingerprintsOf(name: string, receivedAt: Date): string[] {
  const source = name.slice(0, name.indexOf('-')) as AlertSource;
  const mapping = name === 'generic-custom-mapping.json' ? customMapping : undefined;
  return parsers[source](loadAlertFixture(name), { receivedAt, mapping }).alerts.map((alert) => alert.fingerprint);
}

describe('fingerprints', () => {
  it('are stable across re-parsing, whatever the time of receipt', () => {
    for (const name of alertFixtureNames()) {
      const first = fingerprintsOf(name, new Date('2024-05-14T12:30:00Z'));
      const second = fingerprintsOf(name, new Date('2031-01-01T00:00:00Z'));
      expect(second, name).toEqual(first);
    }
  });

  it('always start with their source, so sources never collide', () => {
    for (const name of alertFixtureNames()) {
      const source = name.slice(0, name.indexOf('-'));
      for (const fingerprint of fingerprintsOf(name, new Date())) {
        expect(fingerprint.startsWith(`${source}:`), `${name}: ${fingerprint}`).toBe(true);
        expect(fingerprint.length).toBeLessThanOrEqual(300);
      }
    }
  });

  it('differ across sources for the same native id and the same hashed fields', () => {
    const native = alertSources.map((source) => nativeFingerprint(source, 'abc123'));
    const hashed = alertSources.map((source) => hashedFingerprint(source, { title: 'x', service: 'y' }));
    expect(new Set(native).size).toBe(alertSources.length);
    expect(new Set(hashed).size).toBe(alertSources.length);
  });

  it('hash fields independently of their order and ignore absent ones', () => {
    expect(hashedFingerprint('generic', { b: '2', a: '1' })).toBe(hashedFingerprint('generic', { a: '1', b: '2' }));
    expect(hashedFingerprint('generic', { a: '1', b: null, c: undefined })).toBe(
      hashedFingerprint('generic', { a: '1' }),
    );
    expect(hashedFingerprint('generic', { a: '1' })).not.toBe(hashedFingerprint('generic', { a: '2' }));
    // A separator inside a value cannot forge another field set.
    expect(hashedFingerprint('generic', { a: '1","b":"2' })).not.toBe(hashedFingerprint('generic', { a: '1', b: '2' }));
  });

  it('hash over-long native ids so fingerprints stay short', () => {
    const long = 'x'.repeat(1_000);
    expect(nativeFingerprint('datadog', long)).toMatch(/^datadog:sha256:[0-9a-f]{64}$/);
    expect(nativeFingerprint('datadog', long)).toBe(nativeFingerprint('datadog', long));
    expect(nativeFingerprint('opsgenie', 'alias-1')).toBe('opsgenie:alias-1');
  });
});
