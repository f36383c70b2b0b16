import type { ParseContext, ParsedDelivery, Severity } from '../alert.model.js';
import { parseTimestamp, timestampOr } from './dates.js';
import { nativeFingerprint } from './fingerprint.js';
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
  safeUrl,
} from './normalize.js';
import { severityFromPriority } from './severity.js';

/**
 * PagerDuty v3 webhook subscriptions: one `{event: {id, event_type, resource_type, occurred_at, agent, client,
 * data}}` per request. https://developer.pagerduty.com/docs/webhooks/v3-overview/
 *
 * Only events whose `data.type` is `incident` (incident.triggered, acknowledged, unacknowledged, escalated,
 * reassigned, delegated, priority_updated, reopened, resolved) become alerts. Every other event (service.*,
 * incident.annotated notes, incident.responder.*, incident.status_update_published) parses to zero alerts, so the
 * webhook still answers 2xx and PagerDuty does not retry it.
 *
 * | field        | from                                                                      |
 * |--------------|---------------------------------------------------------------------------|
 * | title        | `data.title` → `data.summary` → "PagerDuty incident #{number}"            |
 * | status       | resolved for `incident.resolved` or `data.status: resolved`, else firing  |
 * | fingerprint  | `pagerduty:{data.id}` (the incident id, stable across its events)         |
 * | service      | `data.service.summary`                                                    |
 * | startsAt     | `data.created_at` → `event.occurred_at`; endsAt for resolved: `occurred_at` |
 * | links        | generator `data.html_url`                                                 |
 * | deliveryId   | `event.id`                                                                |
 *
 * Severity: the priority name when it is one (`P1`… or a word such as `SEV-1`, `Critical`), else the urgency.
 * | input                              | severity |
 * |------------------------------------|----------|
 * | priority P1 / P2 / P3 / P4, P5     | critical / high / warning / info |
 * | no priority, urgency high          | high     |
 * | no priority, urgency low           | warning  |
 * | neither                            | high     |
 */
export function parsePagerDuty(body: unknown, context: ParseContext): ParsedDelivery {
  const payload = requireRecord(body, 'body');
  const event = requireRecord(payload.event, 'event');
  const eventType = cleanLine(event.event_type, 100);
  if (eventType === null) fail('event.event_type');
  const deliveryId = cleanLine(event.id, limits.identifier);
  if (!eventType.startsWith('incident.')) return { alerts: [], deliveryId };
  const data = requireRecord(event.data, 'event.data');
  if (cleanLine(data.type, 40) !== 'incident') return { alerts: [], deliveryId };

  const incidentId = cleanLine(data.id, limits.identifier);
  if (incidentId === null) fail('event.data.id');
  const number = cleanLine(data.number, 20);
  const status = eventType === 'incident.resolved' || cleanLine(data.status, 40) === 'resolved' ? 'resolved' : 'firing';
  const service = recordOrEmpty(data.service);
  const priority = cleanLine(recordOrEmpty(data.priority).summary, 40);
  const urgency = cleanLine(data.urgency, 20)?.toLowerCase() ?? null;
  const occurredAt = parseTimestamp(event.occurred_at);
  const teams = Array.isArray(data.teams)
    ? data.teams
        .slice(0, 20)
        .map((team) => (isRecord(team) ? cleanLine(team.summary, 100) : null))
        .filter((team): team is string => team !== null)
    : [];

  const labels: Record<string, string> = {};
  const optionalLabels: Record<string, string | null> = {
    event_type: eventType,
    incident_number: number,
    incident_status: cleanLine(data.status, 40),
    incident_key: cleanLine(data.incident_key, limits.labelValue),
    urgency,
    priority,
    service_id: cleanLine(service.id, limits.identifier),
    escalation_policy: cleanLine(recordOrEmpty(data.escalation_policy).summary, limits.labelValue),
    teams: teams.length === 0 ? null : teams.join(',').slice(0, limits.labelValue),
  };
  for (const [key, value] of Object.entries(optionalLabels)) {
    if (value !== null) labels[key] = value;
  }
  const annotations: Record<string, string> = {};
  const agent = cleanLine(recordOrEmpty(event.agent).summary, limits.labelValue);
  if (agent !== null) annotations.agent = agent;
  const resolveReason = cleanText(data.resolve_reason, limits.annotationValue);
  if (resolveReason !== null) annotations.resolve_reason = resolveReason;

  return {
    alerts: [
      {
        source: 'pagerduty',
        externalId: incidentId,
        fingerprint: nativeFingerprint('pagerduty', incidentId),
        status,
        title:
          firstOf(cleanLine(data.title, limits.title), cleanLine(data.summary, limits.title)) ??
          `PagerDuty incident #${number ?? incidentId}`,
        description: firstOf(
          cleanText(data.description, limits.description),
          cleanText(recordOrEmpty(data.body).details, limits.description),
        ),
        severity: severityOf(priority, urgency),
        service: cleanLine(service.summary, limits.identifier),
        environment: null,
        labels,
        annotations,
        startsAt: timestampOr(data.created_at, occurredAt ?? context.receivedAt),
        endsAt: status === 'resolved' ? (occurredAt ?? new Date(context.receivedAt.getTime())) : null,
        links: compactLinks({ generator: safeUrl(data.html_url) }),
        groupKey: null,
      },
    ],
    deliveryId,
  };
}

function severityOf(priority: string | null, urgency: string | null): Severity {
  const fromPriority = severityFromPriority(priority);
  if (fromPriority !== null) return fromPriority;
  if (urgency === 'low') return 'warning';
  return 'high';
}
