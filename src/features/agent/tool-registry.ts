import type { z } from 'zod';
import type { Logger } from '../../platform/logger/logger.js';
import type { Principal } from '../accounts/index.js';

export type ToolAccess = 'readOnly' | 'mutating';
export type AgentMode = 'ask' | 'agent';

export interface ToolContext {
  orgId: string;
  runId: string;
  sessionId?: string;
  /** The user the run acts for (their credentials); absent in background runs. */
  principal?: Principal;
  /** Who approved this call; set for mutating tools. Tools that change things act as this person. */
  approvedBy?: Principal;
  /** Fires on cancel or when the tool's timeout passes. */
  signal: AbortSignal;
  logger: Logger;
}

/** A typed tool the agent can call. Its output is capped and wrapped as data before the model sees it. */
export interface ToolDefinition<Input extends z.ZodType = z.ZodType> {
  /** snake_case, unique across the registry (MCP toolsets prefix theirs). */
  name: string;
  description: string;
  input: Input;
  access: ToolAccess;
  /** The connector (provider) the org must have connected for the tool to be offered; null for built-ins. */
  connector: string | null;
  /** Default 30 s. */
  timeoutMs?: number;
  /** Characters of output the model sees; the rest is cut with a note. Default 16,000. */
  outputCapChars?: number;
  /** The least role that may approve a mutating call. Default editor. */
  approverRole?: 'editor' | 'admin';
  /** A one-line human summary of what a call will do, shown in approval requests. */
  summarize?: (input: z.output<Input>) => string;
  execute(input: z.output<Input>, context: ToolContext): Promise<unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds tools of every input type
export type AnyToolDefinition = ToolDefinition<any>;

/** Identity helper that keeps the input type flowing into execute/summarize. */
export const defineTool = <Input extends z.ZodType>(tool: ToolDefinition<Input>): ToolDefinition<Input> => tool;

/** A group of tools that varies per org (e.g. an org's MCP servers). Asked each time a run starts. */
export interface Toolset {
  name: string;
  tools(request: { orgId: string; principal?: Principal }): Promise<AnyToolDefinition[]>;
}

export interface ToolSelection {
  orgId: string;
  principal?: Principal;
  mode: AgentMode;
  /** Connector ids the org has connected (from ConnectedProviders). */
  connectors: ReadonlySet<string>;
}

export const defaultToolTimeoutMs = 30_000;
export const defaultOutputCapChars = 16_000;
const toolNamePattern = /^[a-z][a-z0-9_]{0,63}$/;

/** Every tool the agent knows: built-in ones registered at start-up, plus per-org toolsets. */
export class ToolRegistry {
  private readonly tools = new Map<string, AnyToolDefinition>();
  private readonly toolsets: Toolset[] = [];

  constructor(private readonly logger: Logger) {}

  register(...tools: AnyToolDefinition[]): this {
    for (const tool of tools) {
      if (!toolNamePattern.test(tool.name)) throw new Error(`tool name "${tool.name}" must be snake_case`);
      if (this.tools.has(tool.name)) throw new Error(`tool "${tool.name}" is already registered`);
      this.tools.set(tool.name, tool);
    }
    return this;
  }

  registerToolset(toolset: Toolset): this {
    this.toolsets.push(toolset);
    return this;
  }

  /** A built-in tool by name (used to run an approved call whose run has ended). */
  get(name: string): AnyToolDefinition | undefined {
    return this.tools.get(name);
  }

  /** A tool by name, looking in the org's toolsets as well. */
  async find(name: string, request: { orgId: string; principal?: Principal }): Promise<AnyToolDefinition | undefined> {
    return this.tools.get(name) ?? (await this.toolsetTools(request)).find((tool) => tool.name === name);
  }

  /**
   * The tools offered to one run: those whose connector the org has, read-only only in `ask` mode, and
   * mutating ones in `agent` mode only for a caller who could make the change themselves (editor or above).
   */
  async select(selection: ToolSelection): Promise<AnyToolDefinition[]> {
    const all = [...this.tools.values(), ...(await this.toolsetTools(selection))];
    const seen = new Set<string>();
    return all.filter((tool) => {
      if (seen.has(tool.name)) return false;
      seen.add(tool.name);
      if (tool.connector !== null && !selection.connectors.has(tool.connector)) return false;
      if (tool.access === 'readOnly') return true;
      if (selection.mode !== 'agent') return false;
      return selection.principal?.role !== 'viewer';
    });
  }

  private async toolsetTools(request: { orgId: string; principal?: Principal }): Promise<AnyToolDefinition[]> {
    const lists = await Promise.all(
      this.toolsets.map(async (toolset) => {
        try {
          return await toolset.tools(request);
        } catch (error) {
          // One unreachable toolset (an MCP server down) must not take chat down with it.
          this.logger.warn({ err: error, toolset: toolset.name, orgId: request.orgId }, 'toolset unavailable');
          return [];
        }
      }),
    );
    return lists.flat();
  }
}
