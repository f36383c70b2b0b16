import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import {
  type AlertingRule,
  type PrometheusStack,
  prometheusStackAvailable,
  startPrometheusStack,
} from '../support/prometheus-stack.js';

/**
 * The real-client test of the alert intake issue: Debian's Prometheus evaluates a rule, Debian's Alertmanager
 * delivers the webhook (v4) to Aurora's hook with `http_config.authorization`, and Aurora opens an incident; when the
 * rule's expression turns false (rules file rewritten, SIGHUP), Alertmanager sends `resolved` and the incident resolves.
 */

const title = 'Checkout is failing (real Prometheus)';
const service = 'checkout-real';
const alertname = 'AuroraRealClientTest';
const pollTimeoutMs = 60_000;

function checkoutRule(expr: string): AlertingRule {
  return {
    alert: alertname,
    expr,
    labels: { severity: 'critical', service },
    annotations: { summary: title },
  };
}

interface IncidentSummary {
  id: string;
  title: string;
  status: string;
  severity: string;
  service: string | null;
  source: string;
  alertCount: number;
  resolvedAt: string | null;
}

interface IncidentDetail extends IncidentSummary {
  alerts: Array<{
    fingerprint: string;
    status: string;
    title: string;
    occurrences: number;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    links: Record<string, string | undefined>;
    startsAt: string;
    endsAt: string | null;
  }>;
  timeline: Array<{ type: string }>;
}

describe.skipIf(!prometheusStackAvailable)(
  `real Prometheus and Alertmanager deliveries become incidents${
    prometheusStackAvailable ? '' : ' (skipped: prometheus / prometheus-alertmanager not installed)'
  }`,
  () => {
    let app: TestApplication;
    let org: TestOrganization;
    let stack: PrometheusStack | undefined;
    let incidentId: string | undefined;

    /** Polls `probe` until it yields a value; on timeout, fails with the last observation and both processes' logs. */
    async function eventually<T>(what: string, probe: () => Promise<{ value?: T; observed: unknown }>): Promise<T> {
      const started = Date.now();
      let observed: unknown;
      while (Date.now() - started < pollTimeoutMs) {
        const result = await probe();
        if (result.value !== undefined) return result.value;
        observed = result.observed;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(
        `${what} did not happen within ${pollTimeoutMs / 1000} s; last seen: ${JSON.stringify(observed)}\n${stack?.logs()}`,
      );
    }

    async function checkoutIncidents(): Promise<IncidentSummary[]> {
      const response = await api(app, 'GET', `/api/v1/incidents?service=${service}`, { token: org.tokens.viewer });
      expect(response.status, response.text).toBe(200);
      return response.body.items;
    }

    async function incidentDetail(id: string): Promise<IncidentDetail> {
      const response = await api<IncidentDetail>(app, 'GET', `/api/v1/incidents/${id}`, { token: org.tokens.viewer });
      expect(response.status, response.text).toBe(200);
      return response.body;
    }

    beforeAll(async () => {
      app = await startTestApplication();
      org = await createTestOrganization(app, 'real-alertmanager');
      const created = await api(app, 'POST', '/api/v1/integrations', {
        token: org.tokens.editor,
        body: { source: 'alertmanager', name: 'real alertmanager' },
      });
      expect(created.status, created.text).toBe(201);
      const hook = created.body as { id: string; url: string; secret: string };
      expect(hook.url).toBe(`/hooks/alertmanager/${hook.id}`);
      stack = await startPrometheusStack({
        webhookUrl: `${app.url}${hook.url}`,
        bearerToken: hook.secret,
        rules: [checkoutRule('vector(1) > 0')],
      });
    }, 90_000);

    afterAll(async () => {
      await stack?.stop();
      await app?.close();
    }, 30_000);

    it('opens an incident from the firing alert Alertmanager delivers', async () => {
      const incident = await eventually('an incident for checkout-real', async () => {
        const items = await checkoutIncidents();
        return { value: items.length > 0 ? items : undefined, observed: items };
      });
      const logs = stack?.logs();
      expect(incident, logs).toHaveLength(1);
      expect(incident[0], logs).toMatchObject({
        title,
        service,
        severity: 'critical',
        // The worker investigates every new incident, which moves it on from open.
        status: expect.stringMatching(/^(open|investigating|analyzed)$/),
        source: 'alertmanager',
        alertCount: 1,
        resolvedAt: null,
      });
      incidentId = incident[0]?.id;

      const detail = await incidentDetail(incidentId!);
      expect(detail.alerts, logs).toHaveLength(1);
      const alert = detail.alerts[0]!;
      expect(alert).toMatchObject({
        status: 'firing',
        title,
        endsAt: null,
        labels: { alertname, severity: 'critical', service },
        annotations: { summary: title },
      });
      // Links come from what the real clients put in the payload: Prometheus' generatorURL, Alertmanager's externalURL.
      expect(alert.links.generator?.startsWith(`${stack!.prometheusUrl}/graph?`), alert.links.generator).toBe(true);
      expect(
        alert.links.silence?.startsWith(`${stack!.alertmanagerUrl}/#/silences/new?filter=`),
        alert.links.silence,
      ).toBe(true);
      // Aurora keeps Alertmanager's own fingerprint, so the same alert later resolves the same row.
      const held = await stack!.alertmanagerAlerts();
      const fingerprints = held
        .filter((entry) => entry.labels.alertname === alertname)
        .map((entry) => entry.fingerprint);
      expect(fingerprints).toHaveLength(1);
      expect(alert.fingerprint).toBe(`alertmanager:${fingerprints[0]}`);
    }, 90_000);

    it('resolves the incident when the expression turns false and Alertmanager sends resolved', async () => {
      expect(incidentId, 'the firing test did not find the incident').toBeDefined();
      await stack!.replaceRules([checkoutRule('vector(1) < 0')]);

      const detail = await eventually('the incident resolving', async () => {
        const current = await incidentDetail(incidentId!);
        return {
          value: current.status === 'resolved' ? current : undefined,
          observed: {
            status: current.status,
            alerts: current.alerts.map(({ status, endsAt }) => ({ status, endsAt })),
          },
        };
      });
      const logs = stack?.logs();
      expect(detail.resolvedAt, logs).not.toBeNull();
      expect(detail.alerts, logs).toHaveLength(1);
      expect(detail.alerts[0], logs).toMatchObject({ status: 'resolved', labels: { alertname } });
      expect(detail.alerts[0]?.endsAt, logs).not.toBeNull();

      const [listed, ...others] = await checkoutIncidents();
      expect(others, 'the resolution opened another incident').toHaveLength(0);
      expect(listed).toMatchObject({ id: incidentId, status: 'resolved', alertCount: 1 });
    }, 90_000);
  },
);
