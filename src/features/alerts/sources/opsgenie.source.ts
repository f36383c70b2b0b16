import type { ParseContext, ParsedDelivery } from '../alert.model.js';
import { parseTimestamp, timestampOr } from './dates.js';
import { nativeFingerprint } from './fingerprint.js';
import {
  cleanLine,
  cleanText,
  fail,
  firstOf,
  limits,
  readTags,
  recordOrEmpty,
  requireRecord,
  tagsToRecord,
  toStringRecord,
} from './normalize.js';
import { environmentFromTags, serviceFromTags } from './service.js';
import { severityFromPriority } from './severity.js';

/**
 * Opsgenie Webhook integration alert actions: `{action, alert: {alertId, message, tags[], tinyId, entity, alias,
 * createdAt (epoch ms), updatedAt (epoch ns), username, userId, description?, priority?, details?, source},
 * source: {name, type}, integrationId, integrationName}`. Description and details are only sent for Create and
 * custom actions (and truncated to 1000 characters by Opsgenie).
 * https://support.atlassian.com/opsgenie/docs/opsgenie-edge-connector-alert-action-data/
 *
 * | field        | from                                                                              |
 * |--------------|-----------------------------------------------------------------------------------|
 * | status       | resolved for `Close` and `Delete`; every other action (Create, Acknowledge,      |
 * |              | AddNote, Escalate, …) keeps the alert firing                                      |
 * | title        | `alert.message` → `alert.alias` → "Opsgenie alert {tinyId}"                       |
 * | fingerprint  | `opsgenie:{alert.alias}` → `opsgenie:{alert.alertId}`                             |
 * | service      | `alert.entity` → `service:` tag → `details.service`                               |
 * | environment  | `details.environment`/`details.env` → `env:`/`environment:` tag                  |
 * | startsAt     | `alert.createdAt`; endsAt for resolved: `alert.updatedAt` → received time         |
 * | deliveryId   | `{alertId}:{action}:{updatedAt}` when updatedAt is present (each action bumps it) |
 *
 * Severity from `alert.priority`:
 * | priority | P1       | P2   | P3 (Opsgenie's default, also when missing) | P4, P5 |
 * | severity | critical | high | warning                                    | info   |
 */
export function parseOpsgenie(body: unknown, context: ParseContext): ParsedDelivery {
  const payload = requireRecord(body, 'body');
  const action = cleanLine(payload.action, 100);
  if (action === null) fail('action');
  const alert = requireRecord(payload.alert, 'alert');
  const alertId = cleanLine(alert.alertId, limits.identifier);
  if (alertId === null) fail('alert.alertId');

  const alias = cleanLine(alert.alias, 1_024);
  const tinyId = cleanLine(alert.tinyId, 40);
  const tagList = readTags(alert.tags);
  const tags = tagsToRecord(tagList);
  const details = toStringRecord(alert.details, 'annotations');
  const status = /^(close|delete)$/i.test(action) ? 'resolved' : 'firing';
  const priority = cleanLine(alert.priority, 10);
  const source = recordOrEmpty(payload.source);

  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (value !== '') labels[key] = value;
  }
  const optionalLabels: Record<string, string | null> = {
    tags: tagList.length === 0 ? null : tagList.join(',').slice(0, limits.labelValue),
    action,
    tiny_id: tinyId,
    entity: cleanLine(alert.entity, limits.labelValue),
    priority,
    alert_source: cleanLine(alert.source, limits.labelValue),
    integration_name: cleanLine(payload.integrationName, limits.labelValue),
    action_source: cleanLine(source.type, limits.labelValue),
  };
  for (const [key, value] of Object.entries(optionalLabels)) {
    if (value !== null) labels[key] = value;
  }
  const annotations: Record<string, string> = { ...details };
  const username = cleanLine(alert.username, limits.labelValue);
  if (username !== null) annotations.username = username;
  const note = cleanText(alert.note, limits.annotationValue);
  if (note !== null) annotations.note = note;

  const updatedAt = parseTimestamp(alert.updatedAt);
  const updatedAtText = cleanLine(alert.updatedAt, 40);
  return {
    alerts: [
      {
        source: 'opsgenie',
        externalId: alertId,
        fingerprint: nativeFingerprint('opsgenie', alias ?? alertId),
        status,
        title:
          firstOf(cleanLine(alert.message, limits.title), cleanLine(alias, limits.title)) ??
          `Opsgenie alert ${tinyId ?? alertId}`,
        description: cleanText(alert.description, limits.description),
        severity: severityFromPriority(priority) ?? 'warning',
        service: firstOf(
          cleanLine(alert.entity, limits.identifier),
          serviceFromTags(tags),
          cleanLine(details.service, limits.identifier),
        ),
        environment: firstOf(
          cleanLine(details.environment, limits.identifier),
          cleanLine(details.env, limits.identifier),
          environmentFromTags(tags),
        ),
        labels,
        annotations,
        startsAt: timestampOr(alert.createdAt, context.receivedAt),
        endsAt: status === 'resolved' ? (updatedAt ?? new Date(context.receivedAt.getTime())) : null,
        links: {},
        groupKey: null,
      },
    ],
    deliveryId: updatedAtText === null ? null : `${alertId}:${action}:${updatedAtText}`.slice(0, 512),
  };
}
