import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestOrganization, startTestApplication, type TestApplication } from '../support/application.js';
import { deliverScenarioAlert, waitForInvestigation, waitUntil } from '../support/investigations.js';

/**
 * `GET /api/v1/incidents/{id}/investigation/evidence`: the structured answers behind each evidence item (what the
 * web UI draws), for a webhook incident investigated by the worker over a built-in scenario.
 */

const scenarioName = 'deploy-checkout-bad-release';

interface EvidenceDetails {
  investigationId: string | null;
  items: Array<{ id: string; port: string; status: string; hash: string; data: Record<string, unknown> | null }>;
}

describe('investigation evidence API', () => {
  let app: TestApplication;

  beforeAll(async () => {
    app = await startTestApplication();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('returns every evidence item with its answer, times as ISO text, for the latest run or a chosen one', async () => {
    const org = await createTestOrganization(app, 'evidence-api');
    await app.services.investigations.bindScenario(org.orgId, scenarioName);
    const incidentId = await deliverScenarioAlert(app, org, scenarioName);
    const view = await waitForInvestigation(app, org.tokens.viewer, incidentId);
    expect(view.status).toBe('completed');

    const response = await api<EvidenceDetails>(app, 'GET', `/api/v1/incidents/${incidentId}/investigation/evidence`, {
      token: org.tokens.viewer,
    });
    expect(response.status, response.text).toBe(200);
    const details = response.body;
    expect(details.investigationId).toBe(view.investigationId);
    // The same items as the light view, in the same order, with the same hashes.
    expect(details.items.map((item) => [item.id, item.hash])).toEqual(
      view.evidence.map((item) => [item.id, item.hash]),
    );

    const byPort = (port: string) => details.items.filter((item) => item.port === port && item.status === 'ok');
    const metrics = byPort('metrics')[0]!.data as { series: Array<{ name: string; points: unknown[] }> };
    expect(metrics.series.length).toBeGreaterThan(0);
    const [time, value] = metrics.series[0]!.points[0] as [number, number];
    expect(typeof time).toBe('number');
    expect(typeof value).toBe('number');
    const logs = byPort('logs')[0]!.data as { lines: Array<{ time: string; level: string }>; truncated: boolean };
    expect(logs.lines[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const changes = byPort('changes')[0]!.data as { changes: Array<{ service: string; summary: string }> };
    expect(changes.changes.map((change) => change.summary)).toContain(
      'Deploy checkout v2.14.0 (multi-currency totals)',
    );
    // Items that answered nothing have no data; each stored answer names its own port.
    for (const item of details.items) if (item.data) expect(item.data.port).toBe(item.port);

    // A second run: the latest is the default, and the first stays readable by its id.
    const again = await api(app, 'POST', `/api/v1/incidents/${incidentId}/investigate`, { token: org.tokens.editor });
    expect(again.status, again.text).toBe(202);
    const secondId = again.body.investigationId as string;
    await waitUntil(async () => {
      const latest = await waitForInvestigation(app, org.tokens.viewer, incidentId);
      return latest.investigationId === secondId && latest.status === 'completed' ? latest : undefined;
    }, 60_000);
    const latest = await api<EvidenceDetails>(app, 'GET', `/api/v1/incidents/${incidentId}/investigation/evidence`, {
      token: org.tokens.viewer,
    });
    expect(latest.body.investigationId).toBe(secondId);
    const earlier = await api<EvidenceDetails>(
      app,
      'GET',
      `/api/v1/incidents/${incidentId}/investigation/evidence?investigationId=${view.investigationId}`,
      { token: org.tokens.viewer },
    );
    expect(earlier.status, earlier.text).toBe(200);
    expect(earlier.body.investigationId).toBe(view.investigationId);
    expect(earlier.body.items.length).toBe(details.items.length);
  });

  it('answers 404 for another org, for an unknown run, and for a run of another incident', async () => {
    const owner = await createTestOrganization(app, 'evidence-owner');
    const stranger = await createTestOrganization(app, 'evidence-stranger');
    await app.services.investigations.bindScenario(owner.orgId, scenarioName);
    const incidentId = await deliverScenarioAlert(app, owner, scenarioName);
    const view = await waitForInvestigation(app, owner.tokens.viewer, incidentId);

    const path = `/api/v1/incidents/${incidentId}/investigation/evidence`;
    const foreign = await api(app, 'GET', path, { token: stranger.tokens.admin });
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain(view.investigationId!);
    const foreignRun = await api(app, 'GET', `${path}?investigationId=${view.investigationId}`, {
      token: stranger.tokens.admin,
    });
    expect(foreignRun.status).toBe(404);
    const unknownRun = await api(app, 'GET', `${path}?investigationId=${randomUUID()}`, { token: owner.tokens.viewer });
    expect(unknownRun.status).toBe(404);

    // Another incident of the same org cannot be read through this incident's path.
    const other = await api(app, 'POST', '/api/v1/integrations', {
      token: owner.tokens.admin,
      body: { source: 'generic', name: `generic ${randomUUID().slice(0, 6)}` },
    });
    const delivered = await api(app, 'POST', other.body.url, {
      body: {
        alerts: [{ title: `Other ${randomUUID()}`, service: 'elsewhere', severity: 'warning', status: 'firing' }],
      },
      headers: { authorization: `Bearer ${other.body.secret}` },
    });
    expect(delivered.status, delivered.text).toBe(200);
    const listed = await api(app, 'GET', '/api/v1/incidents?service=elsewhere', { token: owner.tokens.viewer });
    const otherIncident = listed.body.items[0].id as string;
    const crossed = await api(
      app,
      'GET',
      `/api/v1/incidents/${otherIncident}/investigation/evidence?investigationId=${view.investigationId}`,
      { token: owner.tokens.viewer },
    );
    expect(crossed.status).toBe(404);

    const bad = await api(app, 'GET', `${path}?investigationId=not-a-uuid`, { token: owner.tokens.viewer });
    expect(bad.status).toBe(400);
  });
});
