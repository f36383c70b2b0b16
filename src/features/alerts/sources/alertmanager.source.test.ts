import { describe, expect, it } from 'vitest';
import { alertFixtureNames, loadAlertFixture } from '../../../../test/fixtures/alerts/load-fixture.js';
import { ValidationFailed } from '../../../platform/errors.js';
import { parseAlertmanager } from './alertmanager.source.js';

const receivedAt = new Date('2024-05-14T12:30:00.000Z');
const context = { receivedAt };

function clone<T>(value: T): T {
  return structuredClone(value);
}

describe('parseAlertmanager', () => {
  it('normalises a firing alert with every link', () => {
    const { alerts, deliveryId } = parseAlertmanager(loadAlertFixture('alertmanager-firing.json'), context);
    expect(deliveryId).toBeNull();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      source: 'alertmanager',
      externalId: '5b4f7a3c9e21d8f0',
      fingerprint: 'alertmanager:5b4f7a3c9e21d8f0',
      status: 'firing',
      title: 'Checkout API 5xx rate above 5%',
      description: '5xx responses are 7.3% of requests on 10.2.4.17:8080 over the last 5 minutes.',
      severity: 'critical',
      service: 'checkout',
      environment: 'production',
      groupKey: '{}:{alertname="HighErrorRate"}',
      endsAt: null,
    });
    expect(alert?.startsAt.toISOString()).toBe('2024-05-14T09:21:07.123Z');
    expect(alert?.labels).toEqual({
      alertname: 'HighErrorRate',
      instance: '10.2.4.17:8080',
      job: 'checkout-api',
      namespace: 'production',
      service: 'checkout',
      severity: 'critical',
      team: 'payments',
    });
    expect(alert?.links).toEqual({
      generator:
        'http://prometheus.example.com:9090/graph?g0.expr=sum%28rate%28http_requests_total%7Bstatus%3D~%225..%22%7D%5B5m%5D%29%29&g0.tab=1',
      runbook: 'https://runbooks.example.com/checkout/high-error-rate',
      dashboard: 'https://grafana.example.com/d/checkout/checkout-overview',
      silence: `http://alertmanager.example.com:9093/#/silences/new?filter=${encodeURIComponent(
        '{alertname="HighErrorRate", instance="10.2.4.17:8080", job="checkout-api", namespace="production", service="checkout", severity="critical", team="payments"}',
      )}`,
    });
  });

  it('resolves with the endsAt Alertmanager sent', () => {
    const [alert] = parseAlertmanager(loadAlertFixture('alertmanager-resolved.json'), context).alerts;
    expect(alert?.status).toBe('resolved');
    expect(alert?.fingerprint).toBe('alertmanager:5b4f7a3c9e21d8f0');
    expect(alert?.endsAt?.toISOString()).toBe('2024-05-14T09:48:37.123Z');
  });

  it('splits a group into one alert per entry, each with its own status', () => {
    const { alerts } = parseAlertmanager(loadAlertFixture('alertmanager-multi.json'), context);
    expect(alerts.map((alert) => [alert.fingerprint, alert.status])).toEqual([
      ['alertmanager:0c1a9b2e7f4d3a11', 'firing'],
      ['alertmanager:77e0d5c6a8b94f02', 'firing'],
      ['alertmanager:a93f1e0b5c2d7e48', 'resolved'],
    ]);
    for (const alert of alerts) {
      expect(alert).toMatchObject({
        title: 'Pod is crash looping.',
        severity: 'warning',
        service: 'inventory',
        environment: 'staging',
        groupKey: '{}/{severity=~"warning|critical"}:{alertname="KubePodCrashLooping", namespace="shop-staging"}',
      });
      expect(alert.links.silence).toMatch(/^https:\/\/alertmanager\.example\.com\/#\/silences\/new\?filter=%7B/);
    }
    expect(alerts[2]?.endsAt?.toISOString()).toBe('2024-05-14T10:05:41.900Z');
  });

  it('falls back to alertname, the job label and a label hash when annotations and fingerprint are missing', () => {
    const [alert] = parseAlertmanager(loadAlertFixture('alertmanager-minimal.json'), context).alerts;
    expect(alert).toMatchObject({
      title: 'InstanceDown',
      description: null,
      severity: 'warning',
      service: 'node',
      environment: null,
      externalId: null,
      links: {},
    });
    expect(alert?.fingerprint).toMatch(/^alertmanager:sha256:[0-9a-f]{64}$/);
    const again = parseAlertmanager(loadAlertFixture('alertmanager-minimal.json'), context).alerts[0];
    expect(again?.fingerprint).toBe(alert?.fingerprint);
  });

  it.each([
    ['page', 'critical'],
    ['CRITICAL', 'critical'],
    ['error', 'high'],
    ['major', 'high'],
    ['warn', 'warning'],
    ['none', 'info'],
    ['low', 'info'],
    ['something-else', 'warning'],
  ])('maps severity label %s to %s', (label, severity) => {
    const body = clone(loadAlertFixture('alertmanager-firing.json')) as {
      alerts: { labels: Record<string, string> }[];
    };
    body.alerts[0]!.labels.severity = label;
    expect(parseAlertmanager(body, context).alerts[0]?.severity).toBe(severity);
  });

  it('uses the group status when an alert has none, and the received time for a missing startsAt', () => {
    const body = clone(loadAlertFixture('alertmanager-resolved.json')) as { alerts: Record<string, unknown>[] };
    delete body.alerts[0]!.status;
    body.alerts[0]!.startsAt = 'not a date';
    body.alerts[0]!.endsAt = '0001-01-01T00:00:00Z';
    const [alert] = parseAlertmanager(body, context).alerts;
    expect(alert?.status).toBe('resolved');
    expect(alert?.startsAt.toISOString()).toBe(receivedAt.toISOString());
    expect(alert?.endsAt?.toISOString()).toBe(receivedAt.toISOString());
  });

  it('names the missing field', () => {
    const body = clone(loadAlertFixture('alertmanager-multi.json')) as { alerts: Record<string, unknown>[] };
    delete body.alerts[2]!.labels;
    expect(() => parseAlertmanager(body, context)).toThrow(ValidationFailed);
    expect(() => parseAlertmanager(body, context)).toThrow('alerts[2].labels is required');
    expect(() => parseAlertmanager({ status: 'firing' }, context)).toThrow('alerts is required');
    expect(() => parseAlertmanager({ alerts: {} }, context)).toThrow('alerts must be an array');
    expect(() => parseAlertmanager([], context)).toThrow('body must be an object');
    const noStatus = clone(loadAlertFixture('alertmanager-firing.json')) as Record<string, unknown> & {
      alerts: Record<string, unknown>[];
    };
    delete noStatus.status;
    delete noStatus.alerts[0]!.status;
    expect(() => parseAlertmanager(noStatus, context)).toThrow('alerts[0].status is required');
  });

  it('drops links that are not http(s)', () => {
    const body = clone(loadAlertFixture('alertmanager-firing.json')) as {
      alerts: { generatorURL: string; annotations: Record<string, string> }[];
      externalURL: string;
    };
    body.alerts[0]!.generatorURL = 'javascript:alert(1)';
    body.alerts[0]!.annotations.runbook_url = 'file:///etc/passwd';
    body.externalURL = 'not a url';
    const [alert] = parseAlertmanager(body, context).alerts;
    expect(alert?.links).toEqual({ dashboard: 'https://grafana.example.com/d/checkout/checkout-overview' });
  });

  it('parses every alertmanager fixture', () => {
    for (const name of alertFixtureNames('alertmanager')) {
      expect(parseAlertmanager(loadAlertFixture(name), context).alerts.length).toBeGreaterThan(0);
    }
  });
});
