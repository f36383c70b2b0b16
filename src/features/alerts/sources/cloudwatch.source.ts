import type { AlertStatus, ParseContext, ParsedDelivery, Severity } from '../alert.model.js';
import { isSnsHostUrl } from '../webhook-verification/sns-hosts.js';
import { parseTimestamp, timestampOr } from './dates.js';
import { fingerprintFrom } from './fingerprint.js';
import {
  cleanLine,
  cleanText,
  compactLinks,
  fail,
  firstOf,
  isRecord,
  limits,
  recordOrEmpty,
  requireRecord,
  scalarText,
} from './normalize.js';
import { environmentFromName, serviceFromDimensions } from './service.js';
import { severityFromPriority, severityFromWord } from './severity.js';

/**
 * CloudWatch alarm state changes delivered by an SNS HTTPS subscription. The SNS envelope
 * (https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html) carries the alarm as a JSON string in
 * `Message`: `{AlarmName, AlarmDescription, AWSAccountId, NewStateValue, NewStateReason, StateChangeTime, Region,
 * AlarmArn, OldStateValue, Trigger: {MetricName, Namespace, Statistic, Dimensions: [{name, value}], …}}`
 * (metric-math alarms put dimensions under `Trigger.Metrics[].MetricStat.Metric.Dimensions`).
 *
 * - `SubscriptionConfirmation` → zero alerts and `subscriptionConfirmation` (its SubscribeURL must be an
 *   `https://sns.<region>.amazonaws.com[.cn]/` URL, since the caller will fetch it); `UnsubscribeConfirmation` →
 *   zero alerts. The SNS signature is checked by webhook-verification, not here.
 *
 * | field        | from                                                                                  |
 * |--------------|---------------------------------------------------------------------------------------|
 * | status       | NewStateValue ALARM or INSUFFICIENT_DATA → firing; OK → resolved                      |
 * | title        | `AlarmName`                                                                           |
 * | description  | `AlarmDescription` → `NewStateReason`                                                 |
 * | fingerprint  | `cloudwatch:{AlarmArn}`; without it, the hash of AWSAccountId, Region and AlarmName   |
 * | service      | the first metric dimension in `dimensionServiceOrder` (service.ts): ServiceName,      |
 * |              | FunctionName, DBInstanceIdentifier, DBClusterIdentifier, LoadBalancer, TargetGroup,   |
 * |              | ClusterName, AutoScalingGroupName, QueueName, TableName, BucketName, ApiName,         |
 * |              | TopicName, StateMachineArn, InstanceId                                                |
 * | environment  | an environment word in the alarm name (`prod-api-5xx` → `prod`)                       |
 * | startsAt     | `StateChangeTime` → envelope `Timestamp`; endsAt for OK: `StateChangeTime`            |
 * | links        | generator: the alarm in the CloudWatch console (region from the ARN)                 |
 * | deliveryId   | envelope `MessageId` (SNS reuses it on retries)                                       |
 *
 * Severity. SNS carries no alarm tags, so a hint in AlarmDescription or AlarmName wins: `severity: critical`,
 * `severity=p2`, `sev:1`, `priority: P3`, or a bracketed `[critical]`, `[warning]`, `[P2]`, `[SEV1]`
 * (words per severity.ts). Without a hint:
 * | NewStateValue          | severity |
 * |------------------------|----------|
 * | ALARM, OK              | high     |
 * | INSUFFICIENT_DATA      | warning  |
 */

const severityHint = /\b(?:severity|sev|priority)\s*[:=]\s*([A-Za-z0-9-]{1,20})/i;
const bracketHint = /\[(critical|crit|high|error|major|warning|warn|info|low|p[0-5]|sev-?[0-5])\]/i;
const alarmStates = new Set(['ALARM', 'OK', 'INSUFFICIENT_DATA']);

