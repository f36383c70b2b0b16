import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { ChatClient } from '../support/chat-client.js';
import { chatModel, ScriptedModel } from '../support/scripted-model.js';

// The real reference MCP server from node_modules, started with an argument array (no network, no shell).
const everything = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** server-everything's streamable HTTP transport on a loopback port. */
async function startHttpEverything(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [everything, 'streamableHttp'], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server-everything (HTTP) did not start')), 15_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on port')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`server-everything exited with ${code}`)));
  });
  child.stdout?.resume();
  return { url: `http://127.0.0.1:${port}/mcp`, child };
}

describe('MCP client: external servers as agent tools (real server-everything)', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let other: TestOrganization;
  let script: ScriptedModel | undefined;
  let stdioServerId: string;
  let httpEverything: { url: string; child: ChildProcess };
  const envSecret = `env-secret-${Math.random().toString(36).slice(2)}`;
  const headerSecret = `header-secret-${Math.random().toString(36).slice(2)}`;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    httpEverything = await startHttpEverything();
    app = await startTestApplication({
      environment: {
        AURORA_MCP_STDIO_ENABLED: 'true',
        // Only the loopback address of the HTTP stand-in is let through the SSRF policy.
        AURORA_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
      },
      serviceOverrides: { languageModel: chatModel(() => script) },
    });
    org = await createTestOrganization(app, 'mcp');
    other = await createTestOrganization(app, 'mcp-other');
    const created = await api(app, 'POST', '/api/v1/mcp/servers', {
      token: org.tokens.admin,
      body: {
        name: 'everything',
        transport: 'stdio',
        command: process.execPath,
        args: [everything, 'stdio'],
        env: { EVERYTHING_TOKEN: envSecret },
      },
    });
    expect(created.status, created.text).toBe(201);
    stdioServerId = created.body.id;
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
    httpEverything?.child.kill('SIGTERM');
  });

  async function chat(text: string, mode: 'ask' | 'agent' = 'ask', token = org.tokens.editor) {
    const client = await ChatClient.connect(app.url, { token });
    clients.push(client);
    const sessionId = await client.openSession();
    client.send({ type: 'message.send', sessionId, text, mode });
    const started = await client.next('run.started');
    return { client, runId: started.runId as string };
  }

  it('registers a stdio server for admins only, and never returns its environment values', async () => {
    expect(created(await api(app, 'GET', '/api/v1/mcp/servers', { token: org.tokens.viewer }))).toMatchObject([
      { name: 'everything', transport: 'stdio', envNames: ['EVERYTHING_TOKEN'], access: 'readOnly', enabled: true },
    ]);
    for (const token of [org.tokens.viewer, org.tokens.editor]) {
      const refused = await api(app, 'POST', '/api/v1/mcp/servers', {
        token,
        body: { name: 'sneaky', transport: 'stdio', command: '/bin/sh', args: ['-c', 'id'] },
      });
      expect(refused.status).toBe(403);
      expect(
        (await api(app, 'PATCH', `/api/v1/mcp/servers/${stdioServerId}`, { token, body: { enabled: false } })).status,
      ).toBe(403);
    }
    const duplicate = await api(app, 'POST', '/api/v1/mcp/servers', {
      token: org.tokens.admin,
      body: { name: 'everything', transport: 'stdio', command: process.execPath },
    });
    expect(duplicate.status).toBe(409);
    const shellString = await api(app, 'POST', '/api/v1/mcp/servers', {
      token: org.tokens.admin,
      body: { name: 'preload', transport: 'stdio', command: process.execPath, env: { NODE_OPTIONS: '--require x' } },
    });
    expect(shellString.status).toBe(400);

    const rows = await app.platform.database.query('select * from mcp_servers where org_id = $1', [org.orgId]);
    expect(JSON.stringify(rows)).not.toContain(envSecret);
    const audit = await app.platform.database.query<{ action: string; details: unknown }>(
      "select action, details from audit_log where org_id = $1 and action like 'mcp_server.%'",
      [org.orgId],
    );
    expect(audit.map((entry) => entry.action)).toContain('mcp_server.created');
    expect(JSON.stringify(audit)).not.toContain(envSecret);
  });

  it("lists the server's tools with a server prefix, read-only by default", async () => {
    const tools = await api(app, 'GET', `/api/v1/mcp/servers/${stdioServerId}/tools`, { token: org.tokens.viewer });
    expect(tools.status).toBe(200);
    expect(tools.body).toMatchObject({ server: 'everything', connected: true, error: null });
    const byName = new Map(tools.body.tools.map((tool: { name: string }) => [tool.name, tool]));
    expect(byName.get('everything__get_sum')).toMatchObject({ serverToolName: 'get-sum', access: 'readOnly' });
    expect(byName.get('everything__echo')).toMatchObject({ serverToolName: 'echo', access: 'readOnly' });
  });

  it('runs an MCP tool through the real chat tool path, with its secret environment from the secret store', async () => {
    script = new ScriptedModel([
      [{ toolCall: { name: 'everything__get_sum', input: { a: 2, b: 3 } } }],
      [{ toolCall: { name: 'everything__get_env', input: {} } }],
      [{ text: 'Two plus three is five.' }],
    ]);
    const { client, runId } = await chat('What is 2 + 3?');
    expect(await client.next('run.finished')).toMatchObject({ status: 'completed' });
    const finished = client.runFrames(runId).filter((frame) => frame.type === 'tool.finished');
    expect(finished[0]).toMatchObject({ tool: 'everything__get_sum', status: 'ok' });
    expect(finished[0]!.output).toContain('The sum of 2 and 3 is 5.');
    expect(finished[1]).toMatchObject({ tool: 'everything__get_env', status: 'ok' });
    expect(finished[1]!.output).toContain(envSecret);
    // Aurora's own environment is not handed to the child (only PATH, HOME and the like).
    expect(finished[1]!.output).not.toContain('AURORA_');

    const offered = (script.calls[0]!.tools ?? []).map((tool) => tool.name);
    expect(offered).toEqual(expect.arrayContaining(['list_incidents', 'everything__get_sum', 'everything__echo']));
    const sumTool = script.calls[0]!.tools!.find((tool) => tool.name === 'everything__get_sum') as {
      inputSchema?: { properties?: Record<string, unknown> };
      description?: string;
    };
    expect(Object.keys(sumTool.inputSchema?.properties ?? {})).toEqual(['a', 'b']);
    expect(sumTool.description).toContain('[From the MCP server "everything", tool "get-sum"]');
    expect(script.prompt(1)).toContain('<tool_output tool=\\"everything__get_sum\\" status=\\"ok\\">');

    const [call] = await app.platform.database.query<{ status: string; output_excerpt: string }>(
      "select status, output_excerpt from agent_tool_calls where org_id = $1 and run_id = $2 and tool = 'everything__get_sum'",
      [org.orgId, runId],
    );
    expect(call).toMatchObject({ status: 'ok', output_excerpt: 'The sum of 2 and 3 is 5.' });
  });

  it('returns input that fails the server’s schema to the model as a tool error', async () => {
    script = new ScriptedModel([
      [{ toolCall: { name: 'everything__get_sum', input: { a: 'two', b: 3 } } }],
      [{ text: 'I passed a bad number.' }],
    ]);
    const { client, runId } = await chat('add two and three');
    expect(await client.next('run.finished')).toMatchObject({ status: 'completed' });
    const finished = client.runFrames(runId).find((frame) => frame.type === 'tool.finished')!;
    expect(finished).toMatchObject({ tool: 'everything__get_sum', status: 'invalid_input' });
    expect(script.prompt(1)).toContain('tool-result everything__get_sum');
    expect(script.prompt(1)).toMatch(/error-text/);
  });

  it('routes a tool the admin marked mutating through the durable approval flow', async () => {
    const patched = await api(app, 'PATCH', `/api/v1/mcp/servers/${stdioServerId}`, {
      token: org.tokens.admin,
      body: { toolAccess: { echo: 'mutating' } },
    });
    expect(patched.status, patched.text).toBe(200);
    script = new ScriptedModel([
      [{ toolCall: { name: 'everything__echo', input: { message: 'restart checkout' } } }],
      [{ text: 'Done.' }],
    ]);
    // Not offered in ask mode.
    const ask = await chat('echo in ask mode');
    await ask.client.next('run.finished');
    expect((script.calls[0]!.tools ?? []).map((tool) => tool.name)).not.toContain('everything__echo');

    script = new ScriptedModel([
      [{ toolCall: { name: 'everything__echo', input: { message: 'restart checkout' } } }],
      [{ text: 'Done.' }],
    ]);
    const { client, runId } = await chat('echo it', 'agent');
    const requested = await client.next('confirmation.requested');
    expect(requested).toMatchObject({ tool: 'everything__echo', input: { message: 'restart checkout' } });
    expect(requested.summary).toContain('on the MCP server "everything"');
    client.send({ type: 'confirmation.respond', confirmationId: requested.confirmationId, decision: 'approve' });
    expect(await client.next('run.finished')).toMatchObject({ status: 'completed' });
    const finished = client.runFrames(runId).find((frame) => frame.type === 'tool.finished')!;
    expect(finished).toMatchObject({ tool: 'everything__echo', status: 'ok', output: 'Echo: restart checkout' });
    const [approval] = await app.platform.database.query<{ status: string }>(
      'select status from agent_approvals where org_id = $1 and id = $2',
      [org.orgId, requested.confirmationId],
    );
    expect(approval?.status).toBe('approved');
  });

  it('times a slow tool out with the server’s timeout and stays usable', async () => {
    await api(app, 'PATCH', `/api/v1/mcp/servers/${stdioServerId}`, {
      token: org.tokens.admin,
      body: { timeoutMs: 1_000, toolAccess: {} },
    });
    script = new ScriptedModel([
      [{ toolCall: { name: 'everything__trigger_long_running_operation', input: { duration: 5, steps: 5 } } }],
      [{ toolCall: { name: 'everything__echo', input: { message: 'after' } } }],
      [{ text: 'It took too long.' }],
    ]);
    const { client, runId } = await chat('run the long thing');
    expect(await client.next('run.finished', 20_000)).toMatchObject({ status: 'completed' });
    const finished = client.runFrames(runId).filter((frame) => frame.type === 'tool.finished');
    expect(finished[0]).toMatchObject({ tool: 'everything__trigger_long_running_operation', status: 'timeout' });
    expect(finished[1]).toMatchObject({ tool: 'everything__echo', status: 'ok', output: 'Echo: after' });
  });

  it('connects to a streamable HTTP server through the SSRF-guarded fetch, with headers kept secret', async () => {
    const refused = await api(app, 'POST', '/api/v1/mcp/servers', {
      token: org.tokens.admin,
      body: { name: 'metadata', transport: 'http', url: 'http://169.254.169.254/mcp' },
    });
    expect(refused.status).toBe(400);

    const created = await api(app, 'POST', '/api/v1/mcp/servers', {
      token: org.tokens.admin,
      body: {
        name: 'remote',
        transport: 'http',
        url: httpEverything.url,
        headers: { Authorization: `Bearer ${headerSecret}` },
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.headerNames).toEqual(['Authorization']);
    expect(created.text).not.toContain(headerSecret);
    const listed = await api(app, 'GET', '/api/v1/mcp/servers', { token: org.tokens.viewer });
    expect(listed.text).not.toContain(headerSecret);

    script = new ScriptedModel([
      [{ toolCall: { name: 'remote__get_sum', input: { a: 40, b: 2 } } }],
      [{ text: '42.' }],
    ]);
    const { client, runId } = await chat('40 + 2 over HTTP');
    expect(await client.next('run.finished')).toMatchObject({ status: 'completed' });
    const finished = client.runFrames(runId).find((frame) => frame.type === 'tool.finished')!;
    expect(finished).toMatchObject({ tool: 'remote__get_sum', status: 'ok' });
    expect(finished.output).toContain('The sum of 40 and 2 is 42.');

    const deleted = await api(app, 'DELETE', `/api/v1/mcp/servers/${created.body.id}`, { token: org.tokens.admin });
    expect(deleted.status).toBe(204);
    const rows = await app.platform.database.query('select * from mcp_servers where org_id = $1', [org.orgId]);
    expect(JSON.stringify(rows)).not.toContain(headerSecret);
  });

  it("keeps each org's servers to itself", async () => {
    for (const [method, path] of [
      ['GET', `/api/v1/mcp/servers/${stdioServerId}`],
      ['GET', `/api/v1/mcp/servers/${stdioServerId}/tools`],
      ['PATCH', `/api/v1/mcp/servers/${stdioServerId}`],
      ['DELETE', `/api/v1/mcp/servers/${stdioServerId}`],
    ] as const) {
      const response = await api(app, method, path, {
        token: other.tokens.admin,
        ...(method === 'PATCH' ? { body: { enabled: false } } : {}),
      });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    expect((await api(app, 'GET', '/api/v1/mcp/servers', { token: other.tokens.viewer })).body.items).toEqual([]);
    script = new ScriptedModel([[{ text: 'ok' }]]);
    const { client } = await chat('hello', 'agent', other.tokens.editor);
    await client.next('run.finished');
    expect((script.calls[0]!.tools ?? []).map((tool) => tool.name).filter((name) => name.includes('__'))).toEqual([]);
  });

  it('stops offering a disabled server', async () => {
    await api(app, 'PATCH', `/api/v1/mcp/servers/${stdioServerId}`, {
      token: org.tokens.admin,
      body: { enabled: false },
    });
    script = new ScriptedModel([[{ text: 'ok' }]]);
    const { client } = await chat('hello');
    await client.next('run.finished');
    expect((script.calls[0]!.tools ?? []).map((tool) => tool.name).filter((name) => name.includes('__'))).toEqual([]);
  });
});

function created(response: { body: { items: unknown[] } }): unknown[] {
  return response.body.items;
}
