import { describe, expect, it } from 'vitest';
import { loadAlertFixture } from '../../../../test/fixtures/alerts/load-fixture.js';
import { ValidationFailed } from '../../../platform/errors.js';
import { parseCloudWatch } from './cloudwatch.source.js';

const receivedAt = new Date('2024-05-14T12:30:00.000Z');
const context = { receivedAt };

function fixture(name: string): Record<string, unknown> {
  return structuredClone(loadAlertFixture(name)) as Record<string, unknown>;
}

function withAlarm(name: string, change: (alarm: Record<string, unknown>) => void): Record<string, unknown> {
  const envelope = fixture(name);
  const alarm = JSON.parse(envelope.Message as string) as Record<string, unknown>;
  change(alarm);
  envelope.Message = JSON.stringify(alarm);
  return envelope;
}

describe('parseCloudWatch', () => {
  it('normalises an ALARM notification', () => {
    const { alerts, deliveryId, subscriptionConfirmation } = parseCloudWatch(fixture('cloudwatch-alarm.json'), context);
    expect(deliveryId).toBe('4d9a6f4e-6b37-5a7c-9f0e-2d1c8b7a6e51');
    expect(subscriptionConfirmation).toBeUndefined();
    const [alert] = alerts;
    expect(alert).toMatchObject({
      source: 'cloudwatch',
      externalId: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-api-high-cpu',
      fingerprint: 'cloudwatch:arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-api-high-cpu',
      status: 'firing',
      title: 'checkout-api-high-cpu',
      description: 'CPU above 80% on the checkout API host for 10 minutes.',
      severity: 'high',
      service: 'i-0a1b2c3d4e5f67890',
      environment: null,
      endsAt: null,
      groupKey: null,
      links: {
        generator:
          'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/checkout-api-high-cpu',
      },
    });
    expect(alert?.startsAt.toISOString()).toBe('2024-05-14T09:20:41.734Z');
    expect(alert?.labels).toMatchObject({
      InstanceId: 'i-0a1b2c3d4e5f67890',
      metric_name: 'CPUUtilization',
      metric_namespace: 'AWS/EC2',
      new_state: 'ALARM',
      old_state: 'OK',
      account_id: '123456789012',
      threshold: '80',
    });
    expect(alert?.annotations.new_state_reason).toMatch(/^Threshold Crossed: 2 out of the last 2 datapoints/);
  });

  it('resolves on OK and honours a severity hint in the description', () => {
    const [alert] = parseCloudWatch(fixture('cloudwatch-ok.json'), context).alerts;
    expect(alert).toMatchObject({
      status: 'resolved',
      severity: 'critical',
      service: 'orders-processor',
      environment: 'prod',
      fingerprint: 'cloudwatch:arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-orders-lambda-errors',
    });
    expect(alert?.endsAt?.toISOString()).toBe('2024-05-14T10:02:13.002Z');
  });

  it('keeps INSUFFICIENT_DATA firing at warning, without a Subject', () => {
    const [alert] = parseCloudWatch(fixture('cloudwatch-insufficient-data.json'), context).alerts;
    expect(alert).toMatchObject({
      status: 'firing',
      severity: 'warning',
      service: 'orders-db-staging',
      environment: 'staging',
      description: 'Insufficient Data: 1 datapoint was unknown.',
    });
    expect(alert?.annotations.subject).toBeUndefined();
  });

  it('reads metric-math dimensions and a bracketed [P2] hint', () => {
    const [alert] = parseCloudWatch(fixture('cloudwatch-metric-math.json'), context).alerts;
    expect(alert).toMatchObject({ service: 'storefront', severity: 'high', title: 'storefront-p99-latency' });
    expect(alert?.labels).toMatchObject({ ServiceName: 'storefront', ClusterName: 'shop-prod' });
  });

  it.each([
    ['severity=warning', 'warning'],
    ['sev: 1', 'critical'],
    ['[info] nightly batch', 'info'],
    ['Priority: P4', 'info'],
    ['nothing here', 'high'],
  ])('reads the hint %j as %s', (description, severity) => {
    const envelope = withAlarm('cloudwatch-alarm.json', (alarm) => {
      alarm.AlarmDescription = description;
    });
    expect(parseCloudWatch(envelope, context).alerts[0]?.severity).toBe(severity);
  });

  it('hashes account, region and name when the alarm ARN is missing', () => {
    const envelope = withAlarm('cloudwatch-alarm.json', (alarm) => {
      delete alarm.AlarmArn;
    });
    const [alert] = parseCloudWatch(envelope, context).alerts;
    expect(alert?.fingerprint).toMatch(/^cloudwatch:sha256:[0-9a-f]{64}$/);
    expect(alert?.externalId).toBe('checkout-api-high-cpu');
    expect(alert?.links).toEqual({});
  });

  it('returns the subscription to confirm, and nothing for an unsubscribe confirmation', () => {
    const confirmation = parseCloudWatch(fixture('cloudwatch-subscription-confirmation.json'), context);
    expect(confirmation.alerts).toEqual([]);
    expect(confirmation.deliveryId).toBe('165545c9-2a5c-472c-8df2-7ff2be2b3b1b');
    expect(confirmation.subscriptionConfirmation).toEqual({
      subscribeUrl: expect.stringMatching(/^https:\/\/sns\.us-east-1\.amazonaws\.com\/\?Action=ConfirmSubscription&/),
      topicArn: 'arn:aws:sns:us-east-1:123456789012:aurora-alarms',
    });
    expect(parseCloudWatch(fixture('cloudwatch-unsubscribe-confirmation.json'), context)).toEqual({
      alerts: [],
      deliveryId: '47138184-6831-46b8-8f7c-afc488602d7d',
    });
  });

  it.each([
    'http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
    'https://sns.us-east-1.amazonaws.com.evil.example/?Action=ConfirmSubscription',
    'https://evil.example/?Action=ConfirmSubscription',
    'https://user:pass@sns.us-east-1.amazonaws.com/',
    'https://sns.us-east-1.amazonaws.com:8443/',
    'https://s3.amazonaws.com/bucket/confirm',
  ])('refuses to hand back a SubscribeURL outside SNS: %s', (url) => {
    const body = fixture('cloudwatch-subscription-confirmation.json');
    body.SubscribeURL = url;
    expect(() => parseCloudWatch(body, context)).toThrow(
      'SubscribeURL must be an https://sns.<region>.amazonaws.com URL',
    );
  });

  it('names the missing or malformed field', () => {
    expect(() => parseCloudWatch({}, context)).toThrow(ValidationFailed);
    expect(() => parseCloudWatch({}, context)).toThrow('Type is required');
    expect(() => parseCloudWatch({ ...fixture('cloudwatch-alarm.json'), Type: 'Other' }, context)).toThrow(
      'Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation',
    );
    expect(() => parseCloudWatch({ ...fixture('cloudwatch-alarm.json'), Message: '{not json' }, context)).toThrow(
      'Message must be a CloudWatch alarm JSON document',
    );
    const noName = withAlarm('cloudwatch-alarm.json', (alarm) => {
      delete alarm.AlarmName;
    });
    expect(() => parseCloudWatch(noName, context)).toThrow('Message.AlarmName is required');
    const badState = withAlarm('cloudwatch-alarm.json', (alarm) => {
      alarm.NewStateValue = 'MAYBE';
    });
    expect(() => parseCloudWatch(badState, context)).toThrow(
      'Message.NewStateValue must be ALARM, OK or INSUFFICIENT_DATA',
    );
  });
});
