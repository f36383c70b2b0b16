import { z } from 'zod';
import { mcpToolAccesses, mcpTransports } from './mcp-servers.schema.js';

/** Zod schemas shared by the routes (validation, OpenAPI) and the service. */

export const mcpServerName = z
  .string()
  .regex(
    /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/,
    'lower-case letters and digits, single underscores between words (it prefixes the tool names: name__tool)',
  )
  .max(32);

// Header names the transport sets itself, or that would change how the request is routed or framed.
const reservedHeaders = new Set([
  'host',
  'content-length',
  'content-type',
  'accept',
  'connection',
  'transfer-encoding',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
]);

const headers = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'an HTTP header name')
      .refine((name) => !reservedHeaders.has(name.toLowerCase()), 'the MCP transport sets this header itself'),
    z
      .string()
      .max(8_000)
      .refine((value) => !/[\r\n]/.test(value), 'no line breaks'),
  )
  .refine((value) => Object.keys(value).length <= 20, 'at most 20 headers')
  .describe('sent with every request; values are kept in the secret store and never returned');

// Variables that change what the child process runs or loads, which would get around AURORA_MCP_STDIO_COMMANDS.
const forbiddenEnvironment = /^(PATH|NODE_OPTIONS|NODE_PATH|LD_.*|DYLD_.*|PYTHONPATH|PYTHONSTARTUP|BASH_ENV|ENV)$/i;

const environment = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,100}$/, 'an environment variable name')
      .refine((name) => !forbiddenEnvironment.test(name), 'this variable may not be set for an MCP server'),
    z.string().max(8_000),
  )
  .refine((value) => Object.keys(value).length <= 50, 'at most 50 variables')
  .describe("the server process's environment; values are kept in the secret store and never returned");

const command = z
  .string()
  .min(1)
  .max(1_000)
  .refine((value) => !/[\0\r\n]/.test(value), 'no control characters')
  .describe('the executable (a path or a name on PATH); it is run directly, never through a shell');
const args = z.array(z.string().max(4_000)).max(100).describe('arguments, one per item (no shell quoting)');
const url = z.string().max(2_000).describe('the streamable HTTP endpoint, e.g. https://mcp.example.com/mcp');
const access = z
  .enum(mcpToolAccesses)
  .describe("every tool's access unless toolAccess names it; mutating tools need a human's approval per call");
const toolAccess = z
  .record(z.string().min(1).max(200), z.enum(mcpToolAccesses))
  .refine((value) => Object.keys(value).length <= 500, 'at most 500 tools')
  .describe("per-tool access, keyed by the server's own tool name");
const timeoutMs = z.number().int().min(1_000).max(600_000).describe('per tool call; default 30,000');

const common = {
  name: mcpServerName,
  access: access.optional(),
  toolAccess: toolAccess.optional(),
  enabled: z.boolean().optional().describe('default true'),
  timeoutMs: timeoutMs.optional(),
};

export const mcpServerCreate = z.discriminatedUnion('transport', [
  z.object({ transport: z.literal('stdio'), command, args: args.optional(), env: environment.optional(), ...common }),
  z.object({ transport: z.literal('http'), url, headers: headers.optional(), ...common }),
]);
export type McpServerCreate = z.infer<typeof mcpServerCreate>;

export const mcpServerUpdate = z
  .object({
    name: mcpServerName,
    command,
    args,
    env: environment.nullable().describe('replaces every variable; null removes them all'),
    url,
    headers: headers.nullable().describe('replaces every header; null removes them all'),
    access,
    toolAccess,
    enabled: z.boolean(),
    timeoutMs,
  })
  .partial();
export type McpServerUpdate = z.infer<typeof mcpServerUpdate>;

export const mcpServerView = z.object({
  id: z.uuid(),
  name: z.string(),
  transport: z.enum(mcpTransports),
  command: z.string().nullable(),
  args: z.array(z.string()).nullable(),
  url: z.string().nullable(),
  headerNames: z.array(z.string()).describe('names only; values are never returned'),
  envNames: z.array(z.string()).describe('names only; values are never returned'),
  access: z.enum(mcpToolAccesses),
  toolAccess: z.record(z.string(), z.enum(mcpToolAccesses)),
  enabled: z.boolean(),
  timeoutMs: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type McpServerView = z.infer<typeof mcpServerView>;

export const mcpServerTools = z.object({
  server: z.string(),
  connected: z.boolean(),
  error: z.string().nullable(),
  tools: z.array(
    z.object({
      name: z.string().describe('the name the agent sees ({server}__{tool})'),
      serverToolName: z.string(),
      description: z.string(),
      access: z.enum(mcpToolAccesses),
    }),
  ),
});
export type McpServerTools = z.infer<typeof mcpServerTools>;
