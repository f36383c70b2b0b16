import { basename } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { OutboundFetch } from '../../../platform/http-client/outbound-fetch.js';
import { assertOutboundUrl, type OutboundPolicy } from '../../../platform/http-client/outbound-policy.js';
import type { Logger } from '../../../platform/logger/logger.js';
import type { McpCallResult } from './mcp-tool-output.js';

/** Everything needed to connect to one registered server, secrets included (read only when connecting). */
export interface McpEndpoint {
  transport: 'stdio' | 'http';
  command?: string | null;
  args?: string[] | null;
  url?: string | null;
  env: Record<string, string>;
  headers: Record<string, string>;
}

/** The identity of a registered server's configuration: a change of `version` means a new connection. */
export interface McpServerKey {
  id: string;
  orgId: string;
  name: string;
  version: number;
}

export interface McpListedTool {
  name: string;
  description?: string;
  inputSchema: unknown;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; title?: string };
}

export interface McpConnectionsOptions {
  /** Connecting and the initialize handshake; also tools/list. */
  connectTimeoutMs: number;
  /** A connection unused this long is closed (a stdio server's process ends). */
  idleMs: number;
  /** After a failed connect, listing the server's tools is skipped for this long (calls still try). */
  retryAfterFailureMs: number;
  stdio: { enabled: boolean; allowedCommands: string[] };
  outbound: { policy: OutboundPolicy; fetch: OutboundFetch };
  logger: Logger;
  /** Reads the server's secrets; called on each (re)connect, never cached here. */
  resolve(key: McpServerKey): Promise<McpEndpoint>;
  clientVersion: string;
}

/** Tools listed per server at most (the rest are ignored, with a warning). */
export const maxToolsPerServer = 128;
const maxStderrTailChars = 2_000;

/** The MCP server could not be reached or its connection broke. */
export class McpUnavailable extends Error {}

interface Connection {
  key: McpServerKey;
  client?: Client;
  connecting?: Promise<Client>;
  tools?: McpListedTool[];
  failedUntil: number;
  lastError?: string;
  idleTimer?: NodeJS.Timeout;
  inFlight: number;
}

/**
 * This process's connections to external MCP servers, one per registered server: opened lazily on first use,
 * reopened after a failure, closed when idle or when the server's configuration changes.
 */
export class McpConnections {
  private readonly connections = new Map<string, Connection>();
  private closed = false;

  constructor(private readonly options: McpConnectionsOptions) {}

  /** The server's tools (cached per connection; refreshed when the server says its list changed). */
  async tools(key: McpServerKey): Promise<McpListedTool[]> {
    const connection = this.entry(key);
    if (connection.tools) {
      this.touch(connection);
      return connection.tools;
    }
    if (!connection.client && Date.now() < connection.failedUntil) {
      throw new McpUnavailable(connection.lastError ?? 'the last connection attempt failed');
    }
    const client = await this.connect(connection);
    connection.inFlight++;
    try {
      const listed: McpListedTool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20 && listed.length < maxToolsPerServer; page++) {
        const result = await client.listTools(cursor ? { cursor } : undefined, {
          timeout: this.options.connectTimeoutMs,
        });
        listed.push(...(result.tools as McpListedTool[]));
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      if (listed.length > maxToolsPerServer) {
        this.options.logger.warn(
          { server: key.name, orgId: key.orgId, tools: listed.length },
          `MCP server lists more than ${maxToolsPerServer} tools; the rest are ignored`,
        );
      }
      const tools = listed.slice(0, maxToolsPerServer);
      if (connection.client === client) connection.tools = tools;
      return tools;
    } catch (error) {
      if (isBroken(error)) await this.dropConnection(connection, client);
      throw error;
    } finally {
      connection.inFlight--;
      this.touch(connection);
    }
  }

  /**
   * Calls a tool. A broken connection is reopened; the call is retried once only when `retry` (read-only tools),
   * since a mutating call may have run before the connection broke.
   */
  async call(
    key: McpServerKey,
    name: string,
    input: unknown,
    options: { signal: AbortSignal; timeoutMs: number; retry: boolean },
  ): Promise<McpCallResult> {
    const connection = this.entry(key);
    for (let attempt = 0; ; attempt++) {
      const client = await this.connect(connection);
      connection.inFlight++;
      try {
        return (await client.callTool({ name, arguments: (input ?? {}) as Record<string, unknown> }, undefined, {
          signal: options.signal,
          // The registry's timer aborts the call at timeoutMs; the SDK's own default (60 s) must not cut in first.
          timeout: options.timeoutMs + 1_000,
        })) as McpCallResult;
      } catch (error) {
        if (options.signal.aborted || !isBroken(error)) throw error;
        await this.dropConnection(connection, client);
        if (!options.retry || attempt > 0) {
          throw new McpUnavailable(
            `the connection to the MCP server "${key.name}" broke during the call (${(error as Error).message})` +
              (options.retry ? '' : '; the action may or may not have been performed'),
          );
        }
        this.options.logger.info({ server: key.name, orgId: key.orgId }, 'MCP connection broke; reconnecting');
      } finally {
        connection.inFlight--;
        this.touch(connection);
      }
    }
  }

