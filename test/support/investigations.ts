import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import {
  type InvestigationView,
  loadBuiltInScenario,
  validateReportCitations,
} from '../../src/features/investigations/index.js';
import { api, type TestOrganization } from './application.js';

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitUntil<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Delivers a built-in scenario's recorded alert to the org through a real webhook integration of its source and
 * returns the incident it made (or joined).
 */
export async function deliverScenarioAlert(
  app: { url: string },
  org: TestOrganization,
  scenarioName: string,
): Promise<string> {
  const scenario = await loadBuiltInScenario(scenarioName);
  const created = await api(app, 'POST', '/api/v1/integrations', {
    token: org.tokens.admin,
    body: { source: scenario.source, name: `test ${scenarioName}` },
  });
  expect(created.status, created.text).toBe(201);
  const hook = created.body as { url: string; secret: string };
  const delivered = await api(app, 'POST', hook.url, {
    rawBody: await readFile(scenario.alertFile),
    headers: { authorization: `Bearer ${hook.secret}`, 'content-type': 'application/json' },
  });
  expect(delivered.status, delivered.text).toBe(200);
  const titles = new Set(scenario.alerts.map((alert) => alert.title));
  return waitUntil(
    async () => {
      const listed = await api(app, 'GET', '/api/v1/incidents', { token: org.tokens.viewer });
      return (listed.body.items as Array<{ id: string; title: string }>).find((item) => titles.has(item.title))?.id;
    },
    10_000,
    'the incident',
  );
}

/** A generic-source alert (its own title and service), for incidents without a scenario. */
export async function deliverGenericAlert(
  app: { url: string },
  org: TestOrganization,
  alert: { title: string; service: string; fingerprint: string },
): Promise<string> {
  const created = await api(app, 'POST', '/api/v1/integrations', {
    token: org.tokens.admin,
    body: { source: 'generic', name: `generic ${alert.fingerprint}` },
  });
  expect(created.status, created.text).toBe(201);
  const hook = created.body as { url: string; secret: string };
  const delivered = await api(app, 'POST', hook.url, {
    body: { alerts: [{ ...alert, severity: 'critical', status: 'firing' }] },
    headers: { authorization: `Bearer ${hook.secret}` },
  });
  expect(delivered.status, delivered.text).toBe(200);
  return waitUntil(
    async () => {
      const listed = await api(app, 'GET', '/api/v1/incidents', { token: org.tokens.viewer });
      return (listed.body.items as Array<{ id: string; title: string }>).find((item) => item.title === alert.title)?.id;
    },
    10_000,
    'the incident',
  );
}

export async function waitForInvestigation(
  app: { url: string },
  token: string,
  incidentId: string,
  statuses: string[] = ['completed', 'failed'],
  timeoutMs = 60_000,
): Promise<InvestigationView> {
  return waitUntil(
    async () => {
      const response = await api<InvestigationView>(app, 'GET', `/api/v1/incidents/${incidentId}/investigation`, {
        token,
      });
      expect(response.status, response.text).toBe(200);
      return statuses.includes(response.body.status) ? response.body : undefined;
    },
    timeoutMs,
    `an investigation in ${statuses.join('/')}`,
  );
}

/** Every [E#] of the report names stored evidence, and every claim that must cite does. */
export function expectCitationsResolve(view: InvestigationView): void {
  expect(view.report).not.toBeNull();
  const ids = view.evidence.map((item) => item.id);
  expect(validateReportCitations(view.report!, ids)).toEqual([]);
  // Withdrawn claims and notes may name the bad id; every claim left must not.
  const { droppedClaims: _dropped, notes: _notes, ...claims } = view.report!;
  const cited = JSON.stringify(claims).match(/\bE\d+\b/g) ?? [];
  for (const id of cited) expect(ids).toContain(id);
}
