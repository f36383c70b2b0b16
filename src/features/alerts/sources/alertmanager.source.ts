import type { ParseContext, ParsedDelivery } from '../alert.model.js';
import { alertmanagerSilenceUrl, dashboardFromAnnotations, parseAlertGroup } from './alert-group.js';

/**
 * Prometheus Alertmanager webhook (`webhook_config`, payload version 4): one request carries every alert of one
 * notification group. https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 *
 * | field        | from                                                                                   |
 * |--------------|----------------------------------------------------------------------------------------|
 * | title        | `annotations.summary` → `labels.alertname` → `annotations.title` → "Alertmanager alert" |
 * | description  | `annotations.description` → `annotations.message`                                     |
 * | status       | the alert's `status`, else the group's `status` (`firing`/`resolved`)                 |
 * | fingerprint  | `alertmanager:{alerts[].fingerprint}`; without one, the hash of every label           |
 * | endsAt       | only for resolved alerts (`0001-01-01T00:00:00Z` is unset → received time)             |
 * | links        | generator `generatorURL`; runbook `annotations.runbook_url`/`runbook`; dashboard        |
 * |              | `annotations.dashboard_url`/`grafana_url`; silence `{externalURL}/#/silences/new?filter=…` |
 * | groupKey     | `groupKey`                                                                              |
 * | deliveryId   | none (Alertmanager has no delivery id; dedup by fingerprint and body hash)             |
 *
 * Severity, from `labels.severity` (then `labels.priority`):
 * | label value                                  | severity |
 * |----------------------------------------------|----------|
 * | critical, crit, page, fatal, emergency, p1   | critical |
 * | high, error, major, p2                       | high     |
 * | warning, warn, medium, minor, p3             | warning  |
 * | info, none, low, notice, p4, p5              | info     |
 * | missing or anything else                     | warning  |
 */
export function parseAlertmanager(body: unknown, context: ParseContext): ParsedDelivery {
  return parseAlertGroup(body, context, {
    source: 'alertmanager',
    links: (alert, group, labels) => ({
      dashboard: dashboardFromAnnotations(alert),
      silence: alertmanagerSilenceUrl(group.externalURL, labels),
    }),
  });
}
