import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../test/support/logger.js';
import { createOutboundFetch } from '../../../platform/http-client/outbound-fetch.js';
import { strictOutboundPolicy } from '../../../platform/http-client/outbound-policy.js';
import { McpConnections, type McpConnectionsOptions, type McpEndpoint, McpUnavailable } from './mcp-connections.js';
import { mcpResultText } from './mcp-tool-output.js';

// The real reference server, run from node_modules with an argument array (no network, no shell).
const everything = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const stdioEndpoint: McpEndpoint = {
  transport: 'stdio',
  command: process.execPath,
  args: [everything, 'stdio'],
  env: { AURORA_MCP_TEST_VALUE: 'from-the-secret-store' },
  headers: {},
};
const key = { id: '7d3f1f5e-2d7b-4a44-9d7e-4b0e7f3c8a10', orgId: 'org', name: 'everything', version: 1 };

function pool(overrides: Partial<McpConnectionsOptions> = {}): McpConnections {
  return new McpConnections({
    connectTimeoutMs: 15_000,
    idleMs: 60_000,
    retryAfterFailureMs: 30_000,
    stdio: { enabled: true, allowedCommands: [] },
    outbound: { policy: strictOutboundPolicy, fetch: createOutboundFetch(strictOutboundPolicy) },
    logger: silentLogger(),
    resolve: async () => stdioEndpoint,
    clientVersion: 'test',
    ...overrides,
  });
}

describe('McpConnections (server-everything over stdio)', () => {
  const opened: McpConnections[] = [];
  afterEach(async () => {
    for (const connections of opened.splice(0)) await connections.close();
  });
  const open = (overrides: Partial<McpConnectionsOptions> = {}) => {
    const connections = pool(overrides);
    opened.push(connections);
    return connections;
  };
  const call = (connections: McpConnections, name: string, input: unknown, timeoutMs = 10_000) =>
    connections.call(key, name, input, { signal: new AbortController().signal, timeoutMs, retry: true });

  it('connects lazily, lists tools, calls one, and gives the child only the safe environment plus its own', async () => {
    let resolved = 0;
    const connections = open({
      resolve: async () => {
        resolved++;
        return stdioEndpoint;
      },
    });
    expect(resolved).toBe(0);
    const tools = await connections.tools(key);
    expect(resolved).toBe(1);
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'get-sum', 'get-env']));
    expect(mcpResultText(await call(connections, 'get-sum', { a: 2, b: 3 }))).toBe('The sum of 2 and 3 is 5.');

    process.env.AURORA_MCP_TEST_CANARY = 'must-not-leak';
    try {
      const environment = JSON.parse(mcpResultText(await call(connections, 'get-env', {})));
      expect(environment.AURORA_MCP_TEST_VALUE).toBe('from-the-secret-store');
      expect(environment.AURORA_MCP_TEST_CANARY).toBeUndefined();
    } finally {
      delete process.env.AURORA_MCP_TEST_CANARY;
    }
    expect(resolved).toBe(1);
  });

  it('reconnects after the server process dies', async () => {
    const connections = open();
    await connections.tools(key);
    const before = JSON.parse(mcpResultText(await call(connections, 'get-env', {})));
    const pids = childPids();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await waitFor(() => !connections.status(key.id).connected);
    expect(mcpResultText(await call(connections, 'get-sum', { a: 1, b: 1 }))).toBe('The sum of 1 and 1 is 2.');
    expect(connections.status(key.id).connected).toBe(true);
    expect(before).toBeTruthy();
  });

  it('cancels a call when its signal fires and keeps the connection usable', async () => {
    const connections = open();
    const controller = new AbortController();
    const started = Date.now();
    const pending = connections.call(
      key,
      'trigger-long-running-operation',
      { duration: 10, steps: 10 },
      {
        signal: controller.signal,
        timeoutMs: 30_000,
        retry: true,
      },
    );
    setTimeout(() => controller.abort(new Error('timed out')), 500);
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(mcpResultText(await call(connections, 'echo', { message: 'still here' }))).toBe('Echo: still here');
  });

  it('reports the server’s own input errors without dropping the connection', async () => {
    const connections = open();
    const result = await call(connections, 'get-sum', { a: 'two' });
    expect(() => mcpResultText(result)).toThrow(/a|number|Invalid/i);
    expect(connections.status(key.id).connected).toBe(true);
  });

  it('refuses to start stdio servers when the operator disabled them, or a command outside the allow-list', async () => {
    await expect(open({ stdio: { enabled: false, allowedCommands: [] } }).tools(key)).rejects.toThrow(
      /AURORA_MCP_STDIO_ENABLED/,
    );
    await expect(open({ stdio: { enabled: true, allowedCommands: ['/usr/bin/true'] } }).tools(key)).rejects.toThrow(
      /AURORA_MCP_STDIO_COMMANDS/,
    );
    expect(childPids()).toEqual([]);
  });

  it('says why a server cannot start, and backs off listing for a while', async () => {
    const connections = open({
      resolve: async () => ({
        ...stdioEndpoint,
        args: ['-e', 'console.error("boom: missing config"); process.exit(3)'],
      }),
    });
    const failure = await connections.tools(key).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(McpUnavailable);
    expect(String(failure)).toContain('boom: missing config');
    const started = Date.now();
    await expect(connections.tools(key)).rejects.toThrow(/boom/);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('refuses an HTTP server on a private address (SSRF policy)', async () => {
    const connections = open({
      resolve: async () => ({ transport: 'http', url: 'http://127.0.0.1:9/mcp', env: {}, headers: {} }),
    });
    await expect(connections.tools(key)).rejects.toThrow(/private or loopback/);
  });
});

/** server-everything processes this test process started. */
function childPids(): number[] {
  const { execFileSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const output = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return output
    .split('\n')
    .filter((line) => line.includes('server-everything'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
