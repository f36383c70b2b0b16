import { z } from 'zod';
import { type AuroraApp, principalOf, requestMetadata } from '../../accounts/index.js';
import { mcpServerCreate, mcpServerTools, mcpServerUpdate, mcpServerView } from './mcp-server-input.js';
import type { McpServersService } from './mcp-servers.service.js';

const params = z.object({ serverId: z.uuid() });

export function registerMcpServerRoutes(app: AuroraApp, servers: McpServersService): void {
  app.get(
    '/api/v1/mcp/servers',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['agent'],
        summary: "The org's external MCP servers; header and environment values are never returned",
        response: { 200: z.object({ items: z.array(mcpServerView) }) },
      },
    },
    async (request) => ({ items: await servers.list(principalOf(request)) }),
  );

  app.post(
    '/api/v1/mcp/servers',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['agent'],
        summary:
          'Register an MCP server: a stdio command (argument array, run without a shell; only where the operator enabled stdio servers) or a streamable HTTP URL. Its tools join the agent as {name}__{tool}, read-only unless marked mutating.',
        body: mcpServerCreate,
        response: { 201: mcpServerView },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await servers.create(principalOf(request), request.body, requestMetadata(request))),
  );

  app.get(
    '/api/v1/mcp/servers/:serverId',
    {
      config: { auth: 'viewer' },
      schema: { tags: ['agent'], summary: 'One MCP server', params, response: { 200: mcpServerView } },
    },
    async (request) => servers.get(principalOf(request), request.params.serverId),
  );

  app.patch(
    '/api/v1/mcp/servers/:serverId',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['agent'],
        summary:
          'Change an MCP server. `headers` / `env` replace the stored values (null removes them; omit to keep). The connection is reopened with the new settings.',
        params,
        body: mcpServerUpdate,
        response: { 200: mcpServerView },
      },
    },
    async (request) =>
      servers.update(principalOf(request), request.params.serverId, request.body, requestMetadata(request)),
  );

  app.delete(
    '/api/v1/mcp/servers/:serverId',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['agent'],
        summary: 'Remove an MCP server and its stored secrets',
        params,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await servers.delete(principalOf(request), request.params.serverId, requestMetadata(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/mcp/servers/:serverId/tools',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['agent'],
        summary:
          "Connect (if needed) and list the server's tools as the agent sees them, with their access; a connection error is reported in `error`",
        params,
        response: { 200: mcpServerTools },
      },
    },
    async (request) => servers.tools(principalOf(request), request.params.serverId),
  );
}
