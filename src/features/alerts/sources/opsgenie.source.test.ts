import { describe, expect, it } from 'vitest';
import { loadAlertFixture } from '../../../../test/fixtures/alerts/load-fixture.js';
import { ValidationFailed } from '../../../platform/errors.js';
import { parseOpsgenie } from './opsgenie.source.js';

const receivedAt = new Date('2024-05-14T12:30:00.000Z');
const context = { receivedAt };

function fixture(name: string): Record<string, unknown> & { alert: Record<string, unknown> } {
  return structuredClone(loadAlertFixture(name)) as Record<string, unknown> & { alert: Record<string, unknown> };
}

describe('parseOpsgenie', () => {
  it('normalises a Create action', () => {
    const { alerts, deliveryId } = parseOpsgenie(fixture('opsgenie-create.json'), context);
    expect(deliveryId).toBe('8e0c1f6d-3b2a-4f5e-9d8c-7b6a5f4e3d2c-1715678467210:Create:1715678467212000000');
    const [alert] = alerts;
    expect(alert).toMatchObject({
      source: 'opsgenie',
      externalId: '8e0c1f6d-3b2a-4f5e-9d8c-7b6a5f4e3d2c-1715678467210',
      fingerprint: 'opsgenie:checkout-payment-auth-failures',
      status: 'firing',
      title: 'Checkout payment authorisations failing',
      description: 'Payment provider returned 502 for 38% of authorisation calls in the last 5 minutes.',
      severity: 'critical',
      service: 'checkout-api',
      environment: 'production',
      endsAt: null,
      links: {},
      groupKey: null,
    });
    expect(alert?.startsAt.toISOString()).toBe('2024-05-14T09:21:07.210Z');
    expect(alert?.labels).toMatchObject({
      service: 'checkout',
      env: 'production',
      tags: 'service:checkout,env:production,team-payments',
      action: 'Create',
      tiny_id: '1842',
      priority: 'P1',
      integration_name: 'Aurora Webhook',
    });
    expect(alert?.annotations).toMatchObject({ region: 'eu-west-1', username: 'System' });
  });

  it('keeps Acknowledge and AddNote firing and resolves on Close with updatedAt (nanoseconds)', () => {
    expect(parseOpsgenie(fixture('opsgenie-acknowledge.json'), context).alerts[0]?.status).toBe('firing');
    const [noted] = parseOpsgenie(fixture('opsgenie-add-note.json'), context).alerts;
    expect(noted).toMatchObject({
      status: 'firing',
      annotations: { note: 'Provider confirmed an outage on their side.' },
    });
    const [closed] = parseOpsgenie(fixture('opsgenie-close.json'), context).alerts;
    expect(closed).toMatchObject({ status: 'resolved', fingerprint: 'opsgenie:checkout-payment-auth-failures' });
    expect(closed?.endsAt?.toISOString()).toBe('2024-05-14T09:50:05.873Z');
  });

  it('falls back to the alert id without an alias and to P3 without a priority', () => {
    const [alert] = parseOpsgenie(fixture('opsgenie-create-minimal.json'), context).alerts;
    expect(alert).toMatchObject({
      fingerprint: 'opsgenie:052652ac-5d1c-464a-812a-7dd18bbfba8c',
      title: 'test alert',
      severity: 'warning',
      service: null,
      environment: null,
    });
    expect(alert?.startsAt.toISOString()).toBe('2015-01-05T10:03:11.104Z');
  });

  it.each([
    ['P1', 'critical'],
    ['P2', 'high'],
    ['P3', 'warning'],
    ['P4', 'info'],
    ['P5', 'info'],
  ])('maps priority %s to %s', (priority, severity) => {
    const body = fixture('opsgenie-create.json');
    body.alert.priority = priority;
    expect(parseOpsgenie(body, context).alerts[0]?.severity).toBe(severity);
  });

  it('takes the service from tags, then details, when there is no entity', () => {
    const body = fixture('opsgenie-create.json');
    body.alert.entity = '';
    expect(parseOpsgenie(body, context).alerts[0]?.service).toBe('checkout');
    body.alert.tags = [];
    body.alert.details = { service: 'payments' };
    expect(parseOpsgenie(body, context).alerts[0]?.service).toBe('payments');
  });

  it('names the missing field', () => {
    const noAction = fixture('opsgenie-create.json');
    delete noAction.action;
    expect(() => parseOpsgenie(noAction, context)).toThrow(ValidationFailed);
    expect(() => parseOpsgenie(noAction, context)).toThrow('action is required');
    const noId = fixture('opsgenie-create.json');
    delete noId.alert.alertId;
    expect(() => parseOpsgenie(noId, context)).toThrow('alert.alertId is required');
    expect(() => parseOpsgenie({ action: 'Create' }, context)).toThrow('alert is required');
  });
});
