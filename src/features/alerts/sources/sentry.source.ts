import { ValidationFailed } from '../../../platform/errors.js';
import type { AlertStatus, NormalizedAlert, ParseContext, ParsedDelivery, Severity } from '../alert.model.js';
import { parseTimestamp, timestampOr } from './dates.js';
import { fingerprintFrom, hashedFingerprint, nativeFingerprint } from './fingerprint.js';
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
  scalarText,
} from './normalize.js';
import { severityFromWord } from './severity.js';

/**
 * Sentry integration-platform webhooks. https://docs.sentry.io/organization/integrations/integration-platform/webhooks/
 *
 * The resource is named by the `Sentry-Hook-Resource` header; pass it as `context.hookResource`. Without it the
 * resource is detected from the body: `data.issue` → `issue`, `data.event` → `event_alert`, `data.metric_alert` →
 * `metric_alert`. A header naming one resource with a body of another is rejected. Resources that are not alerts
 * (`installation`, `comment`, `error`, `seer`, …) parse to zero alerts.
 *
 * | resource     | status                                             | fingerprint                 | title                         |
 * |--------------|----------------------------------------------------|-----------------------------|-------------------------------|
 * | event_alert  | firing (action is always `triggered`)              | `sentry:issue:{event.issue_id}` | `event.title`             |
 * | issue        | created/unresolved → firing; resolved/ignored/archived → resolved; assigned → from `issue.status` | `sentry:issue:{issue.id}` | `issue.title` |
 * | metric_alert | critical/warning → firing; resolved → resolved     | `sentry:metric_alert:{metric_alert.id}` | rule name → `description_title` without its status prefix |
 *
 * Service is the project slug (`issue.project.slug`; for event alerts the slug in `event.url`
 * `/projects/{org}/{project}/events/…`; for metric alerts `alert_rule.projects[0]`). Environment is the
 * `environment` tag (event alerts) or `alert_rule.environment` (metric alerts).
 * Links: generator is `permalink`/`web_url` (the Sentry UI page). groupKey: `sentry:alert_rule:{id}` for metric
 * alerts. deliveryId: `{event_id}:{triggered_rule}` for event alerts; none otherwise (the `Request-ID` header is
 * the delivery id there).
 *
 * Severity:
 * | input                                                 | severity |
 * |-------------------------------------------------------|----------|
 * | level fatal / metric action critical                  | critical |
 * | level error (Sentry's default level, also when missing) | high   |
 * | level warning / metric action warning                 | warning  |
 * | level info, debug, log                                | info     |
 * | metric action resolved (no severity in the payload)   | warning  |
 */

type SentryResource = 'event_alert' | 'issue' | 'metric_alert';

const levelSeverity: Record<string, Severity> = {
  fatal: 'critical',
  error: 'high',
  warning: 'warning',
  info: 'info',
  debug: 'info',
  log: 'info',
};

export function parseSentry(body: unknown, context: ParseContext): ParsedDelivery {
  const payload = requireRecord(body, 'body');
  const data = requireRecord(payload.data, 'data');
  const resource = resolveResource(context.hookResource, data);
  if (resource === null) return { alerts: [], deliveryId: null };
  const action = cleanLine(payload.action, 40)?.toLowerCase() ?? null;
  if (action === null) fail('action');
  switch (resource) {
    case 'event_alert':
      return parseEventAlert(payload, requireRecord(data.event, 'data.event'), context);
    case 'issue':
      return parseIssue(action, requireRecord(data.issue, 'data.issue'), context);
    case 'metric_alert':
      return parseMetricAlert(payload, action, requireRecord(data.metric_alert, 'data.metric_alert'), context);
  }
}

function resolveResource(header: string | undefined, data: Record<string, unknown>): SentryResource | null {
  const named = cleanLine(header, 40)?.toLowerCase();
  if (named) {
    if (named === 'event_alert' || named === 'issue' || named === 'metric_alert') return named;
    return null;
  }
  if (isRecord(data.issue)) return 'issue';
  if (isRecord(data.event)) return 'event_alert';
  if (isRecord(data.metric_alert)) return 'metric_alert';
  throw new ValidationFailed('data.issue, data.event or data.metric_alert is required', { field: 'data' });
}

