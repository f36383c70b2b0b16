import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A conversation. Private to the user who started it. `summary` holds the compacted older turns. */
export const chatSessions = pgTable(
  'chat_sessions',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id').notNull(),
    title: text('title'),
    summary: text('summary'),
    /** Messages with `seq` up to this are represented by `summary` when the history goes to the model. */
    summarizedThroughSeq: bigint('summarized_through_seq', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** The `updated_at` the conversation had when it was last indexed as knowledge memory (conversation-memory.ts). */
    memoryIndexedAt: timestamp('memory_indexed_at', { withTimezone: true }),
  },
  (table) => [
    index('chat_sessions_org_user_idx').on(table.orgId, table.userId, table.updatedAt),
    // Only conversations with activity not yet in memory, so the sweep never walks the whole history.
    index('chat_sessions_memory_pending_idx')
      .on(table.updatedAt)
      .where(sql`${table.memoryIndexedAt} is null or ${table.updatedAt} > ${table.memoryIndexedAt}`),
  ],
);

export const chatMessageKinds = ['text', 'tool_call', 'tool_result', 'error'] as const;
export type ChatMessageKind = (typeof chatMessageKinds)[number];

/**
 * One row per message or part (a user's text, a segment of the assistant's answer, a tool call, its result),
 * appended as the run goes; never a growing JSON array.
 */
export const chatMessages = pgTable(
  'chat_messages',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    sessionId: uuid('session_id').notNull(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    runId: uuid('run_id'),
    role: text('role', { enum: ['user', 'assistant', 'tool'] }).notNull(),
    kind: text('kind', { enum: chatMessageKinds }).notNull(),
    content: text('content').notNull(),
    toolCallId: text('tool_call_id'),
    toolName: text('tool_name'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    /** `complete`, or how the run ended when this part was cut short (`cancelled`, `failed`). */
    status: text('status', { enum: ['complete', 'cancelled', 'failed'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('chat_messages_session_idx').on(table.orgId, table.sessionId, table.seq)],
);
