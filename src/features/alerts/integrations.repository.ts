import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../platform/database/database.js';
import { integrations } from './alerts.schema.js';

export type IntegrationRow = typeof integrations.$inferSelect;

export class IntegrationsRepository {
  async insert(executor: Executor, row: typeof integrations.$inferInsert): Promise<void> {
    await executor.db.insert(integrations).values(row);
  }

  async list(executor: Executor, orgId: string): Promise<IntegrationRow[]> {
    return executor.db
      .select()
      .from(integrations)
      .where(eq(integrations.orgId, orgId))
      .orderBy(asc(integrations.createdAt));
  }

  async find(executor: Executor, orgId: string, id: string): Promise<IntegrationRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(integrations)
      .where(and(eq(integrations.orgId, orgId), eq(integrations.id, id)))
      .limit(1);
    return row;
  }

  /** For webhook deliveries, which name the integration by id alone (the org comes from it). */
  async findById(executor: Executor, id: string): Promise<IntegrationRow | undefined> {
    const [row] = await executor.db.select().from(integrations).where(eq(integrations.id, id)).limit(1);
    return row;
  }

  async update(
    executor: Executor,
    orgId: string,
    id: string,
    changes: Partial<Pick<IntegrationRow, 'name' | 'enabled' | 'mapping' | 'secretReference'>>,
  ): Promise<void> {
    await executor.db
      .update(integrations)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(integrations.orgId, orgId), eq(integrations.id, id)));
  }

  async delete(executor: Executor, orgId: string, id: string): Promise<void> {
    await executor.db.delete(integrations).where(and(eq(integrations.orgId, orgId), eq(integrations.id, id)));
  }

  async touchReceived(executor: Executor, ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await executor.query(
      'update integrations set last_received_at = greatest(coalesce(last_received_at, $2), $2) where id = any($1::uuid[])',
      [ids, at.toISOString()],
    );
  }
}
