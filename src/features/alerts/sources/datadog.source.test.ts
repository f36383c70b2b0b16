import { describe, expect, it } from 'vitest';
import { loadAlertFixture } from '../../../../test/fixtures/alerts/load-fixture.js';
import { ValidationFailed } from '../../../platform/errors.js';
import { parseDatadog } from './datadog.source.js';

const receivedAt = new Date('2024-05-14T12:30:00.000Z');
const context = { receivedAt };

function fixture(name: string): Record<string, unknown> {
  return structuredClone(loadAlertFixture(name)) as Record<string, unknown>;
}

describe('parseDatadog: default payload', () => {
  it('reads transition, priority and group from the title and the monitor id from the message', () => {
    const { alerts, deliveryId } = parseDatadog(fixture('datadog-default-triggered.json'), context);
    expect(deliveryId).toBe('7391520448329812217');
    const [alert] = alerts;
    expect(alert).toMatchObject({
      source: 'datadog',
      externalId: '4821345',
      fingerprint: 'datadog:monitor:4821345:host:web-01',
      status: 'firing',
      title: 'High CPU on web hosts',
      severity: 'high',
      service: null,
      environment: null,
      groupKey: 'datadog:monitor:4821345',
      endsAt: null,
    });
    expect(alert?.startsAt.toISOString()).toBe('2024-05-14T10:25:00.000Z');
    expect(alert?.labels).toMatchObject({
      monitor_id: '4821345',
      group: 'host:web-01',
      alert_transition: 'Triggered',
      priority: 'P2',
      org_id: '123456',
      org_name: 'Acme Shop',
      event_type: 'query_alert_monitor',
    });
    expect(alert?.links.generator).toBe(
      'https://app.datadoghq.com/monitors/4821345?to_ts=1715682300000&group=host%3Aweb-01&from_ts=1715681100000',
    );
    expect(alert?.description).toMatch(/^@webhook-aurora CPU on web hosts/);
    expect(alert?.description).not.toContain('%%%');
  });

  it('resolves on a Recovered title with the same fingerprint', () => {
    const triggered = parseDatadog(fixture('datadog-default-triggered.json'), context).alerts[0];
    const [recovered] = parseDatadog(fixture('datadog-default-recovered.json'), context).alerts;
    expect(recovered?.status).toBe('resolved');
    expect(recovered?.fingerprint).toBe(triggered?.fingerprint);
    expect(recovered?.endsAt?.toISOString()).toBe('2024-05-14T10:55:00.000Z');
  });

  it('hashes the stripped title, group and org when the message has no monitor link', () => {
    const body = fixture('datadog-default-triggered.json');
    body.body = 'Something happened.';
    const [alert] = parseDatadog(body, context).alerts;
    expect(alert?.externalId).toBeNull();
    expect(alert?.groupKey).toBeNull();
    expect(alert?.fingerprint).toMatch(/^datadog:sha256:[0-9a-f]{64}$/);
    const recovered = fixture('datadog-default-recovered.json');
    recovered.body = 'It stopped.';
    expect(parseDatadog(recovered, context).alerts[0]?.fingerprint).toBe(alert?.fingerprint);
  });

  it('takes the first monitor link that is a real http(s) URL', () => {
    const body = fixture('datadog-default-triggered.json');
    body.body =
      'see /monitors/999 (not a link) or javascript:x/monitors/998 then https://app.datadoghq.eu/monitors#4821345?group=a';
    const [alert] = parseDatadog(body, context).alerts;
    expect(alert?.externalId).toBe('4821345');
    expect(alert?.links.generator).toBe('https://app.datadoghq.eu/monitors#4821345?group=a');
  });

  it('names the missing title', () => {
    const body = fixture('datadog-default-triggered.json');
    delete body.title;
    expect(() => parseDatadog(body, context)).toThrow(ValidationFailed);
    expect(() => parseDatadog(body, context)).toThrow('title is required');
  });
});

describe('parseDatadog: recommended template', () => {
  it('normalises a triggered monitor with tags, service, environment and priority', () => {
    const { alerts, deliveryId } = parseDatadog(fixture('datadog-recommended-triggered.json'), context);
    expect(deliveryId).toBe('7391520448329812217');
    const [alert] = alerts;
    expect(alert).toMatchObject({
      externalId: '4821345',
      fingerprint: 'datadog:monitor:4821345:host:web-01,service:storefront',
      status: 'firing',
      title: 'High CPU on web hosts',
      severity: 'high',
      service: 'storefront',
      environment: 'prod',
      groupKey: 'datadog:monitor:4821345',
      links: { generator: 'https://app.datadoghq.com/event/event?id=7391520448329812217' },
    });
    expect(alert?.labels).toMatchObject({
      env: 'prod',
      host: 'web-01',
      service: 'storefront',
      team: 'web',
      hostname: 'web-01',
      alert_metric: 'system.cpu.user',
      alert_type: 'error',
    });
    expect(alert?.annotations).toMatchObject({
      alert_query: 'avg(last_5m):avg:system.cpu.user{env:prod} by {host,service} > 90',
      alert_cycle_key: '7391520448329812216',
      snapshot_url: 'https://p.datadoghq.com/snapshot/view/dd-snapshots-prod/org_123456/2024-05-14/3b1f0c2a.png',
    });
    expect(alert?.startsAt.toISOString()).toBe('2024-05-14T10:25:00.000Z');
  });

  it('resolves the same monitor + group regardless of the scope tag order', () => {
    const triggered = parseDatadog(fixture('datadog-recommended-triggered.json'), context).alerts[0];
    const [recovered] = parseDatadog(fixture('datadog-recommended-recovered.json'), context).alerts;
    expect(recovered).toMatchObject({ status: 'resolved', fingerprint: triggered?.fingerprint });
    expect(recovered?.endsAt?.toISOString()).toBe('2024-05-14T10:55:00.000Z');
  });

  it('maps Warn without a priority to warning', () => {
    const [alert] = parseDatadog(fixture('datadog-recommended-warn.json'), context).alerts;
    expect(alert).toMatchObject({
      severity: 'warning',
      fingerprint: 'datadog:monitor:5510022:queue:orders',
      service: 'order-worker',
      environment: 'staging',
      title: 'Order queue backlog growing',
    });
    expect(alert?.labels.hostname).toBeUndefined();
    expect(alert?.annotations.snapshot_url).toBeUndefined();
  });

  it('treats empty and unrendered variables as absent', () => {
    const [alert] = parseDatadog(fixture('datadog-recommended-no-monitor.json'), context).alerts;
    expect(alert).toMatchObject({
      externalId: null,
      groupKey: null,
      status: 'firing',
      title: 'Deploy of storefront 2024.05.14-3 finished',
      severity: 'info',
      service: 'storefront',
      environment: 'prod',
    });
    expect(alert?.labels.alert_transition).toBeUndefined();
    expect(alert?.fingerprint).toMatch(/^datadog:sha256:/);
  });

  it.each([
    ['P1', 'critical'],
    ['P2', 'high'],
    ['P3', 'warning'],
    ['P4', 'info'],
    ['P5', 'info'],
  ])('maps priority %s to %s', (priority, severity) => {
    const body = fixture('datadog-recommended-warn.json');
    body.priority = priority;
    expect(parseDatadog(body, context).alerts[0]?.severity).toBe(severity);
  });

  it('names alert_title when neither title is usable', () => {
    const body = fixture('datadog-recommended-triggered.json');
    body.alert_title = '';
    body.title = '$EVENT_TITLE';
    expect(() => parseDatadog(body, context)).toThrow('alert_title is required');
  });
});
