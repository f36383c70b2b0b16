import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerPayload } from '../support/alert-payloads.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';

type ToolResult = { content: Array<{ type: string; text?: string }>; isError?: boolean };

describe("Aurora's MCP endpoint (/mcp) with the MCP SDK client", () => {
  let app: TestApplication;
  let orgA: TestOrganization;
  let orgB: TestOrganization;
  let incidentA: string;
  const clients: Client[] = [];

  async function connect(token: string): Promise<Client> {
    const client = new Client({ name: 'aurora-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('/mcp', app.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  }

  const text = (result: unknown) => (result as ToolResult).content.map((part) => part.text ?? '').join('\n');

  beforeAll(async () => {
    app = await startTestApplication();
    orgA = await createTestOrganization(app, 'mcp-a');
    orgB = await createTestOrganization(app, 'mcp-b');
    const integration = await api(app, 'POST', '/api/v1/integrations', {
      token: orgA.tokens.admin,
      body: { source: 'alertmanager', name: 'prometheus' },
    });
    const delivered = await api(app, 'POST', integration.body.url, {
      body: alertmanagerPayload([{ alertname: 'PaymentsErrorRate', service: 'payments' }]),
      headers: { authorization: `Bearer ${integration.body.secret}` },
    });
    expect(delivered.status).toBe(200);
    incidentA = (await api(app, 'GET', '/api/v1/incidents', { token: orgA.tokens.viewer })).body.items[0].id;
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await app?.close();
  });

  it('answers 401 without an API token, with a bad one, and to a session cookie', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    };
    const headers = { accept: 'application/json, text/event-stream' };
    expect((await api(app, 'POST', '/mcp', { body: initialize, headers })).status).toBe(401);
    const bad = await api(app, 'POST', '/mcp', { body: initialize, headers, token: 'aur_not-a-real-token' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('Bearer');

    const login = await api(app, 'POST', '/api/v1/auth/login', {
      body: { email: orgA.adminEmail, password: orgA.adminPassword },
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toContain('aurora_session=');
    expect((await api(app, 'POST', '/mcp', { body: initialize, headers, cookie })).status).toBe(401);

    const client = new Client({ name: 'aurora-test', version: '1.0.0' });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL('/mcp', app.url)))).rejects.toThrow();
    // Stateless: no SSE stream or session to end; the SPA fallback does not answer either.
    expect((await api(app, 'GET', '/mcp', { token: orgA.tokens.viewer })).status).toBe(405);
    expect((await api(app, 'GET', '/mcp')).status).toBe(401);
  });

  it('lists the incident tools and knowledge search; update_incident only for editor tokens', async () => {
    const viewer = await connect(orgA.tokens.viewer);
    const viewerTools = (await viewer.listTools()).tools;
    expect(viewerTools.map((tool) => tool.name).sort()).toEqual(['get_incident', 'knowledge_search', 'list_incidents']);
    expect(viewerTools.find((tool) => tool.name === 'list_incidents')?.annotations?.readOnlyHint).toBe(true);

    const editor = await connect(orgA.tokens.editor);
    const editorTools = (await editor.listTools()).tools;
    const update = editorTools.find((tool) => tool.name === 'update_incident');
    expect(update?.annotations?.readOnlyHint).toBe(false);
    expect(Object.keys((update?.inputSchema as { properties?: object } | undefined)?.properties ?? {})).toEqual(
      expect.arrayContaining(['incidentId', 'status', 'severity']),
    );

    const refused = (await viewer.callTool({
      name: 'update_incident',
      arguments: { incidentId: incidentA, status: 'resolved' },
    })) as ToolResult;
    expect(refused.isError).toBe(true);
    expect(
      (await api(app, 'GET', `/api/v1/incidents/${incidentA}`, { token: orgA.tokens.viewer })).body.status,
    ).not.toBe('resolved');
  });

  it("reads the token's own org's incidents and updates one with an editor token (audited)", async () => {
    const client = await connect(orgA.tokens.editor);
    const listed = await client.callTool({ name: 'list_incidents', arguments: {} });
    expect(text(listed)).toContain(incidentA);
    expect(text(listed)).toContain('PaymentsErrorRate');
    const one = await client.callTool({ name: 'get_incident', arguments: { incidentId: incidentA } });
    expect(text(one)).toContain('payments');

    const invalid = (await client.callTool({ name: 'get_incident', arguments: { incidentId: 'nope' } })) as ToolResult;
    expect(invalid.isError).toBe(true);

    const updated = (await client.callTool({
      name: 'update_incident',
      arguments: { incidentId: incidentA, severity: 'critical' },
    })) as ToolResult;
    expect(updated.isError, text(updated)).toBeFalsy();
    const incident = await api(app, 'GET', `/api/v1/incidents/${incidentA}`, { token: orgA.tokens.viewer });
    expect(incident.body.severity).toBe('critical');
    const audit = await app.platform.database.query<{ actor_type: string; target_id: string }>(
      "select actor_type, target_id from audit_log where org_id = $1 and action = 'mcp.tool_called'",
      [orgA.orgId],
    );
    expect(audit).toEqual([expect.objectContaining({ actor_type: 'api_token', target_id: 'update_incident' })]);

    const search = (await client.callTool({
      name: 'knowledge_search',
      arguments: { query: 'payments error rate' },
    })) as ToolResult;
    expect(search.isError, text(search)).toBeFalsy();
    expect(JSON.parse(text(search))).toHaveProperty('results');
  });

  it("never shows another org's incidents", async () => {
    const client = await connect(orgB.tokens.admin);
    expect(text(await client.callTool({ name: 'list_incidents', arguments: {} }))).not.toContain(incidentA);
    const foreign = (await client.callTool({
      name: 'get_incident',
      arguments: { incidentId: incidentA },
    })) as ToolResult;
    expect(foreign.isError).toBe(true);
    expect(text(foreign)).not.toContain('PaymentsErrorRate');
    const change = (await client.callTool({
      name: 'update_incident',
      arguments: { incidentId: incidentA, status: 'resolved' },
    })) as ToolResult;
    expect(change.isError).toBe(true);
    const incident = await api(app, 'GET', `/api/v1/incidents/${incidentA}`, { token: orgA.tokens.viewer });
    expect(incident.body.status).not.toBe('resolved');
  });
});
