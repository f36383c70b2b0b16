import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadDocument, waitForDocument } from '../fixtures/knowledge/knowledge-client.js';
import { alertmanagerPayload } from '../support/alert-payloads.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { waitForInvestigation } from '../support/investigations.js';
import { ProviderApisStandIn } from '../support/provider-apis-stand-in.js';
import { exampleFor } from '../support/schema-examples.js';

/**
 * Walks every registered /api/v1 route with org B's admin token, aiming each at org A's resources:
 * A's ids in every path parameter and in every id-like body field. No response may contain A's data,
 * and A's rows must be unchanged afterwards. Routes are read from the running server, so routes added
 * later are covered without touching this test.
 */
describe('org isolation across every /api/v1 route', () => {
  let app: TestApplication;
  let orgA: TestOrganization;
  let orgB: TestOrganization;
  let providerApis: ProviderApisStandIn | undefined;
  const marker = `ORG-A-MARKER-${randomUUID()}`;

  /** Every table with an org_id column, and the ids of org A's rows in it. */
  async function orgScopedRows(orgId: string): Promise<Map<string, string[]>> {
    const tables = await app.platform.database.query<{ table_name: string }>(
      `select c.table_name from information_schema.columns c
         join information_schema.columns i on i.table_name = c.table_name and i.table_schema = c.table_schema and i.column_name = 'id'
        where c.table_schema = 'public' and c.column_name = 'org_id' order by 1`,
    );
    const result = new Map<string, string[]>();
    for (const { table_name: table } of tables) {
      const rows = await app.platform.database.query<{ id: string }>(
        `select id::text as id from "${table}" where org_id = $1 order by 1`,
        [orgId],
      );
      result.set(
        table,
        rows.map((row) => row.id),
      );
    }
    return result;
  }

  beforeAll(async () => {
    // A Grafana stand-in on loopback gives org A a connector connection (and so a secret reference) to aim at.
    providerApis = await ProviderApisStandIn.start({ grafanaToken: `${marker}-grafana-token` });
    app = await startTestApplication({ environment: { AURORA_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1' } });
    orgA = await createTestOrganization(app, marker);
    orgB = await createTestOrganization(app, 'org-b');
    // Give org A data of every kind the platform holds today, each carrying the marker where it can.
    await api(app, 'POST', '/api/v1/tokens', { token: orgA.tokens.admin, body: { name: `${marker} token` } });
    await api(app, 'POST', '/api/v1/members', {
      token: orgA.tokens.admin,
      body: {
        email: `member-${randomUUID()}@example.com`,
        role: 'viewer',
        name: `${marker} member`,
        password: 'a-long-enough-password',
      },
    });
    await app.platform.secrets.put({ orgId: orgA.orgId, actor: { type: 'system' } }, 'isolation/probe', {
      value: `${marker}-secret`,
    });
    const integration = await api(app, 'POST', '/api/v1/integrations', {
      token: orgA.tokens.admin,
      body: { source: 'alertmanager', name: `${marker} integration` },
    });
    for (const service of ['isolation-a', 'isolation-b']) {
      const delivered = await api(app, 'POST', integration.body.url, {
        body: alertmanagerPayload([
          { alertname: `${marker} alert`, service },
          { alertname: 'Second', service },
        ]),
        headers: { authorization: `Bearer ${integration.body.secret}` },
      });
      expect(delivered.status).toBe(200);
    }
    // Investigations of A's incidents (run by the intake's jobs), finished before the walk, with feedback as memory.
    const incidentsOfA = await api(app, 'GET', '/api/v1/incidents', { token: orgA.tokens.viewer });
    for (const incident of incidentsOfA.body.items as Array<{ id: string }>) {
      await waitForInvestigation(app, orgA.tokens.viewer, incident.id);
      const feedback = await api(app, 'POST', `/api/v1/incidents/${incident.id}/feedback`, {
        token: orgA.tokens.editor,
        body: { helpful: false, comment: `${marker} feedback`, correctRootCause: `${marker} isolation-a` },
      });
      expect(feedback.status).toBe(201);
    }
    // A knowledge document (indexed before the walk, so its chunks do not change under the row comparison).
    const knowledgeDocument = await uploadDocument(app, orgA.tokens.editor, {
      name: 'isolation.md',
      bytes: `# ${marker} runbook\n\nOrg A only.`,
    });
    expect(knowledgeDocument.status).toBe(202);
    expect((await waitForDocument(app, orgA.tokens.admin, knowledgeDocument.body.id as string)).status).toBe('indexed');
    const connection = await api(app, 'POST', '/api/v1/connectors/grafana/connections', {
      token: orgA.tokens.admin,
      body: {
        kind: 'bearer',
        name: `${marker} grafana`,
        url: `${providerApis.url}/grafana`,
        token: `${marker}-grafana-token`,
      },
    });
    expect(connection.status).toBe(201);
    // Notification settings (disabled, so nothing is sent) and a settled delivery carrying the marker.
    const notifications = await api(app, 'PUT', '/api/v1/settings/notifications', {
      token: orgA.tokens.admin,
      body: {
        email: {
          host: 'smtp.example.com',
          from: 'aurora@example.com',
          to: [`${marker}@example.com`],
          user: 'mailer',
          password: `${marker}-smtp-password`,
          enabled: false,
        },
      },
    });
    expect(notifications.status).toBe(200);
    await app.platform.database.query(
      `insert into notification_deliveries (id, org_id, channel, event_type, incident_id, message, status, attempts, last_error)
       values ($1, $2, 'email', 'investigation.started', null, $3::jsonb, 'failed', 1, $4)`,
      [randomUUID(), orgA.orgId, JSON.stringify({ marker }), `${marker} failure`],
    );
    // Chat and agent data (no model needed): a chat session, a run and a pending approval carrying the marker.
    const chatSession = await app.services.chat.openSession({
      kind: 'api_token',
      userId: orgA.adminUserId,
      email: orgA.adminEmail,
      orgId: orgA.orgId,
      role: 'admin',
    });
    const runId = randomUUID();
    await app.platform.database.query(
      `insert into agent_runs (id, org_id, session_id, kind, mode, status) values ($1, $2, $3, 'chat', 'agent', 'running')`,
      [runId, orgA.orgId, chatSession.sessionId],
    );
    await app.services.agent.approvals.request({
      orgId: orgA.orgId,
      runId,
      sessionId: chatSession.sessionId,
      callId: 'call-1',
      tool: 'update_incident',
      input: { note: marker },
      summary: `${marker} approval`,
      approverRole: 'editor',
    });
  });
  afterAll(async () => {
    await app?.close();
    await providerApis?.stop();
  });

  it('never returns or changes org A data when org B aims at it', async () => {
    const before = await orgScopedRows(orgA.orgId);
    const targetIds = [...new Set([...before.values()].flat().filter((id) => /^[0-9a-f-]{36}$/.test(id)))];
    targetIds.push(orgA.orgId, ...Object.values(orgA.userIds));
    expect(targetIds.length).toBeGreaterThan(5);

    const openApi = (await api(app, 'GET', '/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: object }> } }>>;
    };
    const routes = app.http!.routeCatalog.filter(
      (route) => route.url.startsWith('/api/v1/') && route.auth !== 'public',
    );
    expect(routes.length).toBeGreaterThanOrEqual(10);

    const failures: string[] = [];
    let requests = 0;
    for (const route of routes) {
      const parameterNames = [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
      const openApiPath = route.url.replace(/:(\w+)/g, '{$1}');
      const bodySchema =
        openApi.paths[openApiPath]?.[route.method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
      // Each target id in turn: in the path when the route has parameters, and in the body's id fields.
      for (const targetId of parameterNames.length > 0 || bodySchema ? targetIds : [undefined]) {
        const path = route.url.replace(/:(\w+)/g, () => targetId ?? randomUUID());
        const body =
          route.method === 'GET' || route.method === 'DELETE'
            ? undefined
            : (exampleFor(bodySchema as never, {
                uuid: () => targetId ?? randomUUID(),
                email: orgA.adminEmail,
                text: 'probe',
              }) ?? {});
        const response = await api(app, route.method, path, { token: orgB.tokens.admin, body });
        requests++;
        // The id we aimed with may be echoed back (e.g. in a 404's `instance`); anything else of org A may not.
        const leaked = [marker, ...targetIds.filter((id) => id !== targetId)].filter((value) =>
          response.text.includes(value),
        );
        if (leaked.length > 0)
          failures.push(`${route.method} ${path} → ${response.status} leaked ${leaked.join(', ')}`);
        if (parameterNames.length > 0 && response.status >= 200 && response.status < 300) {
          failures.push(`${route.method} ${path} → ${response.status}: org B reached org A's resource`);
        }
        expect(response.status).toBeLessThan(500);
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(routes.length);

    const after = await orgScopedRows(orgA.orgId);
    for (const [table, ids] of before) {
      if (table === 'audit_log') continue; // org A's own audit trail is append-only and may only grow from A's own actions
      expect({ table, ids: after.get(table) }).toEqual({ table, ids });
    }
    // Org A's admin token still works: nothing org B did revoked it.
    expect((await api(app, 'GET', '/api/v1/members', { token: orgA.tokens.admin })).status).toBe(200);
  });

  it('answers 401 on every non-public /api/v1 route without credentials', async () => {
    const routes = app.http!.routeCatalog.filter(
      (route) => route.url.startsWith('/api/v1/') && route.auth !== 'public',
    );
    for (const route of routes) {
      const response = await api(
        app,
        route.method,
        route.url.replace(/:(\w+)/g, () => randomUUID()),
      );
      expect({ route: `${route.method} ${route.url}`, status: response.status }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 401,
      });
    }
  });
});
