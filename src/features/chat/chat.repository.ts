import { and, asc, desc, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/database/database.js';
import { preparedStatements } from '../../platform/database/prepared-statements.js';
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

// The statements every chat message runs.
const statements = preparedStatements((db) => ({
  findSession: db
    .select()
    .from(chatSessions)
    .where(and(eq(chatSessions.orgId, sql.placeholder('orgId')), eq(chatSessions.id, sql.placeholder('id'))))
    .limit(1)
    .prepare('chat_find_session'),
  history: db
    .select()
    .from(chatMessages)
    .where(
      and(
        eq(chatMessages.orgId, sql.placeholder('orgId')),
        eq(chatMessages.sessionId, sql.placeholder('sessionId')),
        // After what the session's summary already covers (read here, so the session need not be read first).
        gt(
          chatMessages.seq,
          sql`coalesce((select ${chatSessions.summarizedThroughSeq} from ${chatSessions} where ${chatSessions.orgId} = ${sql.placeholder('orgId')} and ${chatSessions.id} = ${sql.placeholder('sessionId')}), 0)`,
        ),
      ),
    )
    .orderBy(asc(chatMessages.seq))
    .prepare('chat_history'),
  insertText: db
    .insert(chatMessages)
    .values({
      id: sql.placeholder('id'),
      orgId: sql.placeholder('orgId'),
      sessionId: sql.placeholder('sessionId'),
      runId: sql.placeholder('runId'),
      role: sql.placeholder('role'),
      kind: 'text',
      content: sql.placeholder('content'),
      status: 'complete',
    })
    .prepare('chat_insert_text'),
  touchSession: db
    .update(chatSessions)
    .set({ updatedAt: sql`now()`, title: sql`coalesce(${chatSessions.title}, ${sql.placeholder('title')})` })
    .where(and(eq(chatSessions.orgId, sql.placeholder('orgId')), eq(chatSessions.id, sql.placeholder('id'))))
    .prepare('chat_touch_session'),
}));

export class ChatRepository {
  async insertSession(executor: Executor, orgId: string, session: { id: string; userId: string }): Promise<void> {
    await executor.db.insert(chatSessions).values({ id: session.id, orgId, userId: session.userId });
  }

  async findSession(executor: Executor, orgId: string, id: string): Promise<ChatSessionRow | undefined> {
    const [row] = await statements(executor).findSession.execute({ orgId, id });
    return row;
  }

  /** The session was active now (its `updated_at`); it takes `title` if it has none yet. */
  async touchSession(executor: Executor, orgId: string, id: string, title?: string): Promise<void> {
    await statements(executor).touchSession.execute({ orgId, id, title: title ?? null });
  }

  /** Appends one plain text message (a user's question). */
  async insertText(
    executor: Executor,
    orgId: string,
    message: { id: string; sessionId: string; runId: string | null; role: 'user' | 'assistant'; content: string },
  ): Promise<void> {
    await statements(executor).insertText.execute({ ...message, orgId });
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

  /** Appends messages in one statement; `seq` follows their order. */
  async insertMessages(executor: Executor, orgId: string, messages: NewChatMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await executor.db.insert(chatMessages).values(
      messages.map((message) => ({
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
      })),
    );
  }

  /** What the model is shown again: the messages its summary does not cover yet, in order. */
  async history(executor: Executor, orgId: string, sessionId: string): Promise<ChatMessageRow[]> {
    return statements(executor).history.execute({ orgId, sessionId });
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
