import { and, asc, desc, eq, gt, lt, or } from 'drizzle-orm';
import type { Executor } from '../../platform/database/database.js';
import { type ChatMessageKind, chatMessages, chatSessions } from './chat.schema.js';

export type ChatSessionRow = typeof chatSessions.$inferSelect;
export type ChatMessageRow = typeof chatMessages.$inferSelect;

export interface NewChatMessage {
  id: string;
  sessionId: string;
  runId?: string | null;
  role: 'user' | 'assistant' | 'tool';
  kind: ChatMessageKind;
  content: string;
  toolCallId?: string | null;
  toolName?: string | null;
  data?: Record<string, unknown> | null;
  status?: 'complete' | 'cancelled' | 'failed';
}

export class ChatRepository {
  async insertSession(executor: Executor, orgId: string, session: { id: string; userId: string }): Promise<void> {
    await executor.db.insert(chatSessions).values({ id: session.id, orgId, userId: session.userId });
  }

  async findSession(executor: Executor, orgId: string, id: string): Promise<ChatSessionRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(chatSessions)
      .where(and(eq(chatSessions.orgId, orgId), eq(chatSessions.id, id)))
      .limit(1);
    return row;
  }

  async touchSession(executor: Executor, orgId: string, id: string, changes: { title?: string } = {}): Promise<void> {
    await executor.db
      .update(chatSessions)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(chatSessions.orgId, orgId), eq(chatSessions.id, id)));
  }

  async saveSummary(executor: Executor, orgId: string, id: string, summary: string, throughSeq: number): Promise<void> {
    await executor.db
      .update(chatSessions)
      .set({ summary, summarizedThroughSeq: throughSeq })
      .where(and(eq(chatSessions.orgId, orgId), eq(chatSessions.id, id)));
  }

  /** The user's sessions, most recently active first. */
  async listSessions(
    executor: Executor,
    orgId: string,
    userId: string,
    page: { limit: number; before?: { updatedAt: Date; id: string } },
  ): Promise<ChatSessionRow[]> {
    const conditions = [eq(chatSessions.orgId, orgId), eq(chatSessions.userId, userId)];
    if (page.before) {
      const { updatedAt, id } = page.before;
      conditions.push(
        or(lt(chatSessions.updatedAt, updatedAt), and(eq(chatSessions.updatedAt, updatedAt), lt(chatSessions.id, id)))!,
      );
    }
    return executor.db
      .select()
      .from(chatSessions)
      .where(and(...conditions))
      .orderBy(desc(chatSessions.updatedAt), desc(chatSessions.id))
      .limit(page.limit);
  }

  async insertMessage(executor: Executor, orgId: string, message: NewChatMessage): Promise<ChatMessageRow> {
    const [row] = await executor.db
      .insert(chatMessages)
      .values({
        id: message.id,
        orgId,
        sessionId: message.sessionId,
        runId: message.runId ?? null,
        role: message.role,
        kind: message.kind,
        content: message.content,
        toolCallId: message.toolCallId ?? null,
        toolName: message.toolName ?? null,
        data: message.data ?? null,
        status: message.status ?? 'complete',
      })
      .returning();
    return row!;
  }

  /** Messages in order, after `afterSeq` (exclusive) when given. */
  async messages(
    executor: Executor,
    orgId: string,
    sessionId: string,
    options: { afterSeq?: number; limit?: number } = {},
  ): Promise<ChatMessageRow[]> {
    const conditions = [eq(chatMessages.orgId, orgId), eq(chatMessages.sessionId, sessionId)];
    if (options.afterSeq !== undefined) conditions.push(gt(chatMessages.seq, options.afterSeq));
    const query = executor.db
      .select()
      .from(chatMessages)
      .where(and(...conditions))
      .orderBy(asc(chatMessages.seq));
    return options.limit ? query.limit(options.limit) : query;
  }
}
