import { describe, expect, it } from 'vitest';
import { loadAlertFixture } from '../../../../test/fixtures/alerts/load-fixture.js';
import { ValidationFailed } from '../../../platform/errors.js';
import { parseGeneric } from './generic.source.js';

const receivedAt = new Date('2024-05-14T12:30:00.000Z');
const context = { receivedAt };

describe('parseGeneric', () => {
  it('reads one alert with the default pointers', () => {
    const { alerts, deliveryId } = parseGeneric(loadAlertFixture('generic-single.json'), context);
    expect(deliveryId).toBeNull();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      source: 'generic',
      externalId: 'job-20240514-0200',
      fingerprint: 'generic:backup-runner/nightly',
      status: 'firing',
      title: 'Nightly backup failed',
      description: 'pg_dump exited with status 1: connection to server timed out.',
      severity: 'high',
      service: 'backup-runner',
      environment: 'production',
      labels: { job: 'nightly-backup', cluster: 'eu-1' },
      links: {
        generator: 'https://ci.example.com/jobs/nightly-backup/1842',
        dashboard: 'https://grafana.example.com/d/backups',
        runbook: 'https://runbooks.example.com/backups/nightly',
      },
      endsAt: null,
    });
    expect(alert?.startsAt.toISOString()).toBe('2024-05-14T02:00:41.000Z');
  });

  it('reads a batch under alerts, with epoch seconds and milliseconds', () => {
    const { alerts, deliveryId } = parseGeneric(loadAlertFixture('generic-batch.json'), context);
    expect(deliveryId).toBe('batch-7f3c2a91');
    expect(alerts.map((alert) => [alert.title, alert.status, alert.severity, alert.environment])).toEqual([
      ['Certificate for api.example.com expires in 6 days', 'firing', 'warning', 'production'],
      ['Certificate for admin.example.com renewed', 'resolved', 'info', 'production'],
    ]);
    expect(alerts[0]?.startsAt.toISOString()).toBe('2024-05-14T08:00:00.000Z');
    expect(alerts[1]?.startsAt.toISOString()).toBe('2024-05-14T08:00:00.000Z');
    expect(alerts[1]?.endsAt?.toISOString()).toBe('2024-05-14T08:05:00.000Z');
    expect(alerts[0]?.fingerprint).toMatch(/^generic:sha256:[0-9a-f]{64}$/);
    expect(alerts[1]?.fingerprint).toBe('generic:cert-expiry/admin.example.com');
  });

  it('reads a bare array and derives service and environment from labels', () => {
    const { alerts } = parseGeneric(loadAlertFixture('generic-array.json'), context);
    expect(alerts.map((alert) => [alert.service, alert.environment, alert.severity])).toEqual([
      ['order-worker', 'prod', 'high'],
      ['order-worker', 'production', 'critical'],
    ]);
  });

  it('follows a custom mapping, including ~0 and ~1 escapes', () => {
    const mapping = {
      title: '/event/name',
      status: '/event/state',
      severity: '/event/level',
      fingerprint: '/event/dedup~0key',
      service: '/resource/svc~1name',
      environment: '/resource/stage',
      description: '/event/detail',
      externalId: '/ticket',
    };
    const [alert] = parseGeneric(loadAlertFixture('generic-custom-mapping.json'), { ...context, mapping }).alerts;
    expect(alert).toMatchObject({
      title: 'Payment provider latency above SLO',
      status: 'resolved',
      severity: 'high',
      fingerprint: 'generic:pp-latency/eu',
      service: 'payments-gateway',
      environment: 'prod',
      description: 'p95 authorisation latency back under 800 ms.',
      externalId: 'INC-20240514-17',
    });
    expect(alert?.endsAt?.toISOString()).toBe(receivedAt.toISOString());
  });

  it('keeps the hashed fingerprint stable and sensitive to identity', () => {
    const body = { title: 'Disk full', service: 'db', labels: { host: 'db-1' } };
    const first = parseGeneric(body, context).alerts[0]?.fingerprint;
    expect(parseGeneric(structuredClone(body), { receivedAt: new Date() }).alerts[0]?.fingerprint).toBe(first);
    expect(parseGeneric({ ...body, labels: { host: 'db-2' } }, context).alerts[0]?.fingerprint).not.toBe(first);
    expect(
      parseGeneric({ ...body, severity: 'critical', description: 'changed' }, context).alerts[0]?.fingerprint,
    ).toBe(first);
  });

  it('names the missing title by its path', () => {
    expect(() => parseGeneric({ service: 'x' }, context)).toThrow(ValidationFailed);
    expect(() => parseGeneric({ service: 'x' }, context)).toThrow('title is required');
    expect(() => parseGeneric({ alerts: [{ title: 'a' }, { title: '' }] }, context)).toThrow(
      'alerts[1].title is required',
    );
    expect(() => parseGeneric([{ title: 'a' }, 7], context)).toThrow('[1] must be an object');
    expect(() => parseGeneric({ event: {} }, { ...context, mapping: { title: '/event/name' } })).toThrow(
      'event.name is required',
    );
  });

  it('rejects a malformed pointer in the mapping', () => {
    expect(() => parseGeneric({ title: 'x' }, { ...context, mapping: { title: 'title' } })).toThrow(
      'JSON pointer "title" must start with "/"',
    );
    expect(() => parseGeneric({ title: 'x' }, { ...context, mapping: { title: '/a~2b' } })).toThrow('invalid ~ escape');
  });

  it('treats an object with its own title as one alert even when it has an alerts array', () => {
    const { alerts } = parseGeneric({ title: 'Parent', alerts: [{ title: 'child' }] }, context);
    expect(alerts.map((alert) => alert.title)).toEqual(['Parent']);
  });
});
