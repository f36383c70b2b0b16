import { boolean, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// The accounts table, named only so the foreign key below can point at it (features share only their index.ts).
// Not exported, so drizzle-kit does not see it twice.
const organizations = pgTable('organizations', { id: uuid('id').primaryKey() });

export const mcpTransports = ['stdio', 'http'] as const;
export type McpTransport = (typeof mcpTransports)[number];

export const mcpToolAccesses = ['readOnly', 'mutating'] as const;
export type McpToolAccess = (typeof mcpToolAccesses)[number];

/**
 * An external MCP server an org admin registered. Its tools join the agent's registry as a per-org toolset.
 * Header values (HTTP) and environment values (stdio) live in the secret store; the row keeps only their names
 * and the reference.
 */
export const mcpServers = pgTable(
  'mcp_servers',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** The prefix of its tools' names (`{name}__{tool}`), unique per org. */
    name: text('name').notNull(),
    transport: text('transport', { enum: mcpTransports }).notNull(),
    /** stdio: the executable and its arguments (an array; never a shell string). */
    command: text('command'),
    args: jsonb('args').$type<string[]>(),
    /** http: the streamable HTTP endpoint. */
    url: text('url'),
    headerNames: jsonb('header_names').$type<string[]>().notNull().default([]),
    envNames: jsonb('env_names').$type<string[]>().notNull().default([]),
    secretReference: text('secret_reference'),
    /** Every tool's access unless `toolAccess` names it. */
    access: text('access', { enum: mcpToolAccesses }).notNull().default('readOnly'),
    /** Per-tool overrides, keyed by the server's own tool name. */
    toolAccess: jsonb('tool_access').$type<Record<string, McpToolAccess>>().notNull().default({}),
    enabled: boolean('enabled').notNull().default(true),
    /** Per tool call. */
    timeoutMs: integer('timeout_ms').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('mcp_servers_org_name_idx').on(table.orgId, table.name)],
);
