import { createHash } from 'node:crypto';
import type { Logger } from '../../../platform/logger/logger.js';
import { type AnyToolDefinition, defineTool, type Toolset } from '../tool-registry.js';
import { inputSchemaFromJsonSchema } from './json-schema-input.js';
import type { McpConnections, McpListedTool, McpServerKey } from './mcp-connections.js';
import type { McpServerRow } from './mcp-servers.repository.js';
import type { McpToolAccess } from './mcp-servers.schema.js';
import { mcpResultText } from './mcp-tool-output.js';

const maxDescriptionChars = 2_000;
const maxToolNameLength = 64;

/** `{server}__{tool}`: the registry's snake_case, with the server's name first so tools of two servers never clash. */
export function mcpToolName(serverName: string, toolName: string, taken: ReadonlySet<string>): string {
  const cleaned =
    toolName
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'tool';
  const name = `${serverName}__${cleaned}`;
  if (name.length <= maxToolNameLength && !taken.has(name)) return name;
  // Too long, or two of the server's names clean to the same thing (`get-sum` and `get_sum`): add a hash of the original.
  const hash = createHash('sha256').update(toolName).digest('hex').slice(0, 8);
  return `${name.slice(0, maxToolNameLength - 9)}_${hash}`;
}

/**
 * Read-only unless the admin says otherwise: a per-tool setting wins, then the server's. A server's own
 * `destructiveHint: true` makes a tool mutating (hints may only make a tool safer to use, never less safe).
 */
export function mcpToolAccess(row: Pick<McpServerRow, 'access' | 'toolAccess'>, tool: McpListedTool): McpToolAccess {
  const explicit = row.toolAccess[tool.name];
  if (explicit) return explicit;
  if (row.access === 'mutating') return 'mutating';
  if (tool.annotations?.destructiveHint === true && tool.annotations.readOnlyHint !== true) return 'mutating';
  return 'readOnly';
}

export function mcpServerKey(row: McpServerRow): McpServerKey {
  return { id: row.id, orgId: row.orgId, name: row.name, version: row.updatedAt.getTime() };
}

export interface McpToolsetOptions {
  /** The org's enabled servers (cached by the caller). */
  enabledServers(orgId: string): Promise<McpServerRow[]>;
  connections: McpConnections;
  logger: Logger;
  /** How long a run start waits for one server's tool list before going on without it. */
  listWaitMs: number;
}

/** The registry's view of an org's MCP servers: their tools as typed tool definitions, asked at each run start. */
export class McpToolset implements Toolset {
  readonly name = 'mcp';
  // Converting schemas is not free; the definitions are rebuilt only when a server's tool list is re-fetched.
  private readonly built = new WeakMap<McpListedTool[], { version: number; tools: AnyToolDefinition[] }>();
  private readonly origins = new WeakMap<AnyToolDefinition, string>();

  constructor(private readonly options: McpToolsetOptions) {}

  async tools(request: { orgId: string }): Promise<AnyToolDefinition[]> {
    const rows = await this.options.enabledServers(request.orgId);
    if (rows.length === 0) return [];
    const lists = await Promise.all(
      rows.map((row) =>
        this.serverTools(row).catch((error: unknown) => {
          // One unreachable server must not take the others (or chat) down with it.
          this.options.logger.warn(
            { err: error, server: row.name, orgId: row.orgId },
            'MCP server unavailable; its tools are not offered',
          );
          return [];
        }),
      ),
    );
    return lists.flat();
  }

  /** One server's tools, as offered to the model. */
  async serverTools(row: McpServerRow): Promise<AnyToolDefinition[]> {
    const key = mcpServerKey(row);
    let timer: NodeJS.Timeout | undefined;
    const listed = await Promise.race([
      this.options.connections.tools(key),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no tool list within ${this.options.listWaitMs} ms`)),
          this.options.listWaitMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const cached = this.built.get(listed);
    if (cached && cached.version === key.version) return cached.tools;
    const tools = this.define(row, key, listed);
    this.built.set(listed, { version: key.version, tools });
    return tools;
  }

  /** The server's own name for one of the definitions this toolset made. */
  serverToolName(definition: AnyToolDefinition): string | undefined {
    return this.origins.get(definition);
  }

  private define(row: McpServerRow, key: McpServerKey, listed: McpListedTool[]): AnyToolDefinition[] {
    const taken = new Set<string>();
    return listed.map((tool) => {
      const name = mcpToolName(row.name, tool.name, taken);
      taken.add(name);
      const access = mcpToolAccess(row, tool);
      const converted = inputSchemaFromJsonSchema(tool.inputSchema);
      if (converted.warning) {
        this.options.logger.warn(
          { server: row.name, tool: tool.name, orgId: row.orgId, reason: converted.warning },
          'MCP tool input schema not used as is; the server validates its own input',
        );
      }
      const description = (tool.description ?? tool.annotations?.title ?? tool.name).slice(0, maxDescriptionChars);
      const definition = defineTool({
        name,
        // Labelled with its origin: a third party wrote this text.
        description: `[From the MCP server "${row.name}", tool "${tool.name}"] ${description}`,
        input: converted.schema,
        access,
        connector: null,
        timeoutMs: row.timeoutMs,
        summarize: (input) =>
          `Call ${tool.name} on the MCP server "${row.name}" with ${JSON.stringify(input).slice(0, 500)}`,
        execute: async (input, context) =>
          mcpResultText(
            await this.options.connections.call(key, tool.name, input, {
              signal: context.signal,
              timeoutMs: row.timeoutMs,
              retry: access === 'readOnly',
            }),
          ),
      });
      this.origins.set(definition, tool.name);
      return definition;
    });
  }
}
