import type { AlertStatus, ParseContext, ParsedDelivery, Severity } from '../alert.model.js';
import { parseTimestamp, timestampOr } from './dates.js';
import { hashedFingerprint, nativeFingerprint } from './fingerprint.js';
import {
  cleanText,
  compactLinks,
  fail,
  firstOf,
  limits,
  readTags,
  recordOrEmpty,
  requireRecord,
  safeUrl,
  tagsToRecord,
  templateValue,
} from './normalize.js';
import { environmentFromTags, serviceFromTags } from './service.js';
import { severityFromPriority } from './severity.js';

/**
 * Datadog Webhooks integration. https://docs.datadoghq.com/integrations/webhooks/
 *
 * Two payloads are accepted, told apart by the presence of `alert_id` or `alert_transition`:
 *
 * 1. The default payload, which carries no monitor id or transition of its own:
 *    `{"body":"$EVENT_MSG","last_updated":"$LAST_UPDATED","event_type":"$EVENT_TYPE","title":"$EVENT_TITLE",
 *      "date":"$DATE","org":{"id":"$ORG_ID","name":"$ORG_NAME"},"id":"$ID"}`
 *    The transition, priority and group come from the title prefix (`[P1] [Triggered on {host:web-1}] CPU high`),
 *    the monitor id from the monitor link inside `$EVENT_MSG` (`…/monitors/1234` or `…/monitors#1234`).
 * 2. Aurora's recommended payload (paste into the webhook's Payload field; documented in
 *    test/fixtures/alerts/README.md):
 *    {
 *      "id": "$ID", "alert_id": "$ALERT_ID", "alert_cycle_key": "$ALERT_CYCLE_KEY", "aggregate": "$AGGREG_KEY",
 *      "group": "$ALERT_SCOPE", "alert_title": "$ALERT_TITLE", "alert_transition": "$ALERT_TRANSITION",
 *      "alert_type": "$ALERT_TYPE", "alert_status": "$ALERT_STATUS", "alert_metric": "$ALERT_METRIC",
 *      "alert_query": "$ALERT_QUERY", "priority": "$ALERT_PRIORITY", "event_type": "$EVENT_TYPE",
 *      "title": "$EVENT_TITLE", "body": "$EVENT_MSG", "tags": "$TAGS", "hostname": "$HOSTNAME", "link": "$LINK",
 *      "snapshot": "$SNAPSHOT", "date": "$DATE", "last_updated": "$LAST_UPDATED",
 *      "org": {"id": "$ORG_ID", "name": "$ORG_NAME"}
 *    }
 *
 * | field        | from                                                                                       |
 * |--------------|--------------------------------------------------------------------------------------------|
 * | title        | `alert_title` → `title`, without the `[P1] [Triggered on {…}]` prefixes                    |
 * | status       | `resolved` when the transition is `Recovered` (or `alert_type` is `success`), else firing  |
 * | fingerprint  | `datadog:monitor:{monitor id}[:{group}]`, group = `$ALERT_SCOPE` tags sorted; without a    |
 * |              | monitor id, the hash of the stripped title, the group and `org.id`                         |
 * | service/env  | `service:` / `env:` (or `environment:`) tags                                               |
 * | startsAt     | `date` (epoch ms); endsAt for resolved: `last_updated` → `date` → received time            |
 * | links        | generator: `link` → the monitor link found in `body`                                       |
 * | groupKey     | `datadog:monitor:{monitor id}`, so every group of one multi-alert monitor correlates       |
 * | deliveryId   | `id` (`$ID`, unique per notification)                                                      |
 *
 * Severity, first rule that applies:
 * | input                                        | severity |
 * |----------------------------------------------|----------|
 * | priority P1 / P2 / P3 / P4, P5               | critical / high / warning / info |
 * | transition Warn, Re-Warn, No Data, Re-No Data| warning  |
 * | alert_type error / warning / info, success   | high / warning / info |
 * | anything else (Triggered, Re-Triggered, Renotify) | high |
 */

