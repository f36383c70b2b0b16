import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultInvestigationTelemetry,
  type InvestigationTelemetry,
  type InvestigationView,
  loadBuiltInScenario,
} from '../../src/features/investigations/index.js';
import { scenarioTelemetry, type TelemetrySources } from '../../src/features/telemetry/index.js';
import type { AuroraEvent } from '../../src/platform/events/event-bus.js';
import { api, createTestOrganization, startTestApplication, type TestApplication } from '../support/application.js';
import {
  deliverGenericAlert,
  deliverScenarioAlert,
  expectCitationsResolve,
  waitForInvestigation,
  waitUntil,
} from '../support/investigations.js';
import { promptText, ScriptedModel, type ScriptedPart } from '../support/scripted-model.js';

/**
 * The durable investigation pipeline end to end: webhook → incident → `investigation.run` job → stored evidence,
 * hypotheses, thoughts and report, on PGlite or PostgreSQL+Redis. The model is the scripted stand-in (the AI SDK's
 * mock model); telemetry is a built-in scenario bound to the org (as `aurora demo` does), or stand-in sources that
 * fail or hang, injected per org.
 */

const scenarioName = 'deploy-checkout-bad-release';

/** Per-org stand-in telemetry; other orgs get the default (their bound scenario, or Aurora's own alerts). */
function switchableTelemetry(
  app: () => TestApplication,
  custom: Map<string, () => Promise<{ sources: TelemetrySources; now: Date }>>,
): InvestigationTelemetry {
  return {
    async resolve(request) {
      const override = custom.get(request.orgId);
      if (override) return override();
      return defaultInvestigationTelemetry({ database: app().platform.database }).resolve(request);
    },
  };
}

const failing = (name: string) => async () => {
  throw new Error(`${name} answered 503 Service Unavailable`);
};

