import { describe, expect, it } from 'vitest';
import { loadAlertFixture } from '../../../../test/fixtures/alerts/load-fixture.js';
import { ValidationFailed } from '../../../platform/errors.js';
import { parsePagerDuty } from './pagerduty.source.js';

const receivedAt = new Date('2024-05-14T12:30:00.000Z');
const context = { receivedAt };

function fixture(name: string): { event: Record<string, unknown> & { data: Record<string, unknown> } } {
  return structuredClone(loadAlertFixture(name)) as {
    event: Record<string, unknown> & { data: Record<string, unknown> };
  };
}

describe('parsePagerDuty', () => {
  it('normalises incident.triggered', () => {
    const { alerts, deliveryId } = parsePagerDuty(fixture('pagerduty-incident-triggered.json'), context);
    expect(deliveryId).toBe('01EWRHWZ8KQ2B0G7JX4V4Y8N3T');
    const [alert] = alerts;
    expect(alert).toMatchObject({
      source: 'pagerduty',
      externalId: 'Q2K9HXGJ1S7MPE',
      fingerprint: 'pagerduty:Q2K9HXGJ1S7MPE',
      status: 'firing',
      title: 'Checkout API error rate above 5%',
      severity: 'critical',
      service: 'Checkout API',
      environment: null,
      endsAt: null,
      groupKey: null,
      links: { generator: 'https://acme.pagerduty.com/incidents/Q2K9HXGJ1S7MPE' },
    });
    expect(alert?.startsAt.toISOString()).toBe('2024-05-14T09:21:30.000Z');
    expect(alert?.labels).toMatchObject({
      event_type: 'incident.triggered',
      incident_number: '4521',
      urgency: 'high',
      priority: 'P1',
      incident_key: 'checkout-high-error-rate',
      escalation_policy: 'Payments on-call',
      teams: 'Payments',
    });
  });

  it('keeps an acknowledged incident firing and resolves on incident.resolved', () => {
    const [acknowledged] = parsePagerDuty(fixture('pagerduty-incident-acknowledged.json'), context).alerts;
    expect(acknowledged).toMatchObject({ status: 'firing', fingerprint: 'pagerduty:Q2K9HXGJ1S7MPE' });
    const [resolved] = parsePagerDuty(fixture('pagerduty-incident-resolved.json'), context).alerts;
    expect(resolved).toMatchObject({ status: 'resolved', fingerprint: 'pagerduty:Q2K9HXGJ1S7MPE' });
    expect(resolved?.endsAt?.toISOString()).toBe('2024-05-14T09:49:11.903Z');
  });

  it('maps priority first, then urgency', () => {
    expect(parsePagerDuty(fixture('pagerduty-incident-priority-updated.json'), context).alerts[0]?.severity).toBe(
      'warning',
    );
    const [low] = parsePagerDuty(fixture('pagerduty-incident-low-urgency.json'), context).alerts;
    expect(low).toMatchObject({ severity: 'warning', service: 'Reporting', title: 'Nightly revenue report is late' });
    const highNoPriority = fixture('pagerduty-incident-triggered.json');
    highNoPriority.event.data.priority = null;
    expect(parsePagerDuty(highNoPriority, context).alerts[0]?.severity).toBe('high');
  });

  it('turns non-incident events into zero alerts', () => {
    expect(parsePagerDuty(fixture('pagerduty-service-updated.json'), context)).toEqual({
      alerts: [],
      deliveryId: '01BRB6ZP4M6T8ZG4X6BP63ZB9O',
    });
    expect(parsePagerDuty(fixture('pagerduty-incident-annotated.json'), context)).toEqual({
      alerts: [],
      deliveryId: '01EWRK2B4H7C9D0E1F2G3H4J5K',
    });
  });

  it('names the missing field', () => {
    expect(() => parsePagerDuty({}, context)).toThrow(ValidationFailed);
    expect(() => parsePagerDuty({}, context)).toThrow('event is required');
    const noType = fixture('pagerduty-incident-triggered.json');
    delete noType.event.event_type;
    expect(() => parsePagerDuty(noType, context)).toThrow('event.event_type is required');
    const noData = fixture('pagerduty-incident-triggered.json');
    delete (noData.event as Record<string, unknown>).data;
    expect(() => parsePagerDuty(noData, context)).toThrow('event.data is required');
    const noId = fixture('pagerduty-incident-triggered.json');
    delete noId.event.data.id;
    expect(() => parsePagerDuty(noId, context)).toThrow('event.data.id is required');
  });
});
