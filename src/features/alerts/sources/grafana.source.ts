import type { ParseContext, ParsedDelivery } from '../alert.model.js';
import { dashboardFromAnnotations, parseAlertGroup } from './alert-group.js';
import { cleanText, firstOf, limits, safeUrl } from './normalize.js';

/**
 * Grafana unified alerting webhook contact point: the Alertmanager payload plus `orgId`, `title`, `state`, `message`,
 * `truncatedAlerts` (version "1"), and per alert `fingerprint`, `silenceURL`, `dashboardURL`, `panelURL`,
 * `valueString`, `values`, `imageURL`.
 * https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
 *
 * Field mapping is Alertmanager's (see alertmanager.source.ts) with these differences:
 * | field        | from                                                                              |
 * |--------------|-----------------------------------------------------------------------------------|
 * | fingerprint  | `grafana:{alerts[].fingerprint}`; without one, the hash of every label            |
 * | links        | silence `silenceURL`; dashboard `panelURL` → `dashboardURL` → `annotations.dashboard_url` |
 * | annotations  | plus `value_string` from `valueString` (the evaluated query values)               |
 *
 * Severity, from `labels.severity` (then `labels.priority`), the same table as Alertmanager:
 * critical/page/p1 → critical; high/error/major/p2 → high; warning/warn/p3 → warning; info/none/low/p4/p5 → info;
 * missing → warning.
 */
export function parseGrafana(body: unknown, context: ParseContext): ParsedDelivery {
  return parseAlertGroup(body, context, {
    source: 'grafana',
    links: (alert) => ({
      silence: safeUrl(alert.silenceURL),
      dashboard:
        firstOf(safeUrl(alert.panelURL), safeUrl(alert.dashboardURL), dashboardFromAnnotations(alert)) ?? undefined,
    }),
    extraAnnotations: (alert): Record<string, string> => {
      const valueString = cleanText(alert.valueString, limits.annotationValue);
      return valueString === null ? {} : { value_string: valueString };
    },
  });
}
