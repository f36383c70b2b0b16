import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../../../platform/audit/audit-log.js';
import type { Database } from '../../../platform/database/database.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../../platform/errors.js';
import { type EventBus, systemOrgId } from '../../../platform/events/event-bus.js';
import type { OutboundFetch } from '../../../platform/http-client/outbound-fetch.js';
import { assertOutboundUrl, type OutboundPolicy } from '../../../platform/http-client/outbound-policy.js';
import type { Logger } from '../../../platform/logger/logger.js';
import type { SecretAccess, SecretData, SecretStore } from '../../../platform/secrets/secret-store.js';
import { auditActor, type Principal, principalAudit, type RequestMetadata } from '../../accounts/index.js';
import { McpConnections, type McpEndpoint, type McpServerKey } from './mcp-connections.js';
import type { McpServerCreate, McpServerTools, McpServerUpdate, McpServerView } from './mcp-server-input.js';
import { type McpServerRow, McpServersRepository } from './mcp-servers.repository.js';
import { McpToolset } from './mcp-toolset.js';

export interface McpOptions {
  /** AURORA_MCP_STDIO_ENABLED: stdio servers run a command on the Aurora host. */
  stdioEnabled: boolean;
  /** AURORA_MCP_STDIO_COMMANDS: when not empty, the only commands a stdio server may run. */
  stdioCommands: string[];
  connectTimeoutMs: number;
  idleSeconds: number;
  defaultToolTimeoutMs: number;
}

export interface McpServersDependencies {
  database: Database;
  secrets: SecretStore;
  audit: AuditLog;
  events: EventBus;
  outbound: { policy: OutboundPolicy; fetch: OutboundFetch };
  logger: Logger;
}

const changedEvent = 'mcp.servers_changed';
const cacheTtlMs = 30_000;
const headerPrefix = 'header:';
const environmentPrefix = 'env:';

/**
 * External MCP servers per org: registration (admin), secrets for their headers and environment, and the
 * toolset through which their tools reach the agent.
 */