const titlePrefix =
  /^\s*\[(P[0-5]|Re-Triggered|Triggered|Recovered|Re-Warn|Warn|Re-No Data|No Data|Renotify|Null)(?: on \{([^}]*)\})?\]/i;
const monitorPath = /\/monitors[/#](\d{1,20})/g;
const linkDelimiter = /[\s()[\]"'<>]/;

interface TitleParts {
  title: string;
  transition: string | null;
  priority: string | null;
  scope: string | null;
}

export function parseDatadog(body: unknown, context: ParseContext): ParsedDelivery {
  const payload = requireRecord(body, 'body');
  const recommended = 'alert_id' in payload || 'alert_transition' in payload;
  const titleField =
    recommended && templateValue(payload.alert_title, limits.title * 2) !== null ? 'alert_title' : 'title';
  const rawTitle = templateValue(payload[titleField], limits.title * 2);
  if (rawTitle === null) fail(recommended ? 'alert_title' : 'title');
  const parts = splitTitle(rawTitle);
  const eventTitle = templateValue(payload.title, limits.title * 2);
  const eventParts = eventTitle === null ? null : splitTitle(eventTitle);

  const messageBody = cleanText(payload.body, limits.description * 2);
  const linkInBody = messageBody === null ? null : findMonitorLink(messageBody);
  const monitorId = firstOf(templateValue(payload.alert_id, 20), linkInBody?.monitorId);
  const transition = firstOf(templateValue(payload.alert_transition, 40), parts.transition, eventParts?.transition);
  const alertType = templateValue(payload.alert_type, 40)?.toLowerCase() ?? null;
  const priority = firstOf(templateValue(payload.priority, 10), parts.priority, eventParts?.priority);
  const group = normalizeScope(
    firstOf(templateValue(payload.group, limits.labelValue), parts.scope, eventParts?.scope),
  );
  const tags = tagsToRecord(
    readTags(Array.isArray(payload.tags) ? payload.tags : templateValue(payload.tags, 100_000)),
  );
  const org = recordOrEmpty(payload.org);
  const orgId = templateValue(org.id, limits.identifier);
  const status: AlertStatus =
    transition?.toLowerCase() === 'recovered' || alertType === 'success' ? 'resolved' : 'firing';

  const labels: Record<string, string> = { ...tags };
  const optionalLabels: Record<string, string | null> = {
    monitor_id: monitorId,
    group,
    alert_transition: transition,
    alert_type: alertType,
    priority,
    alert_metric: templateValue(payload.alert_metric, limits.labelValue),
    hostname: templateValue(payload.hostname, limits.labelValue),
    event_type: templateValue(payload.event_type, limits.labelValue),
    org_id: orgId,
    org_name: templateValue(org.name, limits.labelValue),
  };
  for (const [key, value] of Object.entries(optionalLabels)) {
    if (value !== null) labels[key] = value;
  }
  const annotations: Record<string, string> = {};
  const optionalAnnotations: Record<string, string | null> = {
    alert_status: templateValue(payload.alert_status, limits.annotationValue),
    alert_query: templateValue(payload.alert_query, limits.annotationValue),
    alert_cycle_key: templateValue(payload.alert_cycle_key, limits.identifier),
    aggregate: templateValue(payload.aggregate, limits.identifier),
    snapshot_url: safeUrl(payload.snapshot) ?? null,
  };
  for (const [key, value] of Object.entries(optionalAnnotations)) {
    if (value !== null) annotations[key] = value;
  }

  const date = parseTimestamp(payload.date);
  return {
    alerts: [
      {
        source: 'datadog',
        externalId: monitorId,
        fingerprint:
          monitorId === null
            ? hashedFingerprint('datadog', { title: parts.title, group, org: orgId })
            : nativeFingerprint('datadog', 'monitor', monitorId, ...(group === null ? [] : [group])),
        status,
        title: parts.title,
        description: messageBody === null ? null : cleanText(stripMarkdownFence(messageBody), limits.description),
        severity: severityOf(priority, transition, alertType),
        service: serviceFromTags(tags),
        environment: environmentFromTags(tags),
        labels,
        annotations,
        startsAt: date ?? new Date(context.receivedAt.getTime()),
        endsAt:
          status === 'resolved'
            ? timestampOr(firstOf(parseTimestamp(payload.last_updated), date), context.receivedAt)
            : null,
        links: compactLinks({ generator: firstOf(safeUrl(payload.link), linkInBody?.url) ?? undefined }),
        groupKey: monitorId === null ? null : `datadog:monitor:${monitorId}`,
      },
    ],
    deliveryId: templateValue(payload.id, limits.identifier),
  };
}

/** Peels `[P1]`, `[Triggered on {host:a}]`… off the front of a Datadog title, keeping what they said. */
function splitTitle(text: string): TitleParts {
  let rest = text;
  let transition: string | null = null;
  let priority: string | null = null;
  let scope: string | null = null;
  for (let step = 0; step < 4; step += 1) {
    const match = titlePrefix.exec(rest);
    if (!match) break;
    const word = match[1] ?? '';
    if (/^p[0-5]$/i.test(word)) priority ??= word.toUpperCase();
    else transition ??= word;
    if (match[2] !== undefined) scope ??= match[2];
    rest = rest.slice(match[0].length);
  }
  const title = rest.trim().slice(0, limits.title).trim();
  return { title: title === '' ? text.slice(0, limits.title) : title, transition, priority, scope };
}

/** `role:web, availability-zone:us-east-1a` → `availability-zone:us-east-1a,role:web`, so order never splits dedup. */
function normalizeScope(scope: string | null): string | null {
  if (scope === null) return null;
  const tags = scope
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '' && tag !== '*')
    .sort();
  return tags.length === 0 ? null : tags.join(',').slice(0, limits.labelValue);
}

/**
 * The first http(s) link to a monitor (`…/monitors/1234…` or `…/monitors#1234…`) in Datadog's message text. Scans
 * outwards from each `/monitors` match instead of using one big pattern, which would backtrack quadratically on
 * long runs of URL-like text.
 */
function findMonitorLink(text: string): { monitorId: string; url: string } | null {
  monitorPath.lastIndex = 0;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const match = monitorPath.exec(text);
    if (!match?.[1]) return null;
    let start = match.index;
    const floor = Math.max(0, start - 2_048);
    while (start > floor && !linkDelimiter.test(text.charAt(start - 1))) start -= 1;
    let end = match.index + match[0].length;
    const ceiling = Math.min(text.length, end + 2_048);
    while (end < ceiling && !linkDelimiter.test(text.charAt(end))) end += 1;
    const url = safeUrl(text.slice(start, end));
    if (url) return { monitorId: match[1], url };
  }
  return null;
}

/** Datadog wraps markdown messages in `%%%` fences. */
function stripMarkdownFence(text: string): string {
  let result = text.trim();
  if (result.startsWith('%%%')) result = result.slice(3);
  if (result.endsWith('%%%')) result = result.slice(0, -3);
  return result;
}

function severityOf(priority: string | null, transition: string | null, alertType: string | null): Severity {
  const fromPriority = severityFromPriority(priority);
  if (fromPriority !== null && priority !== null && /^p?[0-5]$/i.test(priority)) return fromPriority;
  const normalizedTransition = transition?.toLowerCase() ?? '';
  if (/^(re-)?(warn|no data)$/.test(normalizedTransition)) return 'warning';
  if (alertType === 'error') return 'high';
  if (alertType === 'warning') return 'warning';
  if (alertType === 'info' || alertType === 'success') return 'info';
  return 'high';
}
