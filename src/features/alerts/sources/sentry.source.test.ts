import { describe, expect, it } from 'vitest';
import { loadAlertFixture } from '../../../../test/fixtures/alerts/load-fixture.js';
import { ValidationFailed } from '../../../platform/errors.js';
import { parseSentry } from './sentry.source.js';

const receivedAt = new Date('2024-05-14T12:30:00.000Z');
const context = { receivedAt };

type Body = Record<string, unknown> & { data: Record<string, Record<string, unknown>> };

function fixture(name: string): Body {
  return structuredClone(loadAlertFixture(name)) as Body;
}

describe('parseSentry: issue alerts (event_alert)', () => {
  it('normalises a triggered issue alert, detected from the body', () => {
    const { alerts, deliveryId } = parseSentry(fixture('sentry-event-alert.json'), context);
    expect(deliveryId).toBe('e4874d664c3540c1a32eab185f12c5ab:Checkout errors in production');
    const [alert] = alerts;
    expect(alert).toMatchObject({
      source: 'sentry',
      externalId: '4817203351',
      fingerprint: 'sentry:issue:4817203351',
      status: 'firing',
      title: 'TypeError: cart.items is undefined',
      description: null,
      severity: 'high',
      service: 'storefront-web',
      environment: 'production',
      endsAt: null,
      groupKey: null,
      links: {
        generator: 'https://sentry.io/organizations/acme/issues/4817203351/events/e4874d664c3540c1a32eab185f12c5ab/',
      },
    });
    expect(alert?.startsAt.toISOString()).toBe('2024-05-14T09:23:11.512Z');
    expect(alert?.labels).toMatchObject({
      browser: 'Chrome 124.0.6367',
      environment: 'production',
      release: 'storefront@2024.05.14-3',
      triggered_rule: 'Checkout errors in production',
      project: 'storefront-web',
    });
    expect(alert?.annotations.culprit).toBe('handleCheckoutSubmit(app/checkout/form)');
  });

  it('gives an issue alert and the issue webhook for the same issue one fingerprint', () => {
    const event = fixture('sentry-event-alert.json');
    event.data.event!.issue_id = '1170820242';
    const fromAlert = parseSentry(event, context).alerts[0]?.fingerprint;
    const fromIssue = parseSentry(fixture('sentry-issue-created.json'), context).alerts[0]?.fingerprint;
    expect(fromAlert).toBe('sentry:issue:1170820242');
    expect(fromIssue).toBe(fromAlert);
  });
});

describe('parseSentry: issues', () => {
  it('normalises issue.created', () => {
    const [alert] = parseSentry(fixture('sentry-issue-created.json'), { ...context, hookResource: 'issue' }).alerts;
    expect(alert).toMatchObject({
      externalId: '1170820242',
      fingerprint: 'sentry:issue:1170820242',
      status: 'firing',
      title: 'ReferenceError: blooopy is not defined',
      severity: 'high',
      service: 'front-end',
      environment: null,
      endsAt: null,
      links: { generator: 'https://sentry.io/organizations/acme/issues/1170820242/' },
    });
    expect(alert?.labels).toMatchObject({ short_id: 'FRONT-END-9', substatus: 'escalating', action: 'created' });
    expect(alert?.startsAt.toISOString()).toBe('2019-08-19T20:58:37.391Z');
  });

  it('resolves on resolved and ignored, with the level mapped', () => {
    const [resolved] = parseSentry(fixture('sentry-issue-resolved.json'), context).alerts;
    expect(resolved).toMatchObject({ status: 'resolved', severity: 'critical' });
    expect(resolved?.endsAt?.toISOString()).toBe(receivedAt.toISOString());
    const [ignored] = parseSentry(fixture('sentry-issue-ignored.json'), context).alerts;
    expect(ignored).toMatchObject({ status: 'resolved', severity: 'warning' });
  });

  it('takes the status of an assigned issue from the issue itself', () => {
    const assigned = fixture('sentry-issue-created.json');
    assigned.action = 'assigned';
    expect(parseSentry(assigned, context).alerts[0]?.status).toBe('firing');
    assigned.data.issue!.status = 'resolved';
    expect(parseSentry(assigned, context).alerts[0]?.status).toBe('resolved');
  });
});

describe('parseSentry: metric alerts', () => {
  it('normalises a critical metric alert and its resolution', () => {
    const [critical] = parseSentry(fixture('sentry-metric-alert-critical.json'), {
      ...context,
      hookResource: 'metric_alert',
    }).alerts;
    expect(critical).toMatchObject({
      externalId: '4',
      fingerprint: 'sentry:metric_alert:4',
      status: 'firing',
      title: 'Too many errors',
      description: '1432 events in the last 10 minutes\nFilter: level:error',
      severity: 'critical',
      service: 'bar',
      environment: 'production',
      groupKey: 'sentry:alert_rule:7',
      links: { generator: 'https://sentry.io/organizations/baz/alerts/1/' },
    });
    expect(critical?.startsAt.toISOString()).toBe('2020-09-13T12:26:40.000Z');
    const [resolved] = parseSentry(fixture('sentry-metric-alert-resolved.json'), context).alerts;
    expect(resolved).toMatchObject({
      status: 'resolved',
      fingerprint: 'sentry:metric_alert:4',
      title: 'Too many errors',
    });
    expect(resolved?.endsAt?.toISOString()).toBe(receivedAt.toISOString());
  });

  it('maps warning to warning', () => {
    const body = fixture('sentry-metric-alert-critical.json');
    body.action = 'warning';
    expect(parseSentry(body, context).alerts[0]).toMatchObject({ severity: 'warning', status: 'firing' });
  });
});

describe('parseSentry: resources and errors', () => {
  it('returns zero alerts for resources that are not alerts', () => {
    expect(
      parseSentry({ action: 'created', data: { installation: {} } }, { ...context, hookResource: 'installation' }),
    ).toEqual({
      alerts: [],
      deliveryId: null,
    });
    expect(parseSentry(fixture('sentry-issue-created.json'), { ...context, hookResource: 'comment' }).alerts).toEqual(
      [],
    );
  });

  it('rejects a header that names a different resource than the body holds', () => {
    expect(() =>
      parseSentry(fixture('sentry-issue-created.json'), { ...context, hookResource: 'event_alert' }),
    ).toThrow('data.event is required');
  });

  it('names the missing field', () => {
    expect(() => parseSentry({ action: 'created' }, context)).toThrow(ValidationFailed);
    expect(() => parseSentry({ action: 'created' }, context)).toThrow('data is required');
    expect(() => parseSentry({ action: 'created', data: {} }, context)).toThrow(
      'data.issue, data.event or data.metric_alert is required',
    );
    const noId = fixture('sentry-issue-created.json');
    delete noId.data.issue!.id;
    expect(() => parseSentry(noId, context)).toThrow('data.issue.id is required');
    const noAction = fixture('sentry-issue-created.json');
    delete noAction.action;
    expect(() => parseSentry(noAction, context)).toThrow('action is required');
  });
});