function parseEventAlert(
  payload: Record<string, unknown>,
  event: Record<string, unknown>,
  context: ParseContext,
): ParsedDelivery {
  const tags = readSentryTags(event.tags);
  const issueId = cleanLine(event.issue_id, limits.identifier);
  const project = projectFromApiUrl(event.url) ?? nonNumeric(event.project);
  const title =
    firstOf(
      cleanLine(event.title, limits.title),
      cleanLine(event.message, limits.title),
      cleanLine(recordOrEmpty(event.metadata).value, limits.title),
    ) ?? 'Sentry event alert';
  const level = cleanLine(event.level, 20)?.toLowerCase() ?? tags.level ?? null;
  const triggeredRule = cleanLine(recordOrEmpty(payload.data).triggered_rule, limits.labelValue);
  const eventId = cleanLine(event.event_id, limits.identifier);

  const labels: Record<string, string> = { ...tags };
  assignDefined(labels, {
    project,
    level,
    platform: cleanLine(event.platform, limits.labelValue),
    issue_id: issueId,
    triggered_rule: triggeredRule,
  });
  const annotations: Record<string, string> = {};
  assignDefined(annotations, {
    culprit: cleanText(event.culprit, limits.annotationValue),
    event_id: eventId,
    issue_url: safeUrl(event.issue_url) ?? null,
  });
  const alert: NormalizedAlert = {
    source: 'sentry',
    externalId: issueId,
    fingerprint:
      issueId === null
        ? hashedFingerprint('sentry', { title, project, culprit: annotations.culprit })
        : nativeFingerprint('sentry', 'issue', issueId),
    status: 'firing',
    title,
    description: unlessInTitle(cleanText(recordOrEmpty(event.metadata).value, limits.description), title),
    severity: severityOfLevel(level),
    service: project,
    environment: firstOf(
      cleanLine(event.environment, limits.identifier),
      cleanLine(tags.environment, limits.identifier),
    ),
    labels,
    annotations,
    startsAt: timestampOr(firstOf(parseTimestamp(event.datetime), parseTimestamp(event.timestamp)), context.receivedAt),
    endsAt: null,
    links: compactLinks({ generator: firstOf(safeUrl(event.web_url), safeUrl(event.issue_url)) ?? undefined }),
    groupKey: null,
  };
  return {
    alerts: [alert],
    deliveryId: eventId === null ? null : `${eventId}:${triggeredRule ?? ''}`.slice(0, 512),
  };
}

function parseIssue(action: string, issue: Record<string, unknown>, context: ParseContext): ParsedDelivery {
  const issueId = cleanLine(issue.id, limits.identifier);
  if (issueId === null) fail('data.issue.id');
  const issueStatus = cleanLine(issue.status, 40)?.toLowerCase() ?? null;
  const project = recordOrEmpty(issue.project);
  const projectSlug = firstOf(cleanLine(project.slug, limits.identifier), cleanLine(project.name, limits.identifier));
  const shortId = cleanLine(issue.shortId, limits.identifier);
  const level = cleanLine(issue.level, 20)?.toLowerCase() ?? null;
  const metadata = recordOrEmpty(issue.metadata);
  const status = issueActionStatus(action, issueStatus);
  const title =
    firstOf(cleanLine(issue.title, limits.title), cleanLine(metadata.title, limits.title)) ??
    `Sentry issue ${shortId ?? issueId}`;

  const labels: Record<string, string> = {};
  assignDefined(labels, {
    project: projectSlug,
    short_id: shortId,
    level,
    platform: cleanLine(issue.platform, limits.labelValue),
    issue_status: issueStatus,
    substatus: cleanLine(issue.substatus, limits.labelValue),
    action,
    issue_type: cleanLine(issue.issueType ?? issue.type, limits.labelValue),
  });
  const annotations: Record<string, string> = {};
  assignDefined(annotations, {
    culprit: cleanText(issue.culprit, limits.annotationValue),
    count: cleanLine(issue.count, 40),
    user_count: cleanLine(issue.userCount, 40),
  });
  return {
    alerts: [
      {
        source: 'sentry',
        externalId: issueId,
        fingerprint: nativeFingerprint('sentry', 'issue', issueId),
        status,
        title,
        description: unlessInTitle(cleanText(metadata.value, limits.description), title),
        severity: severityOfLevel(level),
        service: projectSlug,
        environment: null,
        labels,
        annotations,
        startsAt: timestampOr(issue.firstSeen, context.receivedAt),
        endsAt: status === 'resolved' ? new Date(context.receivedAt.getTime()) : null,
        links: compactLinks({ generator: firstOf(safeUrl(issue.permalink), safeUrl(issue.web_url)) ?? undefined }),
        groupKey: null,
      },
    ],
    deliveryId: null,
  };
}

