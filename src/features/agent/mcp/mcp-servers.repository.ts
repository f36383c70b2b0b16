import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../../platform/database/database.js';
import { mcpServers } from './mcp-servers.schema.js';

export type McpServerRow = typeof mcpServers.$inferSelect;
export type NewMcpServer = typeof mcpServers.$inferInsert;

/** Every method takes the org id; no query reads or writes another org's rows. */
export class McpServersRepository {
  async list(executor: Executor, orgId: string, options: { enabledOnly?: boolean } = {}): Promise<McpServerRow[]> {
    const conditions = [eq(mcpServers.orgId, orgId)];
    if (options.enabledOnly) conditions.push(eq(mcpServers.enabled, true));
    return executor.db
      .select()
      .from(mcpServers)
      .where(and(...conditions))
      .orderBy(asc(mcpServers.name));
  }

  async find(executor: Executor, orgId: string, id: string): Promise<McpServerRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(mcpServers)
      .where(and(eq(mcpServers.orgId, orgId), eq(mcpServers.id, id)))
      .limit(1);
    return row;
  }

  async findByName(executor: Executor, orgId: string, name: string): Promise<McpServerRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(mcpServers)
      .where(and(eq(mcpServers.orgId, orgId), eq(mcpServers.name, name)))
      .limit(1);
    return row;
  }

  async insert(executor: Executor, row: NewMcpServer): Promise<McpServerRow> {
    const [inserted] = await executor.db.insert(mcpServers).values(row).returning();
    if (!inserted) throw new Error('insert returned no row');
    return inserted;
  }

  async update(
    executor: Executor,
    orgId: string,
    id: string,
    changes: Partial<Omit<NewMcpServer, 'id' | 'orgId' | 'createdAt'>>,
  ): Promise<McpServerRow | undefined> {
    const [row] = await executor.db
      .update(mcpServers)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(mcpServers.orgId, orgId), eq(mcpServers.id, id)))
      .returning();
    return row;
  }

  async delete(executor: Executor, orgId: string, id: string): Promise<McpServerRow | undefined> {
    const [row] = await executor.db
      .delete(mcpServers)
      .where(and(eq(mcpServers.orgId, orgId), eq(mcpServers.id, id)))
      .returning();
    return row;
  }
}
