import { and, asc, count, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/database/database.js';
import { apiTokens, memberships, organizations, sessions, users } from './accounts.schema.js';
import type { Role } from './roles.js';

export type UserRow = typeof users.$inferSelect;
export type OrganizationRow = typeof organizations.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;

/** Data access for accounts. Every query that touches org data is filtered by the org it is given. */
export class AccountsRepository {
  async findUserByEmail(executor: Executor, email: string): Promise<UserRow | undefined> {
    const [row] = await executor.db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1);
    return row;
  }

  async findUserById(executor: Executor, userId: string): Promise<UserRow | undefined> {
    const [row] = await executor.db.select().from(users).where(eq(users.id, userId)).limit(1);
    return row;
  }

  async insertUser(executor: Executor, user: typeof users.$inferInsert): Promise<void> {
    await executor.db.insert(users).values({ ...user, email: user.email.toLowerCase() });
  }

  async updateUserPassword(executor: Executor, userId: string, passwordHash: string): Promise<void> {
    await executor.db.update(users).set({ passwordHash }).where(eq(users.id, userId));
  }

  async findOrganizationByName(executor: Executor, name: string): Promise<OrganizationRow | undefined> {
    const [row] = await executor.db.select().from(organizations).where(eq(organizations.name, name)).limit(1);
    return row;
  }

  async findOrganization(executor: Executor, orgId: string): Promise<OrganizationRow | undefined> {
    const [row] = await executor.db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1);
    return row;
  }

  async insertOrganization(executor: Executor, organization: typeof organizations.$inferInsert): Promise<void> {
    await executor.db.insert(organizations).values(organization);
  }

  async countAdmins(executor: Executor, orgId?: string): Promise<number> {
    const condition = orgId
      ? and(eq(memberships.role, 'admin'), eq(memberships.orgId, orgId))
      : eq(memberships.role, 'admin');
    const [row] = await executor.db.select({ value: count() }).from(memberships).where(condition);
    return Number(row?.value ?? 0);
  }

  async findMembership(executor: Executor, orgId: string, userId: string) {
    const [row] = await executor.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
      .limit(1);
    return row;
  }

  async upsertMembership(executor: Executor, orgId: string, userId: string, role: Role): Promise<void> {
    await executor.db
      .insert(memberships)
      .values({ orgId, userId, role })
      .onConflictDoUpdate({ target: [memberships.orgId, memberships.userId], set: { role } });
  }

  async deleteMembership(executor: Executor, orgId: string, userId: string): Promise<boolean> {
    const deleted = await executor.db
      .delete(memberships)
      .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
      .returning({ userId: memberships.userId });
    return deleted.length > 0;
  }

  async listMembers(executor: Executor, orgId: string) {
    return executor.db
      .select({
        userId: users.id,
        email: users.email,
        name: users.name,
        role: memberships.role,
        joinedAt: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.orgId, orgId))
      .orderBy(asc(users.email));
  }

  async listOrganizationsOfUser(executor: Executor, userId: string) {
    return executor.db
      .select({ id: organizations.id, name: organizations.name, role: memberships.role })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.orgId))
      .where(eq(memberships.userId, userId))
      .orderBy(asc(organizations.name));
  }

  async insertSession(executor: Executor, session: typeof sessions.$inferInsert): Promise<void> {
    await executor.db.insert(sessions).values(session);
  }

  /** The live session for a token hash, with the user's current role in the session's org. */
  async findSession(executor: Executor, tokenHash: string, now: Date) {
    const [row] = await executor.db
      .select({
        sessionId: sessions.id,
        userId: sessions.userId,
        orgId: sessions.orgId,
        lastSeenAt: sessions.lastSeenAt,
        email: users.email,
        role: memberships.role,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .innerJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.orgId, sessions.orgId)))
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), isNull(users.disabledAt)))
      .limit(1);
    return row;
  }

  async touchSession(executor: Executor, sessionId: string, now: Date, expiresAt: Date): Promise<void> {
    await executor.db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, sessionId));
  }

  async switchSessionOrganization(executor: Executor, sessionId: string, orgId: string): Promise<void> {
    await executor.db.update(sessions).set({ orgId }).where(eq(sessions.id, sessionId));
  }

  async deleteSession(executor: Executor, sessionId: string): Promise<void> {
    await executor.db.delete(sessions).where(eq(sessions.id, sessionId));
  }

  async deleteExpiredSessions(executor: Executor, now: Date): Promise<number> {
    const deleted = await executor.db
      .delete(sessions)
      .where(sql`${sessions.expiresAt} <= ${now}`)
      .returning({ id: sessions.id });
    return deleted.length;
  }

  async insertApiToken(executor: Executor, token: typeof apiTokens.$inferInsert): Promise<void> {
    await executor.db.insert(apiTokens).values(token);
  }

  /** A usable token (not revoked, not expired) with its user's current role in the token's org. */
  async findApiToken(executor: Executor, tokenHash: string, now: Date) {
    const [row] = await executor.db
      .select({
        tokenId: apiTokens.id,
        orgId: apiTokens.orgId,
        userId: apiTokens.userId,
        tokenRole: apiTokens.role,
        lastUsedAt: apiTokens.lastUsedAt,
        email: users.email,
        memberRole: memberships.role,
      })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .innerJoin(memberships, and(eq(memberships.userId, apiTokens.userId), eq(memberships.orgId, apiTokens.orgId)))
      .where(
        and(
          eq(apiTokens.tokenHash, tokenHash),
          isNull(apiTokens.revokedAt),
          isNull(users.disabledAt),
          or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        ),
      )
      .limit(1);
    return row;
  }

  async touchApiToken(executor: Executor, tokenId: string, now: Date): Promise<void> {
    await executor.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, tokenId));
  }

  async listApiTokens(executor: Executor, orgId: string, userId?: string): Promise<ApiTokenRow[]> {
    const condition = userId
      ? and(eq(apiTokens.orgId, orgId), eq(apiTokens.userId, userId))
      : eq(apiTokens.orgId, orgId);
    return executor.db.select().from(apiTokens).where(condition).orderBy(desc(apiTokens.createdAt));
  }

  async findApiTokenById(executor: Executor, orgId: string, tokenId: string): Promise<ApiTokenRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.orgId, orgId), eq(apiTokens.id, tokenId)))
      .limit(1);
    return row;
  }

  async revokeApiToken(executor: Executor, orgId: string, tokenId: string, now: Date): Promise<void> {
    await executor.db
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.orgId, orgId), eq(apiTokens.id, tokenId)));
  }
}