function parseMetricAlert(
  payload: Record<string, unknown>,
  action: string,
  metricAlert: Record<string, unknown>,
  context: ParseContext,
): ParsedDelivery {
  const data = recordOrEmpty(payload.data);
  const rule = recordOrEmpty(metricAlert.alert_rule);
  const incidentId = cleanLine(metricAlert.id, limits.identifier);
  const ruleId = cleanLine(rule.id, limits.identifier);
  const ruleName = cleanLine(rule.name, limits.title);
  const status: AlertStatus = action === 'resolved' ? 'resolved' : 'firing';
  const projects = Array.isArray(rule.projects)
    ? rule.projects
    : Array.isArray(metricAlert.projects)
      ? metricAlert.projects
      : [];
  const project = cleanLine(projects[0], limits.identifier);
  // The rule name stays the same across critical → warning → resolved; description_title carries a status prefix.
  const title =
    firstOf(
      ruleName,
      cleanLine(scalarText(data.description_title)?.replace(/^(critical|warning|resolved):\s*/i, ''), limits.title),
      cleanLine(metricAlert.title, limits.title),
    ) ?? 'Sentry metric alert';

  const labels: Record<string, string> = {};
  assignDefined(labels, {
    project,
    action,
    alert_rule_id: ruleId,
    alert_rule_name: ruleName,
    aggregate: cleanLine(rule.aggregate, limits.labelValue),
    dataset: cleanLine(rule.dataset, limits.labelValue),
    identifier: cleanLine(metricAlert.identifier, limits.labelValue),
  });
  const annotations: Record<string, string> = {};
  assignDefined(annotations, { query: cleanText(rule.query, limits.annotationValue) });
  return {
    alerts: [
      {
        source: 'sentry',
        externalId: incidentId,
        fingerprint: fingerprintFrom('sentry', incidentId === null ? null : `metric_alert:${incidentId}`, {
          alertRule: ruleId,
          title,
          project,
        }),
        status,
        title,
        description: cleanText(scalarText(data.description_text)?.replace(/\\n/g, '\n'), limits.description),
        severity: action === 'critical' ? 'critical' : 'warning',
        service: project,
        environment: cleanLine(rule.environment, limits.identifier),
        labels,
        annotations,
        startsAt: timestampOr(
          firstOf(
            parseTimestamp(metricAlert.date_started),
            parseTimestamp(metricAlert.date_detected),
            parseTimestamp(metricAlert.date_created),
          ),
          context.receivedAt,
        ),
        endsAt: status === 'resolved' ? timestampOr(metricAlert.date_closed, context.receivedAt) : null,
        links: compactLinks({ generator: safeUrl(data.web_url) }),
        groupKey: ruleId === null ? null : `sentry:alert_rule:${ruleId}`,
      },
    ],
    deliveryId: null,
  };
}

/** Sentry titles usually already are `{type}: {value}`; repeating the value as the description adds nothing. */
function unlessInTitle(text: string | null, title: string): string | null {
  return text !== null && !title.includes(text) ? text : null;
}

function issueActionStatus(action: string, issueStatus: string | null): AlertStatus {
  if (action === 'resolved' || action === 'ignored' || action === 'archived') return 'resolved';
  if (action === 'created' || action === 'unresolved') return 'firing';
  return issueStatus === 'resolved' || issueStatus === 'ignored' ? 'resolved' : 'firing';
}

function severityOfLevel(level: string | null): Severity {
  return (level === null ? undefined : levelSeverity[level]) ?? severityFromWord(level) ?? 'high';
}

/** Sentry event tags are `[[key, value], …]` pairs. */
function readSentryTags(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!Array.isArray(value)) return tags;
  for (const pair of value.slice(0, limits.labelCount)) {
    if (!Array.isArray(pair)) continue;
    const key = cleanLine(pair[0], limits.labelKey);
    const tagValue = cleanLine(pair[1], limits.labelValue);
    if (key === null || tagValue === null || key === '__proto__' || key in tags) continue;
    tags[key] = tagValue;
  }
  return tags;
}

/** `https://sentry.io/api/0/projects/{org}/{project}/events/{id}/` → `{project}`. */
function projectFromApiUrl(value: unknown): string | null {
  const url = safeUrl(value);
  if (!url) return null;
  const match = /\/projects\/[^/]+\/([^/]+)\//.exec(url);
  return match?.[1] ? cleanLine(decodeURIComponentSafe(match[1]), limits.identifier) : null;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function nonNumeric(value: unknown): string | null {
  const text = cleanLine(value, limits.identifier);
  return text === null || /^\d+$/.test(text) ? null : text;
}

function assignDefined(target: Record<string, string>, values: Record<string, string | null | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && value !== undefined) target[key] = value;
  }
}
