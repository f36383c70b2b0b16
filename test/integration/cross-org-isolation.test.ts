import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerPayload } from '../support/alert-payloads.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
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
    app = await startTestApplication();
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
  });
  afterAll(async () => {
    await app?.close();
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