export function parseCloudWatch(body: unknown, context: ParseContext): ParsedDelivery {
  const envelope = requireRecord(body, 'body');
  const type = cleanLine(envelope.Type, 40);
  if (type === null) fail('Type');
  const messageId = cleanLine(envelope.MessageId, limits.identifier);

  if (type === 'SubscriptionConfirmation') {
    const subscribeUrl = scalarText(envelope.SubscribeURL);
    if (subscribeUrl === undefined) fail('SubscribeURL');
    if (!isSnsHostUrl(subscribeUrl)) fail('SubscribeURL', 'must be an https://sns.<region>.amazonaws.com URL');
    const topicArn = cleanLine(envelope.TopicArn, limits.groupKey);
    if (topicArn === null) fail('TopicArn');
    return { alerts: [], deliveryId: messageId, subscriptionConfirmation: { subscribeUrl, topicArn } };
  }
  if (type === 'UnsubscribeConfirmation') return { alerts: [], deliveryId: messageId };
  if (type !== 'Notification')
    fail('Type', 'must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation');

  const messageText = scalarText(envelope.Message);
  if (messageText === undefined) fail('Message');
  let message: unknown;
  try {
    message = JSON.parse(messageText);
  } catch {
    fail('Message', 'must be a CloudWatch alarm JSON document');
  }
  const alarm = requireRecord(message, 'Message');
  const alarmName = cleanLine(alarm.AlarmName, limits.title);
  if (alarmName === null) fail('Message.AlarmName');
  const state = cleanLine(alarm.NewStateValue, 40)?.toUpperCase() ?? null;
  if (state === null) fail('Message.NewStateValue');
  if (!alarmStates.has(state)) fail('Message.NewStateValue', 'must be ALARM, OK or INSUFFICIENT_DATA');

  const status: AlertStatus = state === 'OK' ? 'resolved' : 'firing';
  const trigger = recordOrEmpty(alarm.Trigger);
  const dimensions = readDimensions(trigger);
  const alarmArn = cleanLine(alarm.AlarmArn, limits.groupKey);
  const accountId = cleanLine(alarm.AWSAccountId, 40);
  const region = cleanLine(alarm.Region, 100);
  const description = cleanText(alarm.AlarmDescription, limits.description);
  const stateReason = cleanText(alarm.NewStateReason, limits.annotationValue);
  const changedAt = parseTimestamp(alarm.StateChangeTime);

  const labels: Record<string, string> = { ...dimensions };
  const optionalLabels: Record<string, string | null> = {
    alarm_name: alarmName,
    account_id: accountId,
    region,
    new_state: state,
    old_state: cleanLine(alarm.OldStateValue, 40),
    metric_name: cleanLine(trigger.MetricName, limits.labelValue),
    metric_namespace: cleanLine(trigger.Namespace, limits.labelValue),
    statistic: cleanLine(trigger.Statistic ?? trigger.ExtendedStatistic, limits.labelValue),
    comparison_operator: cleanLine(trigger.ComparisonOperator, limits.labelValue),
    threshold: cleanLine(trigger.Threshold, limits.labelValue),
    topic_arn: cleanLine(envelope.TopicArn, limits.labelValue),
  };
  for (const [key, value] of Object.entries(optionalLabels)) {
    if (value !== null) labels[key] = value;
  }
  const annotations: Record<string, string> = {};
  if (stateReason !== null) annotations.new_state_reason = stateReason;
  const subject = cleanText(envelope.Subject, limits.annotationValue);
  if (subject !== null) annotations.subject = subject;

  return {
    alerts: [
      {
        source: 'cloudwatch',
        externalId: alarmArn ?? alarmName,
        fingerprint: fingerprintFrom('cloudwatch', alarmArn, { accountId, region, alarmName }),
        status,
        title: alarmName,
        description: firstOf(description, stateReason),
        severity: severityOf(state, `${description ?? ''} ${alarmName}`),
        service: serviceFromDimensions(dimensions),
        environment: environmentFromName(alarmName),
        labels,
        annotations,
        startsAt: timestampOr(firstOf(changedAt, parseTimestamp(envelope.Timestamp)), context.receivedAt),
        endsAt: status === 'resolved' ? (changedAt ?? new Date(context.receivedAt.getTime())) : null,
        links: compactLinks({ generator: consoleUrl(alarmArn, alarmName) }),
        groupKey: null,
      },
    ],
    deliveryId: messageId,
  };
}

/** Dimensions of a single-metric alarm, or of every metric of a metric-math alarm (first value per name wins). */
function readDimensions(trigger: Record<string, unknown>): Record<string, string> {
  const lists: unknown[] = [trigger.Dimensions];
  if (Array.isArray(trigger.Metrics)) {
    for (const metric of trigger.Metrics.slice(0, 20)) {
      lists.push(recordOrEmpty(recordOrEmpty(recordOrEmpty(metric).MetricStat).Metric).Dimensions);
    }
  }
  const dimensions: Record<string, string> = {};
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list.slice(0, 30)) {
      if (!isRecord(item)) continue;
      const name = cleanLine(item.name ?? item.Name, limits.labelKey);
      const value = cleanLine(item.value ?? item.Value, limits.labelValue);
      if (name === null || value === null || name === '__proto__' || name in dimensions) continue;
      dimensions[name] = value;
    }
  }
  return dimensions;
}

function severityOf(state: string, hintText: string): Severity {
  const hint = severityHint.exec(hintText)?.[1] ?? bracketHint.exec(hintText)?.[1];
  const hinted = hint === undefined ? null : (severityFromPriority(hint) ?? severityFromWord(hint));
  if (hinted !== null) return hinted;
  return state === 'INSUFFICIENT_DATA' ? 'warning' : 'high';
}

/** `arn:aws:cloudwatch:us-east-1:123:alarm:Name` → the alarm's page in the console of its partition. */
function consoleUrl(alarmArn: string | null, alarmName: string): string | undefined {
  const match = alarmArn === null ? null : /^arn:(aws|aws-cn|aws-us-gov):cloudwatch:([a-z0-9-]{4,30}):/.exec(alarmArn);
  if (!match) return undefined;
  const [, partition, region] = match;
  const host =
    partition === 'aws-cn'
      ? 'console.amazonaws.cn'
      : partition === 'aws-us-gov'
        ? 'console.amazonaws-us-gov.com'
        : `${region}.console.aws.amazon.com`;
  return `https://${host}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}
