import type { AlertLinks, AlertStatus, NormalizedAlert, ParseContext, ParsedDelivery } from '../alert.model.js';
import { timestampOr } from './dates.js';
import { fingerprintFrom } from './fingerprint.js';
import {
  cleanLine,
  cleanText,
  compactLinks,
  fail,
  firstOf,
  isRecord,
  limits,
  requireArray,
  requireRecord,
  safeUrl,
  toStringRecord,
} from './normalize.js';
import { environmentFromLabels, serviceFromLabels } from './service.js';
import { severityFromWord } from './severity.js';

/**
 * The Alertmanager webhook shape (`version`, `groupKey`, `status`, `receiver`, `groupLabels`, `commonLabels`,
 * `commonAnnotations`, `externalURL`, `alerts[]`), which Grafana's unified alerting webhook extends. One parser for
 * both keeps their normalisation identical; the source modules only add their own links and annotations.
 */

export interface AlertGroupOptions {
  source: 'alertmanager' | 'grafana';
  /** Links the source adds for one alert (generator and runbook are shared). */
  links(alert: Record<string, unknown>, group: Record<string, unknown>, labels: Record<string, string>): AlertLinks;
  /** Extra annotations the source carries outside `annotations` (Grafana `valueString`). */
  extraAnnotations?(alert: Record<string, unknown>): Record<string, string>;
}

export function parseAlertGroup(body: unknown, context: ParseContext, options: AlertGroupOptions): ParsedDelivery {
  const group = requireRecord(body, 'body');
  const alertItems = requireArray(group.alerts, 'alerts');
  const groupStatus = readStatus(group.status);
  const groupKey = cleanLine(group.groupKey, limits.groupKey);

  const alerts = alertItems.map((item, index): NormalizedAlert => {
    const path = `alerts[${index}]`;
    const alert = requireRecord(item, path);
    const labels = toStringRecord(requireRecord(alert.labels, `${path}.labels`));
    const annotations = {
      ...toStringRecord(alert.annotations, 'annotations'),
      ...options.extraAnnotations?.(alert),
    };
    const status = readStatus(alert.status) ?? groupStatus;
    if (status === null) {
      fail(`${path}.status`, alert.status === undefined ? 'is required' : 'must be "firing" or "resolved"');
    }
    const fingerprint = fingerprintFrom(options.source, alert.fingerprint, labels);
    const sharedLinks: AlertLinks = {
      generator: safeUrl(alert.generatorURL),
      runbook: safeUrl(firstOf(annotations.runbook_url, annotations.runbook)),
    };
    return {
      source: options.source,
      externalId: cleanLine(alert.fingerprint, limits.identifier),
      fingerprint,
      status,
      title:
        firstOf(
          cleanLine(annotations.summary, limits.title),
          cleanLine(labels.alertname, limits.title),
          cleanLine(annotations.title, limits.title),
        ) ?? `${options.source === 'grafana' ? 'Grafana' : 'Alertmanager'} alert`,
      description: firstOf(
        cleanText(annotations.description, limits.description),
        cleanText(annotations.message, limits.description),
      ),
      severity: firstOf(severityFromWord(labels.severity), severityFromWord(labels.priority)) ?? 'warning',
      service: serviceFromLabels(labels),
      environment: environmentFromLabels(labels),
      labels,
      annotations,
      startsAt: timestampOr(alert.startsAt, context.receivedAt),
      // A firing alert's endsAt is Alertmanager's expiry estimate, not an end; only a resolution ends an alert.
      endsAt: status === 'resolved' ? timestampOr(alert.endsAt, context.receivedAt) : null,
      links: compactLinks({ ...sharedLinks, ...definedOnly(options.links(alert, group, labels)) }),
      groupKey,
    };
  });
  return { alerts, deliveryId: null };
}

function readStatus(value: unknown): AlertStatus | null {
  const status = cleanLine(value, 20)?.toLowerCase();
  return status === 'firing' || status === 'resolved' ? status : null;
}

function definedOnly(links: AlertLinks): AlertLinks {
  return Object.fromEntries(Object.entries(links).filter(([, value]) => value !== undefined));
}

/**
 * Alertmanager UI silence form prefilled with this alert's labels:
 * `{externalURL}/#/silences/new?filter={alertname="X", instance="y"}` (URL-encoded, labels sorted).
 */
export function alertmanagerSilenceUrl(externalUrl: unknown, labels: Record<string, string>): string | undefined {
  const base = safeUrl(externalUrl);
  if (!base) return undefined;
  const matchers = Object.keys(labels)
    .sort()
    .map((name) => `${name}="${(labels[name] ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(', ');
  const url = `${base.replace(/\/+$/, '')}/#/silences/new?filter=${encodeURIComponent(`{${matchers}}`)}`;
  return url.length <= limits.url ? url : undefined;
}

export function dashboardFromAnnotations(alert: Record<string, unknown>): string | undefined {
  const annotations = isRecord(alert.annotations) ? alert.annotations : {};
  return safeUrl(firstOf(annotations.dashboard_url, annotations.grafana_url, annotations.dashboard));
}