export class McpServersService {
  readonly connections: McpConnections;
  readonly toolset: McpToolset;
  private readonly repository = new McpServersRepository();
  private readonly cache = new Map<string, { rows: McpServerRow[]; expiresAt: number }>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly dependencies: McpServersDependencies,
    private readonly options: McpOptions,
    clientVersion = '0.1.0',
  ) {
    this.connections = new McpConnections({
      connectTimeoutMs: options.connectTimeoutMs,
      idleMs: options.idleSeconds * 1000,
      retryAfterFailureMs: 30_000,
      stdio: { enabled: options.stdioEnabled, allowedCommands: options.stdioCommands },
      outbound: dependencies.outbound,
      logger: dependencies.logger,
      resolve: (key) => this.endpoint(key),
      clientVersion,
    });
    this.toolset = new McpToolset({
      enabledServers: (orgId) => this.enabledServers(orgId),
      connections: this.connections,
      logger: dependencies.logger,
      listWaitMs: Math.min(options.connectTimeoutMs, 10_000),
    });
    // Another process changed or removed a server: forget the cached list and close the old connection.
    this.unsubscribe = dependencies.events.subscribe(systemOrgId, (event) => {
      if (event.type !== changedEvent) return;
      const data = event.data as { orgId?: string; serverId?: string };
      if (data.orgId) this.cache.delete(data.orgId);
      if (data.serverId) void this.connections.drop(data.serverId);
    });
  }

  async list(principal: Principal): Promise<McpServerView[]> {
    return (await this.repository.list(this.dependencies.database, principal.orgId)).map(view);
  }

  async get(principal: Principal, id: string): Promise<McpServerView> {
    return view(await this.row(principal.orgId, id));
  }

  async create(principal: Principal, input: McpServerCreate, metadata: RequestMetadata = {}): Promise<McpServerView> {
    const { database, secrets, audit } = this.dependencies;
    if (input.transport === 'stdio') this.assertStdioAllowed(input.command);
    else assertOutboundUrl(input.url, this.dependencies.outbound.policy, 'url');
    if (await this.repository.findByName(database, principal.orgId, input.name)) {
      throw new Conflict(`An MCP server named "${input.name}" already exists`);
    }
    const id = randomUUID();
    const access = this.secretAccess(principal, metadata);
    const headers = input.transport === 'http' ? (input.headers ?? {}) : {};
    const environment = input.transport === 'stdio' ? (input.env ?? {}) : {};
    const data = secretData(headers, environment);
    const reference = Object.keys(data).length > 0 ? await secrets.put(access, `mcp/${id}`, data) : null;
    try {
      const row = await database.transaction(async (transaction) => {
        const inserted = await this.repository.insert(transaction, {
          id,
          orgId: principal.orgId,
          name: input.name,
          transport: input.transport,
          command: input.transport === 'stdio' ? input.command : null,
          args: input.transport === 'stdio' ? (input.args ?? []) : null,
          url: input.transport === 'http' ? input.url : null,
          headerNames: Object.keys(headers).sort(),
          envNames: Object.keys(environment).sort(),
          secretReference: reference,
          access: input.access ?? 'readOnly',
          toolAccess: input.toolAccess ?? {},
          enabled: input.enabled ?? true,
          timeoutMs: input.timeoutMs ?? this.options.defaultToolTimeoutMs,
          createdBy: principal.userId || null,
        });
        await audit.record(
          principalAudit(principal, metadata, {
            action: 'mcp_server.created',
            targetType: 'mcp_server',
            targetId: id,
            details: auditDetails(inserted),
          }),
          transaction,
        );
        return inserted;
      });
      await this.changed(principal.orgId, id);
      return view(row);
    } catch (error) {
      if (reference) await secrets.delete(access, reference).catch(() => undefined);
      if (isUniqueViolation(error)) throw new Conflict(`An MCP server named "${input.name}" already exists`);
      throw error;
    }
  }

  async update(
    principal: Principal,
    id: string,
    input: McpServerUpdate,
    metadata: RequestMetadata = {},
  ): Promise<McpServerView> {
    const { database, secrets, audit } = this.dependencies;
    const before = await this.row(principal.orgId, id);
    const stdioFields = ['command', 'args', 'env'] as const;
    const httpFields = ['url', 'headers'] as const;
    const wrong = (before.transport === 'stdio' ? httpFields : stdioFields).filter(
      (field) => input[field] !== undefined,
    );
    if (wrong.length > 0) {
      throw new ValidationFailed(
        `${wrong.join(', ')} do not apply to a ${before.transport} server (the transport cannot change; register a new server)`,
      );
    }
    if (input.command !== undefined) this.assertStdioAllowed(input.command);
    if (input.url !== undefined) assertOutboundUrl(input.url, this.dependencies.outbound.policy, 'url');
    if (input.name !== undefined && input.name !== before.name) {
      if (await this.repository.findByName(database, principal.orgId, input.name)) {
        throw new Conflict(`An MCP server named "${input.name}" already exists`);
      }
    }

    const access = this.secretAccess(principal, metadata);
    const secretChange = before.transport === 'http' ? input.headers : input.env;
    let reference = before.secretReference;
    let headerNames = before.headerNames;
    let envNames = before.envNames;
    let removeReference: string | null = null;
    if (secretChange !== undefined) {
      const values = secretChange ?? {};
      const data =
        before.transport === 'http' ? secretData(values, {}) : secretData({}, values as Record<string, string>);
      if (Object.keys(data).length > 0) reference = await secrets.put(access, `mcp/${id}`, data);
      else {
        removeReference = before.secretReference;
        reference = null;
      }
      if (before.transport === 'http') headerNames = Object.keys(values).sort();
      else envNames = Object.keys(values).sort();
    }

    const row = await database.transaction(async (transaction) => {
      const updated = await this.repository.update(transaction, principal.orgId, id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.command !== undefined ? { command: input.command } : {}),
        ...(input.args !== undefined ? { args: input.args } : {}),
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.access !== undefined ? { access: input.access } : {}),
        ...(input.toolAccess !== undefined ? { toolAccess: input.toolAccess } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
        headerNames,
        envNames,
        secretReference: reference,
      });
      if (!updated) throw new NotFound('No such MCP server');
      await audit.record(
        principalAudit(principal, metadata, {
          action: 'mcp_server.updated',
          targetType: 'mcp_server',
          targetId: id,
          details: { ...auditDetails(updated), changed: Object.keys(input).sort() },
        }),
        transaction,
      );
      return updated;
    });
    if (removeReference) await secrets.delete(access, removeReference).catch(() => undefined);
    await this.changed(principal.orgId, id);
    return view(row);
  }

  async delete(principal: Principal, id: string, metadata: RequestMetadata = {}): Promise<void> {
    const { database, secrets, audit } = this.dependencies;
    const row = await database.transaction(async (transaction) => {
      const deleted = await this.repository.delete(transaction, principal.orgId, id);
      if (!deleted) throw new NotFound('No such MCP server');
      await audit.record(
        principalAudit(principal, metadata, {
          action: 'mcp_server.deleted',
          targetType: 'mcp_server',
          targetId: id,
          details: auditDetails(deleted),
        }),
        transaction,
      );
      return deleted;
    });
    if (row.secretReference) {
      await secrets
        .delete(this.secretAccess(principal, metadata), row.secretReference)
        .catch((error: unknown) =>
          this.dependencies.logger.warn({ err: error, orgId: principal.orgId }, 'could not delete an MCP secret'),
        );
    }
    await this.changed(principal.orgId, id);
  }

  /** Connects (if needed) and lists the server's tools as the agent would see them. */
  async tools(principal: Principal, id: string): Promise<McpServerTools> {
    const row = await this.row(principal.orgId, id);
    try {
      const tools = await this.toolset.serverTools(row);
      return {
        server: row.name,
        connected: true,
        error: null,
        tools: tools.map((tool) => ({
          name: tool.name,
          serverToolName: this.toolset.serverToolName(tool) ?? tool.name,
          description: tool.description,
          access: tool.access,
        })),
      };
    } catch (error) {
      return { server: row.name, connected: false, error: (error as Error).message, tools: [] };
    }
  }

  /** The org's enabled servers, cached briefly (each agent run asks). */
  async enabledServers(orgId: string): Promise<McpServerRow[]> {
    const cached = this.cache.get(orgId);
    if (cached && cached.expiresAt > Date.now()) return cached.rows;
    const rows = await this.repository.list(this.dependencies.database, orgId, { enabledOnly: true });
    this.cache.set(orgId, { rows, expiresAt: Date.now() + cacheTtlMs });
    return rows;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.connections.close();
  }

  private async endpoint(key: McpServerKey): Promise<McpEndpoint> {
    const row = await this.repository.find(this.dependencies.database, key.orgId, key.id);
    if (!row) throw new NotFound('the MCP server was removed');
    if (row.updatedAt.getTime() !== key.version) throw new Conflict('the MCP server was reconfigured');
    const data = row.secretReference
      ? await this.dependencies.secrets.get(
          { orgId: row.orgId, actor: { type: 'system' }, purpose: `mcp.connect:${row.name}` },
          row.secretReference,
        )
      : {};
    const headers: Record<string, string> = {};
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(data)) {
      if (name.startsWith(headerPrefix)) headers[name.slice(headerPrefix.length)] = value;
      else if (name.startsWith(environmentPrefix)) env[name.slice(environmentPrefix.length)] = value;
    }
    return { transport: row.transport, command: row.command, args: row.args, url: row.url, headers, env };
  }

  private assertStdioAllowed(command: string): void {
    if (!this.options.stdioEnabled) {
      throw new Forbidden(
        'stdio MCP servers run a command on the Aurora host and are disabled here; the operator can enable them with AURORA_MCP_STDIO_ENABLED=true',
      );
    }
    if (this.options.stdioCommands.length > 0 && !this.options.stdioCommands.includes(command)) {
      throw new Forbidden(
        `The command is not one the operator allows (AURORA_MCP_STDIO_COMMANDS: ${this.options.stdioCommands.join(', ')})`,
      );
    }
  }

  private async row(orgId: string, id: string): Promise<McpServerRow> {
    const row = await this.repository.find(this.dependencies.database, orgId, id);
    if (!row) throw new NotFound('No such MCP server');
    return row;
  }

  private secretAccess(principal: Principal, metadata: RequestMetadata): SecretAccess {
    return {
      orgId: principal.orgId,
      actor: auditActor(principal),
      purpose: 'mcp.servers',
      requestId: metadata.requestId,
    };
  }

  private async changed(orgId: string, serverId: string): Promise<void> {
    this.cache.delete(orgId);
    await this.connections.drop(serverId);
    await this.dependencies.events
      .publish({ type: changedEvent, orgId: systemOrgId, data: { orgId, serverId } })
      .catch((error: unknown) =>
        this.dependencies.logger.warn({ err: error }, 'could not announce an MCP server change'),
      );
  }
}

function secretData(headers: Record<string, string>, environment: Record<string, string>): SecretData {
  const data: SecretData = {};
  for (const [name, value] of Object.entries(headers)) data[`${headerPrefix}${name}`] = value;
  for (const [name, value] of Object.entries(environment)) data[`${environmentPrefix}${name}`] = value;
  return data;
}

function view(row: McpServerRow): McpServerView {
  return {
    id: row.id,
    name: row.name,
    transport: row.transport,
    command: row.command,
    args: row.args,
    url: row.url,
    headerNames: row.headerNames,
    envNames: row.envNames,
    access: row.access,
    toolAccess: row.toolAccess,
    enabled: row.enabled,
    timeoutMs: row.timeoutMs,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function auditDetails(row: McpServerRow): Record<string, unknown> {
  return {
    name: row.name,
    transport: row.transport,
    command: row.command,
    args: row.args,
    url: row.url,
    headerNames: row.headerNames,
    envNames: row.envNames,
    access: row.access,
    toolAccess: row.toolAccess,
    enabled: row.enabled,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  return code === '23505';
}
