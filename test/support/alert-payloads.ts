import { randomUUID } from 'node:crypto';

export interface SimpleAlert {
  alertname: string;
  service?: string;
  severity?: string;
  fingerprint?: string;
  status?: 'firing' | 'resolved';
  labels?: Record<string, string>;
  startsAt?: string;
}

/** An Alertmanager webhook v4 body, shaped as Alertmanager sends it. */
export function alertmanagerPayload(
  alerts: SimpleAlert[],
  options: { groupKey?: string; status?: 'firing' | 'resolved' } = {},
) {
  const rendered = alerts.map((alert) => ({
    status: alert.status ?? options.status ?? 'firing',
    labels: {
      alertname: alert.alertname,
      severity: alert.severity ?? 'critical',
      ...(alert.service ? { service: alert.service } : {}),
      ...alert.labels,
    },
    annotations: { summary: `${alert.alertname} on ${alert.service ?? 'unknown'}` },
    startsAt: alert.startsAt ?? '2026-11-27T10:00:00Z',
    endsAt: (alert.status ?? options.status) === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint: alert.fingerprint ?? randomUUID().replaceAll('-', '').slice(0, 16),
  }));
  return {
    receiver: 'aurora',
    status: options.status ?? (rendered.every((alert) => alert.status === 'resolved') ? 'resolved' : 'firing'),
    alerts: rendered,
    groupLabels: { alertname: alerts[0]?.alertname ?? 'x' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: options.groupKey ?? `{}:{alertname="${alerts[0]?.alertname ?? 'x'}",id="${randomUUID()}"}`,
    truncatedAlerts: 0,
  };
}
