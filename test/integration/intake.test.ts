import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertFixtureText } from '../fixtures/alerts/load-fixture.js';
import { alertmanagerPayload } from '../support/alert-payloads.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';

describe('alert intake', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let hook: { id: string; url: string; secret: string };

  async function deliver(
    body: unknown,
    options: { secret?: string; url?: string; headers?: Record<string, string> } = {},
  ) {
    return api(app, 'POST', options.url ?? hook.url, {
      body,
      headers: { authorization: `Bearer ${options.secret ?? hook.secret}`, ...options.headers },
    });
  }

  async function incidentsOf(service: string) {
    return (await api(app, 'GET', `/api/v1/incidents?service=${service}`, { token: org.tokens.viewer })).body
      .items as Array<{
      id: string;
      title: string;
      status: string;
      alertCount: number;
      severity: string;
    }>;
  }

  async function jobsFor(incidentId: string): Promise<number> {
    const rows = await app.platform.database.query<{ count: number }>(
      `select count(*)::int as count from (
         select id from pgboss.job where name = 'investigation.run' and data->>'incidentId' = $1
           and data->>'investigationId' is null
         union all select id from pgboss.archive where name = 'investigation.run' and data->>'incidentId' = $1
           and data->>'investigationId' is null) jobs`,
      [incidentId],
    );
    return rows[0]?.count ?? 0;
  }

  beforeAll(async () => {
    app = await startTestApplication();
    org = await createTestOrganization(app);
    const created = await api(app, 'POST', '/api/v1/integrations', {
      token: org.tokens.editor,
      body: { source: 'alertmanager', name: 'prod alertmanager' },
    });
    expect(created.status).toBe(201);
    hook = created.body;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('creates integrations that show their secret once and keep it in the secret store', async () => {
    expect(hook.url).toBe(`/hooks/alertmanager/${hook.id}`);
    expect(hook.secret).toMatch(/^whsec_/);
    const listed = await api(app, 'GET', '/api/v1/integrations', { token: org.tokens.viewer });
    expect(listed.body.items).toHaveLength(1);
    expect(listed.text).not.toContain(hook.secret);
    const rows = await app.platform.database.query<{ secret_reference: string }>(
      'select secret_reference from integrations where id = $1',
      [hook.id],
    );
    expect(rows[0]?.secret_reference).toMatch(/^local:/);
    const viewer = await api(app, 'POST', '/api/v1/integrations', {
      token: org.tokens.viewer,
      body: { source: 'grafana', name: 'x' },
    });
    expect(viewer.status).toBe(403);
  });

  it('turns an Alertmanager delivery into an incident with one investigation job, and deduplicates', async () => {
    const fixture = JSON.parse(alertFixtureText('alertmanager-firing.json'));
    const first = await deliver(fixture);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accepted: 1, duplicate: false });

    const [incident] = await incidentsOf('checkout');
    expect(incident).toMatchObject({
      title: 'Checkout API 5xx rate above 5%',
      // Opened by intake; its investigation job may already have moved it along.
      status: expect.stringMatching(/^(open|investigating|analyzed)$/),
      severity: 'critical',
      alertCount: 1,
    });
    expect(await jobsFor(incident!.id)).toBe(1);

    // The same body again within the replay window is a no-op that still answers 2xx.
    const replay = await deliver(fixture);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ accepted: 0, duplicate: true });

    // Alertmanager re-notifying (a different body, same fingerprint) updates the alert, never adds one.
    fixture.alerts[0].annotations.description = 'now 9.1% of requests';
    expect((await deliver(fixture)).body).toEqual({ accepted: 1, duplicate: false });
    const detail = (await api(app, 'GET', `/api/v1/incidents/${incident!.id}`, { token: org.tokens.viewer })).body;
    expect(detail.alerts).toHaveLength(1);
    expect(detail.alerts[0]).toMatchObject({
      fingerprint: 'alertmanager:5b4f7a3c9e21d8f0',
      status: 'firing',
      occurrences: 2,
    });
    expect(detail.alerts[0].labels.service).toBe('checkout');
    // The worker may already have run the (placeholder) investigation, which adds its own entry.
    expect(detail.timeline.map((entry: { type: string }) => entry.type).slice(0, 3)).toEqual([
      'incident.created',
      'investigation.queued',
      'alerts.attached',
    ]);
    expect(await jobsFor(incident!.id)).toBe(1);

    // Resolution resolves the alert and, with every alert resolved, the incident.
    fixture.status = 'resolved';
    fixture.alerts[0].status = 'resolved';
    fixture.alerts[0].endsAt = '2024-05-14T09:40:00Z';
    expect((await deliver(fixture)).status).toBe(200);
    const resolved = (await api(app, 'GET', `/api/v1/incidents/${incident!.id}`, { token: org.tokens.viewer })).body;
    expect(resolved.status).toBe('resolved');
    expect(resolved.alerts[0]).toMatchObject({ status: 'resolved', endsAt: '2024-05-14T09:40:00.000Z' });
  });

  it('stores each delivery body once, byte for byte, and prunes bodies no alert points at', async () => {
    const payload = alertmanagerPayload([
      { alertname: 'DiskFull', service: 'ledger', fingerprint: 'payload0000000001' },
      { alertname: 'DiskFull', service: 'ledger', fingerprint: 'payload0000000002' },
    ]);
    // Odd spacing and key order survive: the body is kept as received, not re-serialised.
    const firstText = `{ "version":"4",${JSON.stringify(payload).slice(1)}\n`;
    const first = await api(app, 'POST', hook.url, {
      rawBody: firstText,
      headers: { authorization: `Bearer ${hook.secret}`, 'content-type': 'application/json' },
    });
    expect(first.body).toEqual({ accepted: 2, duplicate: false });
    const stored = await app.platform.database.query<{ id: string; payload_id: string }>(
      "select id, payload_id from alerts where fingerprint like 'alertmanager:payload%' order by fingerprint",
    );
    expect(stored).toHaveLength(2);
    // Two alerts, one stored body.
    expect(new Set(stored.map((row) => row.payload_id)).size).toBe(1);
    const read = await api(app, 'GET', `/api/v1/alerts/${stored[0]!.id}/payload`, { token: org.tokens.viewer });
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toMatch(/^application\/json/);
    expect(read.text).toBe(firstText);

    // A repeat of the second alert only: it points at the new body, the first alert keeps the old one.
    const secondText = JSON.stringify(
      alertmanagerPayload([{ alertname: 'DiskFull', service: 'ledger', fingerprint: 'payload0000000002' }]),
    );
    await api(app, 'POST', hook.url, {
      rawBody: secondText,
      headers: { authorization: `Bearer ${hook.secret}`, 'content-type': 'application/json' },
    });
    expect((await api(app, 'GET', `/api/v1/alerts/${stored[1]!.id}/payload`, { token: org.tokens.viewer })).text).toBe(
      secondText,
    );
    expect((await api(app, 'GET', `/api/v1/alerts/${stored[0]!.id}/payload`, { token: org.tokens.viewer })).text).toBe(
      firstText,
    );

    // Another org never sees it.
    const other = await createTestOrganization(app);
    expect(
      (await api(app, 'GET', `/api/v1/alerts/${stored[0]!.id}/payload`, { token: other.tokens.viewer })).status,
    ).toBe(404);

    // Make every body old enough to prune: only bodies some alert still points at survive.
    await app.platform.database.query("update alert_payloads set received_at = received_at - interval '1 day'");
    const orphan = await app.platform.database.query<{ count: number }>(
      'select count(*)::int as count from alert_payloads p where not exists (select 1 from alerts a where a.payload_id = p.id)',
    );
    const pruned = await app.services.intake.pruneDeliveries();
    expect(pruned.payloads).toBe(orphan[0]!.count);
    const left = await app.platform.database.query<{ count: number }>(
      'select count(*)::int as count from alert_payloads p where not exists (select 1 from alerts a where a.payload_id = p.id)',
    );
    expect(left[0]!.count).toBe(0);
    expect((await api(app, 'GET', `/api/v1/alerts/${stored[0]!.id}/payload`, { token: org.tokens.viewer })).text).toBe(
      firstText,
    );
  });

  it('groups an alert storm by Alertmanager group and by service', async () => {
    const groupKey = '{}:{alertname="DatabaseDown"}';
    const storm = alertmanagerPayload(
      Array.from({ length: 10 }, (_, index) => ({ alertname: 'DatabaseDown', service: `orders-db-${index}` })),
      { groupKey },
    );
    expect((await deliver(storm)).body.accepted).toBe(10);
    const again = alertmanagerPayload(
      Array.from({ length: 5 }, (_, index) => ({ alertname: 'DatabaseDown', service: `orders-db-${index + 10}` })),
      { groupKey },
    );
    expect((await deliver(again)).body.accepted).toBe(5);
    const [incident] = await incidentsOf('orders-db-0');
    expect(incident?.alertCount).toBe(15);

    // A different group on the same service joins by service.
    const sameService = alertmanagerPayload([{ alertname: 'SlowQueries', service: 'orders-db-0' }]);
    await deliver(sameService);
    const detail = (await api(app, 'GET', `/api/v1/incidents/${incident!.id}`, { token: org.tokens.viewer })).body;
    expect(detail.alertCount).toBe(16);
    const joined = detail.alerts.find((alert: { title: string }) => alert.title.startsWith('SlowQueries'));
    expect(joined.correlation).toMatchObject({ score: 0.8, reason: 'same service "orders-db-0"' });
    expect(await jobsFor(incident!.id)).toBe(1);

    // An unrelated service starts its own incident.
    await deliver(alertmanagerPayload([{ alertname: 'CertificateExpiry', service: 'edge-proxy' }]));
    expect(await incidentsOf('edge-proxy')).toHaveLength(1);
  });

  it('answers an error when storing fails midway, stores none of that delivery, and keeps serving', async () => {
    // Firing then resolved for one fingerprint makes two steps in one transaction: the first step's insert fails
    // (refused by a trigger), and the second step's statement then finds the transaction aborted. Neither
    // failure may go unhandled and take the process down.
    await app.platform.database.exec(`
      create or replace function refuse_test_alert() returns trigger language plpgsql as $$
      begin
        if new.service = 'refused-by-test' then raise exception 'refused by the test'; end if;
        return new;
      end $$;
      create trigger refuse_test_alert before insert on alerts for each row execute function refuse_test_alert();`);
    try {
      const fingerprint = 'f00dfeedf00dfeed';
      const refused = await deliver(
        alertmanagerPayload([
          { alertname: 'Refused', service: 'refused-by-test', fingerprint },
          { alertname: 'Refused', service: 'refused-by-test', fingerprint, status: 'resolved' },
        ]),
      );
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      const stored = await app.platform.database.query("select 1 from alerts where service = 'refused-by-test'");
      expect(stored).toHaveLength(0);
      const next = await deliver(alertmanagerPayload([{ alertname: 'StillServing', service: 'after-refusal' }]));
      expect(next.status).toBe(200);
      expect(await incidentsOf('after-refusal')).toHaveLength(1);
    } finally {
      await app.platform.database.exec('drop trigger refuse_test_alert on alerts; drop function refuse_test_alert();');
    }
  });

  it('rejects unauthenticated deliveries with 401, stores nothing, and counts and audits them', async () => {
    const payload = alertmanagerPayload([{ alertname: 'Sneaky', service: 'intruder' }]);
    const wrong = await deliver(payload, { secret: 'whsec_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    const missing = await api(app, 'POST', hook.url, { body: payload });
    expect(missing.status).toBe(401);
    const unknown = await deliver(payload, { url: '/hooks/alertmanager/00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(401);
    const wrongSource = await deliver(payload, { url: `/hooks/grafana/${hook.id}` });
    expect(wrongSource.status).toBe(401);
    expect(await incidentsOf('intruder')).toHaveLength(0);

    const metrics = await api(app, 'GET', '/metrics');
    expect(metrics.text).toMatch(
      /aurora_webhook_rejected_total\{source="alertmanager",reason="bad_credentials"\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /aurora_webhook_rejected_total\{source="alertmanager",reason="unknown_integration"\} [1-9]/,
    );
    const audit = await api(app, 'GET', '/api/v1/audit-log?action=webhook.rejected', { token: org.tokens.admin });
    expect(audit.body.items[0]).toMatchObject({
      targetId: hook.id,
      outcome: 'denied',
      details: { source: 'alertmanager' },
    });
  });

  it('answers bad input with a clear 400, 413 or 415', async () => {
    const unknownSource = await deliver({}, { url: `/hooks/nagios/${hook.id}` });
    expect(unknownSource.status).toBe(400);
    expect(unknownSource.body.detail).toMatch(/Unknown source "nagios"/);
    const malformed = await api(app, 'POST', hook.url, {
      rawBody: '{"alerts": [',
      headers: { authorization: `Bearer ${hook.secret}`, 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toMatch(/not valid JSON/);
    const missingField = await deliver({ version: '4', status: 'firing', receiver: 'x', groupKey: 'g' });
    expect(missingField.status).toBe(400);
    expect(missingField.body.detail).toMatch(/alerts/);
    const form = await api(app, 'POST', hook.url, {
      rawBody: 'a=b',
      headers: { authorization: `Bearer ${hook.secret}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const huge = await deliver(
      alertmanagerPayload([{ alertname: 'Big', service: 'big', labels: { blob: 'x'.repeat(1_100_000) } }]),
    );
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
  });

  it('stops accepting on a disabled integration and on a rotated secret', async () => {
    const created = await api(app, 'POST', '/api/v1/integrations', {
      token: org.tokens.editor,
      body: { source: 'alertmanager', name: 'rotate me' },
    });
    const { id, url, secret } = created.body;
    const payload = () => alertmanagerPayload([{ alertname: 'Rotation', service: 'rotation' }]);
    expect((await deliver(payload(), { url, secret })).status).toBe(200);

    const rotated = await api(app, 'POST', `/api/v1/integrations/${id}/rotate-secret`, { token: org.tokens.editor });
    expect(rotated.status).toBe(200);
    expect((await deliver(payload(), { url, secret })).status).toBe(401);
    expect((await deliver(payload(), { url, secret: rotated.body.secret })).status).toBe(200);

    const disabled = await api(app, 'PATCH', `/api/v1/integrations/${id}`, {
      token: org.tokens.editor,
      body: { enabled: false },
    });
    expect(disabled.body.enabled).toBe(false);
    const refused = await deliver(payload(), { url, secret: rotated.body.secret });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/disabled/);

    expect((await api(app, 'DELETE', `/api/v1/integrations/${id}`, { token: org.tokens.editor })).status).toBe(204);
    expect((await deliver(payload(), { url, secret: rotated.body.secret })).status).toBe(401);
  });

  it('merges, detaches and updates incidents', async () => {
    await deliver(
      alertmanagerPayload(
        [
          { alertname: 'QueueBacklog', service: 'merge-a' },
          { alertname: 'ConsumerLag', service: 'merge-a' },
        ],
        { groupKey: 'merge-a' },
      ),
    );
    await deliver(alertmanagerPayload([{ alertname: 'DiskPressure', service: 'merge-b' }], { groupKey: 'merge-b' }));
    const [a] = await incidentsOf('merge-a');
    const [b] = await incidentsOf('merge-b');
    const merged = await api(app, 'POST', `/api/v1/incidents/${a!.id}/merge`, {
      token: org.tokens.editor,
      body: { incidentId: b!.id },
    });
    expect(merged.status).toBe(200);
    expect(merged.body.alertCount).toBe(3);
    const source = (await api(app, 'GET', `/api/v1/incidents/${b!.id}`, { token: org.tokens.viewer })).body;
    expect(source).toMatchObject({ status: 'merged', mergedIntoId: a!.id, alerts: [] });
    const again = await api(app, 'POST', `/api/v1/incidents/${a!.id}/merge`, {
      token: org.tokens.editor,
      body: { incidentId: b!.id },
    });
    expect(again.status).toBe(409);

    const detail = (await api(app, 'GET', `/api/v1/incidents/${a!.id}`, { token: org.tokens.viewer })).body;
    const alertId = detail.alerts.find((alert: { service: string }) => alert.service === 'merge-b').id;
    const detached = await api(app, 'POST', `/api/v1/incidents/${a!.id}/alerts/${alertId}/detach`, {
      token: org.tokens.editor,
    });
    expect(detached.status).toBe(201);
    // Its own investigation starts at once and may already have moved it along.
    expect(detached.body).toMatchObject({
      alertCount: 1,
      service: 'merge-b',
      status: expect.stringMatching(/^(open|investigating|analyzed)$/),
    });
    expect(await jobsFor(detached.body.id)).toBe(1);
    expect((await api(app, 'GET', `/api/v1/incidents/${a!.id}`, { token: org.tokens.viewer })).body.alertCount).toBe(2);

    const patched = await api(app, 'PATCH', `/api/v1/incidents/${a!.id}`, {
      token: org.tokens.editor,
      body: { status: 'investigating', severity: 'high', assigneeId: org.userIds.editor },
    });
    expect(patched.body).toMatchObject({ status: 'investigating', severity: 'high', assigneeId: org.userIds.editor });
    const stranger = await api(app, 'PATCH', `/api/v1/incidents/${a!.id}`, {
      token: org.tokens.editor,
      body: { assigneeId: '00000000-0000-4000-8000-000000000001' },
    });
    expect(stranger.status).toBe(400);
    const timeline = (
      await api(app, 'GET', `/api/v1/incidents/${a!.id}`, { token: org.tokens.viewer })
    ).body.timeline.map((entry: { type: string }) => entry.type);
    expect(timeline).toEqual(
      expect.arrayContaining([
        'incident.merged_in',
        'alert.detached',
        'status.changed',
        'severity.changed',
        'assignee.changed',
      ]),
    );
  });

  it('streams incident.created and alert.received over Server-Sent Events, only to the right org', async () => {
    const other = await createTestOrganization(app, 'other');
    const controller = new AbortController();
    const mine = await fetch(`${app.url}/api/v1/incidents/stream`, {
      headers: { authorization: `Bearer ${org.tokens.viewer}` },
      signal: controller.signal,
    });
    const theirs = await fetch(`${app.url}/api/v1/incidents/stream`, {
      headers: { authorization: `Bearer ${other.tokens.viewer}` },
      signal: controller.signal,
    });
    expect(mine.headers.get('content-type')).toContain('text/event-stream');
    const read = async (response: Response, until: (text: string) => boolean, timeoutMs: number) => {
      const reader = response.body!.getReader();
      let text = '';
      const deadline = Date.now() + timeoutMs;
      while (!until(text) && Date.now() < deadline) {
        const chunk = await Promise.race([
          reader.read(),
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), deadline - Date.now())),
        ]);
        if (!chunk || chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      return text;
    };
    await deliver(alertmanagerPayload([{ alertname: 'Streamed', service: 'stream-svc' }]));
    const text = await read(mine, (received) => received.includes('event: alert.received'), 10_000);
    expect(text).toContain('event: incident.created');
    expect(text).toContain('"service":"stream-svc"');
    expect(text).toContain('event: alert.received');
    const leaked = await read(theirs, (received) => received.includes('stream-svc'), 1_000);
    expect(leaked).not.toContain('stream-svc');
    controller.abort();
  });

  it('accepts and authenticates every source', async () => {
    const cases: Array<[string, string, string]> = [
      ['grafana', 'grafana-firing.json', 'grafana'],
      ['datadog', 'datadog-recommended-triggered.json', 'datadog'],
      ['pagerduty', 'pagerduty-incident-triggered.json', 'pagerduty'],
      ['opsgenie', 'opsgenie-create.json', 'opsgenie'],
      ['sentry', 'sentry-issue-created.json', 'sentry'],
      ['generic', 'generic-single.json', 'generic'],
    ];
    for (const [source, fixture] of cases) {
      const created = await api(app, 'POST', '/api/v1/integrations', {
        token: org.tokens.editor,
        body: { source, name: source },
      });
      const response = await api(app, 'POST', created.body.url, {
        rawBody: alertFixtureText(fixture),
        headers: { authorization: `Bearer ${created.body.secret}`, 'content-type': 'application/json' },
      });
      expect({ source, status: response.status, body: response.body }).toMatchObject({
        source,
        status: 200,
        body: { duplicate: false },
      });
      expect(response.body.accepted).toBeGreaterThan(0);
    }
  });
});