  /** What this process knows about a server's connection. */
  status(id: string): { connected: boolean; lastError?: string } {
    const connection = this.connections.get(id);
    return { connected: Boolean(connection?.client), lastError: connection?.lastError };
  }

  /** Closes the connection to a server (its configuration changed or it was deleted). */
  async drop(id: string): Promise<void> {
    const connection = this.connections.get(id);
    if (!connection) return;
    this.connections.delete(id);
    clearTimeout(connection.idleTimer);
    const client = connection.client ?? (await connection.connecting?.catch(() => undefined));
    await client?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.connections.keys()].map((id) => this.drop(id)));
  }

  private entry(key: McpServerKey): Connection {
    if (this.closed) throw new McpUnavailable('Aurora is shutting down');
    const existing = this.connections.get(key.id);
    if (existing && existing.key.version === key.version) return existing;
    if (existing) void this.drop(key.id);
    const connection: Connection = { key, failedUntil: 0, inFlight: 0 };
    this.connections.set(key.id, connection);
    return connection;
  }

  private connect(connection: Connection): Promise<Client> {
    if (connection.client) return Promise.resolve(connection.client);
    connection.connecting ??= this.open(connection).then(
      (client) => {
        connection.connecting = undefined;
        connection.failedUntil = 0;
        connection.lastError = undefined;
        if (this.connections.get(connection.key.id) !== connection) {
          // Dropped (reconfigured) while connecting: this client belongs to nobody.
          void client.close().catch(() => undefined);
          throw new McpUnavailable('the MCP server was reconfigured while connecting');
        }
        connection.client = client;
        return client;
      },
      (error: unknown) => {
        connection.connecting = undefined;
        connection.failedUntil = Date.now() + this.options.retryAfterFailureMs;
        connection.lastError = (error as Error).message;
        throw error;
      },
    );
    return connection.connecting;
  }

  private async open(connection: Connection): Promise<Client> {
    const { key } = connection;
    const log = this.options.logger.child({ server: key.name, orgId: key.orgId });
    const endpoint = await this.options.resolve(key);
    let stderrTail = '';
    let transport: Transport;
    if (endpoint.transport === 'stdio') {
      const command = endpoint.command ?? '';
      this.assertStdioAllowed(command);
      const stdio = new StdioClientTransport({
        command,
        args: endpoint.args ?? [],
        // Only the SDK's short list of safe variables (PATH, HOME, …) plus the server's own: Aurora's
        // environment (database URL, master key, provider keys) is never handed to the child.
        env: endpoint.env,
        stderr: 'pipe',
      });
      stdio.stderr?.on('data', (chunk: Buffer) => {
        stderrTail = (stderrTail + chunk.toString('utf8')).slice(-maxStderrTailChars);
      });
      transport = stdio;
    } else {
      const url = assertOutboundUrl(endpoint.url ?? '', this.options.outbound.policy, 'url');
      transport = new StreamableHTTPClientTransport(url, {
        fetch: this.options.outbound.fetch,
        requestInit: { headers: endpoint.headers },
      });
    }

    const client = new Client({ name: 'aurora', version: this.options.clientVersion }, { capabilities: {} });
    client.onerror = (error) => log.debug({ err: error }, 'MCP transport error');
    client.onclose = () => {
      if (connection.client !== client) return;
      connection.client = undefined;
      connection.tools = undefined;
      log.debug('MCP connection closed');
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      connection.tools = undefined;
    });
    try {
      await client.connect(transport, { timeout: this.options.connectTimeoutMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      const detail = stderrTail.trim() ? `; its stderr ended with: ${stderrTail.trim().slice(-500)}` : '';
      throw new McpUnavailable(
        `could not connect to the MCP server "${key.name}": ${(error as Error).message}${detail}`,
      );
    }
    log.info({ transport: endpoint.transport }, 'MCP server connected');
    return client;
  }

  private assertStdioAllowed(command: string): void {
    const { enabled, allowedCommands } = this.options.stdio;
    if (!enabled) {
      throw new McpUnavailable(
        'stdio MCP servers are disabled on this Aurora (the operator can enable them with AURORA_MCP_STDIO_ENABLED=true)',
      );
    }
    if (allowedCommands.length > 0 && !allowedCommands.includes(command)) {
      throw new McpUnavailable(
        `the command "${basename(command)}" is not in AURORA_MCP_STDIO_COMMANDS, the operator's list of allowed commands`,
      );
    }
  }

  private touch(connection: Connection): void {
    clearTimeout(connection.idleTimer);
    connection.idleTimer = setTimeout(() => {
      if (connection.inFlight > 0) return this.touch(connection);
      const client = connection.client;
      connection.client = undefined;
      connection.tools = undefined;
      void client?.close().catch(() => undefined);
    }, this.options.idleMs);
    connection.idleTimer.unref();
  }

  private async dropConnection(connection: Connection, client: Client): Promise<void> {
    if (connection.client === client) {
      connection.client = undefined;
      connection.tools = undefined;
    }
    await client.close().catch(() => undefined);
  }
}

/** A transport failure (process gone, connection refused or closed), as opposed to an error the server answered. */
function isBroken(error: unknown): boolean {
  if (error instanceof McpError) return error.code === ErrorCode.ConnectionClosed;
  return !(error instanceof Error && error.name === 'AbortError');
}