describe('investigations', () => {
  let app: TestApplication;
  let script: ScriptedModel | undefined;
  const custom = new Map<string, () => Promise<{ sources: TelemetrySources; now: Date }>>();

  beforeAll(async () => {
    app = await startTestApplication({
      serviceOverrides: {
        languageModel: ({ role }) => (role === 'rca' ? script?.model : undefined),
        investigationTelemetry: switchableTelemetry(() => app, custom),
      },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  async function scenarioOrg(label: string) {
    const org = await createTestOrganization(app, label);
    await app.services.investigations.bindScenario(org.orgId, scenarioName);
    return org;
  }

  it('webhook → incident → job → investigation: evidence stored, citations resolve, timeline and SSE follow', async () => {
    script = undefined;
    const org = await scenarioOrg('inv-webhook');
    const seen: AuroraEvent[] = [];
    const unsubscribe = app.platform.events.subscribe(org.orgId, (event) => {
      if (event.type.startsWith('investigation.')) seen.push(event);
    });
    const incidentId = await deliverScenarioAlert(app, org, scenarioName);
    const view = await waitForInvestigation(app, org.tokens.viewer, incidentId);
    unsubscribe();

    expect(view.status).toBe('completed');
    expect(view.trigger).toBe('incident.created');
    expect(view.evidence.length).toBeGreaterThan(10);
    expect(view.evidence.map((item) => item.id)).toEqual(view.evidence.map((_, index) => `E${index + 1}`));
    for (const item of view.evidence) expect(item.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(view.hypotheses[0]).toMatchObject({ rank: 1, service: 'checkout', category: 'deploy' });
    expect(view.report?.rootCause).toMatchObject({ service: 'checkout', category: 'deploy' });
    // No model: at most LIKELY, and the report says why.
    expect(view.report?.confidence).toBe('LIKELY');
    expect(view.report?.generatedBy).toBe('deterministic');
    expect(view.report?.confidenceNote).toMatch(/no model configured/i);
    expectCitationsResolve(view);
    expect(view.thoughts.map((thought) => thought.sequence)).toEqual(view.thoughts.map((_, index) => index + 1));
    expect(view.thoughts.some((thought) => /No model is configured/.test(thought.text))).toBe(true);

    const markdown = await api(app, 'GET', `/api/v1/incidents/${incidentId}/report.md`, { token: org.tokens.viewer });
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(markdown.text).toContain('# Root-cause analysis');
    expect(markdown.text).toContain('**E1** topology');

    const incident = await api(app, 'GET', `/api/v1/incidents/${incidentId}`, { token: org.tokens.viewer });
    expect(incident.body.status).toBe('analyzed');
    const types = (incident.body.timeline as Array<{ type: string }>).map((entry) => entry.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'investigation.queued',
        'investigation.started',
        'investigation.thought',
        'investigation.finished',
      ]),
    );
    expect(types.filter((type) => type === 'investigation.thought')).toHaveLength(view.thoughts.length);

    await waitUntil(
      async () => (seen.some((event) => event.type === 'investigation.finished') ? true : undefined),
      5_000,
    );
    const seenTypes = new Set(seen.map((event) => event.type));
    for (const type of [
      'investigation.started',
      'investigation.thought',
      'investigation.evidence',
      'investigation.finished',
    ])
      expect(seenTypes).toContain(type);
    expect(seen.filter((event) => event.type === 'investigation.evidence')).toHaveLength(view.evidence.length);

    // The SSE route streams the same events (the stream is read for a moment after asking for a new run).
    const again = await api(app, 'POST', `/api/v1/incidents/${incidentId}/investigate`, { token: org.tokens.editor });
    expect(again.status).toBe(202);
    const stream = await api(app, 'GET', '/api/v1/incidents/stream', { token: org.tokens.viewer, streamMs: 3_000 });
    expect(stream.text).toMatch(/event: investigation\.(started|thought|evidence|finished)/);
    await waitForInvestigation(app, org.tokens.viewer, incidentId);
  });

  it('reads the knowledge base as evidence: a matching runbook becomes an evidence item', async () => {
    script = undefined;
    const org = await scenarioOrg('inv-runbook');
    const { id } = await app.services.knowledge.indexMemory(org.orgId, {
      kind: 'incident',
      sourceId: 'past-checkout-outage',
      title: 'Checkout errors after a release',
      text: 'When checkout returns 5xx right after a deploy, roll back the release with `kubectl rollout undo deployment/checkout`.',
    });
    await waitUntil(
      async () => {
        const document = await api(app, 'GET', `/api/v1/knowledge/documents/${id}`, { token: org.tokens.viewer });
        return document.body.status === 'indexed' ? true : undefined;
      },
      30_000,
      'the runbook to be indexed',
    );
    const incidentId = await deliverScenarioAlert(app, org, scenarioName);
    const view = await waitForInvestigation(app, org.tokens.viewer, incidentId);
    const runbooks = view.evidence.find((item) => item.port === 'runbooks');
    expect(runbooks).toMatchObject({ source: 'knowledge', status: 'ok' });
    expect(runbooks?.excerpt).toContain('Checkout errors after a release');
    expect(runbooks?.excerpt).toContain('rollout undo');
    expectCitationsResolve(view);
  });

  it('runs one investigation per incident at a time; viewers cannot start one', async () => {
    script = undefined;
    const org = await scenarioOrg('inv-single');
    const incidentId = await deliverScenarioAlert(app, org, scenarioName);
    await waitForInvestigation(app, org.tokens.viewer, incidentId);
    const first = await api(app, 'POST', `/api/v1/incidents/${incidentId}/investigate`, { token: org.tokens.editor });
    const second = await api(app, 'POST', `/api/v1/incidents/${incidentId}/investigate`, { token: org.tokens.editor });
    expect(first.status).toBe(202);
    expect(first.body.created).toBe(true);
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ investigationId: first.body.investigationId, created: false });
    const viewer = await api(app, 'POST', `/api/v1/incidents/${incidentId}/investigate`, { token: org.tokens.viewer });
    expect(viewer.status).toBe(403);
    const done = await waitForInvestigation(app, org.tokens.viewer, incidentId);
    expect(done.investigationId).toBe(first.body.investigationId);
    const rows = await app.platform.database.query<{ count: number }>(
      'select count(*)::int as count from investigations where org_id = $1 and incident_id = $2',
      [org.orgId, incidentId],
    );
    expect(rows[0]?.count).toBe(2);
  });

  it('with the scripted model: thoughts stream by sentence, tools store new evidence, citations resolve', async () => {
    const model = new ScriptedModel(
      [
        [
          {
            text: 'Checkout errors begin two minutes after the v2.14.0 deploy. I will read the checkout logs and its error ratio.',
          },
          { toolCall: { name: 'read_evidence', input: { ids: ['E2', 'E5'] } } },
          { toolCall: { name: 'query_metrics', input: { service: 'checkout', signals: ['error_ratio'] } } },
        ],
        (call) => {
          const stored = /Stored as (E\d+)/.exec(promptText(call.prompt))?.[1] ?? 'E999';
          const report = {
            verdict: 'confirmed',
            summary: `Checkout has returned 5xx since the v2.14.0 deploy [E2], failing in computeTotals [E5].`,
            rootCause: {
              service: 'checkout',
              category: 'deploy',
              statement: `Release v2.14.0 of checkout [E2] throws a TypeError in computeTotals on every order [E5]; its error ratio jumped [${stored}].`,
            },
            impact: 'Orders fail at checkout; the frontend shows the errors [E17].',
            timeline: [
              { time: '2026-03-02T09:52:00Z', text: 'checkout v2.14.0 deployed [E2]' },
              { time: '2026-03-02T09:53:40Z', text: 'first TypeError in computeTotals [E5]' },
            ],
            ruledOut: [
              {
                service: 'catalog',
                category: 'deploy',
                text: 'catalog v4.2.0 shipped 95 minutes earlier with no errors [E2]',
              },
            ],
            remediations: [
              {
                title: 'Roll checkout back to v2.13 [E2]',
                command: 'kubectl rollout undo deployment/checkout -n production',
                risk: 'Loses the multi-currency feature until fixed.',
                undo: 'kubectl rollout undo deployment/checkout -n production',
              },
            ],
          };
          return [
            { text: ['The TypeError matches', ' the release. ', 'I am confident.\n'] },
            { text: `<report>${JSON.stringify(report)}</report>` },
          ] as ScriptedPart[];
        },
      ],
      { usage: { inputTokens: 1_200, outputTokens: 300 } },
    );
    script = model;
    const org = await scenarioOrg('inv-model');
    const incidentId = await deliverScenarioAlert(app, org, scenarioName);
    const view = await waitForInvestigation(app, org.tokens.viewer, incidentId);
    script = undefined;

    expect(view.status).toBe('completed');
    expect(view.report?.generatedBy).toBe('model');
    expect(view.report?.confidence).toBe('CONFIRMED');
    expect(view.report?.droppedClaims).toEqual([]);
    expectCitationsResolve(view);
    const modelThoughts = view.thoughts.filter((thought) => thought.kind === 'model').map((thought) => thought.text);
    expect(modelThoughts).toEqual([
      'Checkout errors begin two minutes after the v2.14.0 deploy.',
      'I will read the checkout logs and its error ratio.',
      'The TypeError matches the release.',
      'I am confident.',
    ]);
    expect(view.thoughts.filter((thought) => thought.kind === 'tool').map((thought) => thought.text)).toEqual([
      expect.stringContaining('read_evidence'),
      expect.stringContaining('query_metrics'),
    ]);
    // The model's query became evidence with the next id, and the report cites it.
    const last = view.evidence.at(-1)!;
    expect(last.query).toBe('metrics.query service=checkout signals=error_ratio');
    expect(view.report?.rootCause?.evidenceIds).toContain(last.id);
    // The tool output the model saw was capped and wrapped as data.
    expect(model.prompt(1)).toMatch(/<tool_output tool=\\?"read_evidence\\?" status=\\?"ok\\?">/);
    expect(view.usage).toEqual({ inputTokens: 2_400, outputTokens: 600, costUsd: expect.any(Number), modelSteps: 2 });
  });

  it('regenerates a claim citing unknown evidence once, then drops it and lowers the confidence', async () => {
    const bogusReport = (statementCite: string) =>
      JSON.stringify({
        verdict: 'confirmed',
        summary: 'Checkout broke after its deploy [E2].',
        rootCause: {
          service: 'checkout',
          category: 'deploy',
          statement: `The v2.14.0 release broke totals ${statementCite}.`,
        },
        timeline: [{ time: '2026-03-02T09:52:00Z', text: 'deploy [E2]' }],
        ruledOut: [],
      });
    // First: the regenerated claim still cites E99, so it is dropped.
    script = new ScriptedModel([
      [{ text: `Done.\n<report>${bogusReport('[E99]')}</report>` }],
      (call) => {
        expect(promptText(call.prompt)).toContain('E99');
        return [{ text: '<report>{"claims": [{"field": "rootCause", "text": "It was the release [E99]."}]}</report>' }];
      },
    ]);
    const dropped = await scenarioOrg('inv-bogus');
    const droppedIncident = await deliverScenarioAlert(app, dropped, scenarioName);
    const droppedView = await waitForInvestigation(app, dropped.tokens.viewer, droppedIncident);
    expect(script.calls).toHaveLength(2);
    expect(droppedView.report?.rootCause).toBeNull();
    expect(droppedView.report?.confidence).toBe('INCONCLUSIVE');
    expect(droppedView.report?.droppedClaims).toEqual([expect.stringContaining('E99')]);
    expect(droppedView.thoughts.some((thought) => /regenerate it once/.test(thought.text))).toBe(true);
    expectCitationsResolve(droppedView);

    // Then: the regeneration fixes the citation, and the claim stays.
    script = new ScriptedModel([
      [{ text: `<report>${bogusReport('[E99]')}</report>` }],
      [
        {
          text: '<report>{"claims": [{"field": "rootCause", "text": "The v2.14.0 release broke totals [E5]."}]}</report>',
        },
      ],
    ]);
    const fixed = await scenarioOrg('inv-fixed');
    const fixedIncident = await deliverScenarioAlert(app, fixed, scenarioName);
    const fixedView = await waitForInvestigation(app, fixed.tokens.viewer, fixedIncident);
    script = undefined;
    expect(fixedView.report?.rootCause?.statement).toBe('The v2.14.0 release broke totals [E5].');
    expect(fixedView.report?.confidence).toBe('CONFIRMED');
    expect(fixedView.report?.droppedClaims).toEqual([]);
    expectCitationsResolve(fixedView);
  });

  it('turns invalid JSON and unknown tools from the model into notes, never a crash', async () => {
    script = new ScriptedModel([
      [{ toolCall: { name: 'drop_database', input: { really: true } } }],
      [{ text: 'Here is my answer. <report>{"verdict": "confirmed", "summary": oops</report>' }],
    ]);
    const org = await scenarioOrg('inv-garbage');
    const incidentId = await deliverScenarioAlert(app, org, scenarioName);
    const view = await waitForInvestigation(app, org.tokens.viewer, incidentId);
    script = undefined;
    expect(view.status).toBe('completed');
    expect(view.report?.generatedBy).toBe('deterministic');
    expect(view.report?.rootCause?.service).toBe('checkout');
    expect(view.report?.notes).toEqual([
      expect.stringContaining('drop_database'),
      expect.stringMatching(/not valid JSON/),
    ]);
    expect(view.thoughts.filter((thought) => thought.kind === 'note')).toHaveLength(2);
    expectCitationsResolve(view);
  });

  it('finishes INCONCLUSIVE and names every source when all of them fail', async () => {
    script = undefined;
    const org = await createTestOrganization(app, 'inv-failing');
    custom.set(org.orgId, async () => ({
      now: new Date(),
      sources: {
        topology: { name: 'topology-stand-in', graph: failing('topology'), neighbours: failing('topology') },
        metrics: { name: 'prometheus-stand-in', query: failing('prometheus') },
        logs: { name: 'loki-stand-in', search: failing('loki') },
        changes: { name: 'github-stand-in', list: failing('github') },
        kubernetes: { name: 'kubernetes-stand-in', describe: failing('kubernetes') },
        alerts: { name: 'alerts-stand-in', list: async () => [{ garbage: true }] as never },
      },
    }));
    const incidentId = await deliverGenericAlert(app, org, {
      title: `payments-api latency high ${randomUUID().slice(0, 6)}`,
      service: 'payments-api',
      fingerprint: randomUUID(),
    });
    const view = await waitForInvestigation(app, org.tokens.viewer, incidentId);
    expect(view.status).toBe('completed');
    expect(view.report?.confidence).toBe('INCONCLUSIVE');
    expect(view.report?.rootCause).toBeNull();
    const sources = new Set(view.report?.unavailableSources.map((entry) => entry.source));
    for (const name of [
      'topology-stand-in',
      'prometheus-stand-in',
      'loki-stand-in',
      'github-stand-in',
      'kubernetes-stand-in',
      'alerts-stand-in',
    ])
      expect(sources).toContain(name);
    expect(view.evidence.find((item) => item.source === 'alerts-stand-in')?.status).toBe('invalid');
    expect(view.report?.summary).toMatch(/inconclusive/i);
    expectCitationsResolve(view);
  });

  it('remembers helpful feedback and corrections, and a later similar incident retrieves them', async () => {
    script = undefined;
    const org = await scenarioOrg('inv-memory');
    const first = await deliverScenarioAlert(app, org, scenarioName);
    await waitForInvestigation(app, org.tokens.viewer, first);
    const viewer = await api(app, 'POST', `/api/v1/incidents/${first}/feedback`, {
      token: org.tokens.viewer,
      body: { helpful: false },
    });
    expect(viewer.status).toBe(403);
    const feedback = await api(app, 'POST', `/api/v1/incidents/${first}/feedback`, {
      token: org.tokens.editor,
      body: {
        helpful: false,
        comment: 'It was not the release.',
        correctRootCause: 'The redis-cache network policy change blocked checkout from its cache',
      },
    });
    expect(feedback.status, feedback.text).toBe(201);
    expect(feedback.body).toEqual({ recorded: true, memory: { service: 'redis-cache', category: 'network' } });

    // A later incident with a similar alert: resolve the first so the new alert opens a new incident.
    await api(app, 'PATCH', `/api/v1/incidents/${first}`, { token: org.tokens.editor, body: { status: 'resolved' } });
    const second = await deliverGenericAlert(app, org, {
      title: 'Checkout 5xx ratio above 5%',
      service: 'checkout',
      fingerprint: randomUUID(),
    });
    expect(second).not.toBe(first);
    const view = await waitForInvestigation(app, org.tokens.viewer, second);
    const memory = view.evidence.find((item) => item.port === 'similar_incidents');
    expect(memory?.status).toBe('ok');
    expect(memory?.excerpt).toContain(first);
    expect(memory?.excerpt).toContain('redis-cache network');
    const cache = view.hypotheses.find((hypothesis) => hypothesis.service === 'redis-cache');
    expect(cache?.factors.similarIncidents).toBeGreaterThan(0);
    expect(cache?.reasons.join(' ')).toMatch(/similar past incident/);

    const rows = await app.platform.database.query<{ service: string }>(
      'select service from investigation_feedback where org_id = $1',
      [org.orgId],
    );
    expect(rows).toEqual([{ service: 'redis-cache' }]);
  });

  it('answers 404 for an incident that does not exist and 409 for feedback before any report', async () => {
    const org = await createTestOrganization(app, 'inv-missing');
    const missing = randomUUID();
    for (const [method, path] of [
      ['GET', `/api/v1/incidents/${missing}/investigation`],
      ['GET', `/api/v1/incidents/${missing}/report.md`],
      ['POST', `/api/v1/incidents/${missing}/investigate`],
    ] as const) {
      expect((await api(app, method, path, { token: org.tokens.editor })).status).toBe(404);
    }
    custom.set(org.orgId, async () => new Promise(() => undefined));
    const incidentId = await deliverGenericAlert(app, org, {
      title: 'quiet',
      service: 'quiet',
      fingerprint: randomUUID(),
    });
    const feedback = await api(app, 'POST', `/api/v1/incidents/${incidentId}/feedback`, {
      token: org.tokens.editor,
      body: { helpful: true },
    });
    expect(feedback.status).toBe(409);
  });
});

describe('investigation durability limits', () => {
  let app: TestApplication;
  const custom = new Map<string, () => Promise<{ sources: TelemetrySources; now: Date }>>();
  const releases: Array<() => void> = [];

  beforeAll(async () => {
    app = await startTestApplication({
      environment: {
        AURORA_INVESTIGATION_TIMEOUT_SECONDS: '3',
        AURORA_INVESTIGATION_SOURCE_BUDGET_MS: '60000',
        AURORA_INVESTIGATION_ORG_CONCURRENCY: '1',
        AURORA_INVESTIGATION_WAIT_SECONDS: '1',
      },
      serviceOverrides: { investigationTelemetry: switchableTelemetry(() => app, custom) },
    });
  });

  afterAll(async () => {
    for (const release of releases) release();
    await app?.close();
  });

  /** The scenario's telemetry with every metrics call held `delayMs` (or until released). */
  async function slowScenario(delayMs: number | 'forever') {
    const scenario = await loadBuiltInScenario(scenarioName);
    const sources = scenarioTelemetry(scenario);
    const metrics = sources.metrics!;
    return {
      now: scenario.now,
      sources: {
        ...sources,
        metrics: {
          name: 'slow-metrics-stand-in',
          async query(query: Parameters<typeof metrics.query>[0]) {
            await new Promise<void>((resolve) => {
              if (delayMs === 'forever') releases.push(resolve);
              else setTimeout(resolve, delayMs);
            });
            return metrics.query(query);
          },
        },
      },
    };
  }

  it('fails a run that outlives its timeout, visibly', async () => {
    const org = await createTestOrganization(app, 'inv-timeout');
    custom.set(org.orgId, () => slowScenario('forever'));
    const incidentId = await deliverScenarioAlert(app, org, scenarioName);
    const view = await waitForInvestigation(app, org.tokens.viewer, incidentId, ['failed'], 20_000);
    expect(view.error).toMatch(/timed out: still running after 3 s/);
    expect(view.report).toBeNull();
    expect(view.evidence.length).toBeGreaterThan(0);
    const incident = await api(app, 'GET', `/api/v1/incidents/${incidentId}`, { token: org.tokens.viewer });
    expect((incident.body.timeline as Array<{ type: string }>).map((entry) => entry.type)).toContain(
      'investigation.failed',
    );
  });

  it('holds the per-org concurrency limit: queued runs wait, none is dropped', async () => {
    const org = await createTestOrganization(app, 'inv-concurrency');
    await app.services.investigations.bindScenario(org.orgId, scenarioName);
    custom.set(org.orgId, () => slowScenario(1_000));
    let maxRunning = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const rows = await app.platform.database.query<{ count: number }>(
          "select count(*)::int as count from investigations where org_id = $1 and status = 'running'",
          [org.orgId],
        );
        maxRunning = Math.max(maxRunning, rows[0]?.count ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const incidents = [];
    for (let index = 0; index < 3; index++) {
      incidents.push(
        await deliverGenericAlert(app, org, {
          title: `checkout errors ${index} ${randomUUID().slice(0, 6)}`,
          service: ['checkout', 'payments', 'inventory'][index]!,
          fingerprint: randomUUID(),
        }),
      );
    }
    const views: InvestigationView[] = [];
    for (const incidentId of incidents) views.push(await waitForInvestigation(app, org.tokens.viewer, incidentId));
    watching = false;
    await watcher;
    expect(views.map((view) => view.status)).toEqual(['completed', 'completed', 'completed']);
    expect(maxRunning).toBe(1);
    // The runs did not overlap: each started after the one before finished.
    const spans = views
      .map((view) => ({ start: Date.parse(view.startedAt!), end: Date.parse(view.finishedAt!) }))
      .sort((left, right) => left.start - right.start);
    for (let index = 1; index < spans.length; index++)
      expect(spans[index]!.start).toBeGreaterThanOrEqual(spans[index - 1]!.end - 5);
  });
});
