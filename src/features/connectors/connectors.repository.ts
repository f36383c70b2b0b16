import { randomBytes } from 'node:crypto';
import { and, asc, eq, lt } from 'drizzle-orm';
import type { Executor } from '../../platform/database/database.js';
import { connectorAwsExternalIds, connectorConnections, connectorOauthStates } from './connectors.schema.js';

export type ConnectionRow = typeof connectorConnections.$inferSelect;
export type OAuthStateRow = typeof connectorOauthStates.$inferSelect;

export class ConnectorsRepository {
  async insert(executor: Executor, row: typeof connectorConnections.$inferInsert): Promise<void> {
    await executor.db.insert(connectorConnections).values(row);
  }

  async list(executor: Executor, orgId: string): Promise<ConnectionRow[]> {
    return executor.db
      .select()
      .from(connectorConnections)
      .where(eq(connectorConnections.orgId, orgId))
      .orderBy(asc(connectorConnections.provider), asc(connectorConnections.createdAt));
  }

  async find(executor: Executor, orgId: string, id: string): Promise<ConnectionRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(connectorConnections)
      .where(and(eq(connectorConnections.orgId, orgId), eq(connectorConnections.id, id)))
      .limit(1);
    return row;
  }

  async update(
    executor: Executor,
    orgId: string,
    id: string,
    changes: Partial<
      Pick<
        ConnectionRow,
        | 'status'
        | 'lastVerifiedAt'
        | 'lastError'
        | 'accessTokenExpiresAt'
        | 'discovery'
        | 'project'
        | 'account'
        | 'subscription'
        | 'secretReference'
      >
    >,
  ): Promise<void> {
    await executor.db
      .update(connectorConnections)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(connectorConnections.orgId, orgId), eq(connectorConnections.id, id)));
  }

  async delete(executor: Executor, orgId: string, id: string): Promise<boolean> {
    const rows = await executor.db
      .delete(connectorConnections)
      .where(and(eq(connectorConnections.orgId, orgId), eq(connectorConnections.id, id)))
      .returning({ id: connectorConnections.id });
    return rows.length > 0;
  }

  async insertOAuthState(executor: Executor, row: typeof connectorOauthStates.$inferInsert): Promise<void> {
    await executor.db.insert(connectorOauthStates).values(row);
  }

  /**
   * Marks the state used and returns it, atomically: of two callbacks racing with the same state, one gets the
   * row and the other gets `replayed`.
   */
  async consumeOAuthState(
    executor: Executor,
    stateHash: string,
    now: Date,
  ): Promise<{ row: OAuthStateRow } | { replayed: true; orgId: string } | undefined> {
    const rows = await executor.query<{ id: string }>(
      'update connector_oauth_states set consumed_at = $2 where state_hash = $1 and consumed_at is null returning id',
      [stateHash, now.toISOString()],
    );
    if (rows.length === 0) {
      const [existing] = await executor.db
        .select({ orgId: connectorOauthStates.orgId })
        .from(connectorOauthStates)
        .where(eq(connectorOauthStates.stateHash, stateHash))
        .limit(1);
      return existing ? { replayed: true, orgId: existing.orgId } : undefined;
    }
    const [row] = await executor.db
      .select()
      .from(connectorOauthStates)
      .where(eq(connectorOauthStates.stateHash, stateHash))
      .limit(1);
    return row ? { row } : undefined;
  }

  /** States past their expiry by more than `graceMs` (kept a while so a late replay is still told apart). */
  async staleOAuthStates(executor: Executor, before: Date, limit = 500): Promise<OAuthStateRow[]> {
    return executor.db
      .select()
      .from(connectorOauthStates)
      .where(lt(connectorOauthStates.expiresAt, before))
      .limit(limit);
  }

  async deleteOAuthState(executor: Executor, id: string): Promise<void> {
    await executor.db.delete(connectorOauthStates).where(eq(connectorOauthStates.id, id));
  }

  /** The org's AWS external id, created on first use (random, 128 bits; not a secret, but unguessable). */
  async awsExternalId(executor: Executor, orgId: string): Promise<string> {
    await executor.db
      .insert(connectorAwsExternalIds)
      .values({ orgId, externalId: `aurora-${randomBytes(16).toString('hex')}` })
      .onConflictDoNothing();
    const [row] = await executor.db
      .select({ externalId: connectorAwsExternalIds.externalId })
      .from(connectorAwsExternalIds)
      .where(eq(connectorAwsExternalIds.orgId, orgId))
      .limit(1);
    if (!row) throw new Error('the AWS external id could not be created');
    return row.externalId;
  }
}
