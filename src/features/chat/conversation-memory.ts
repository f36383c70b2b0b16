import type { Database } from '../../platform/database/database.js';
import type { Logger } from '../../platform/logger/logger.js';

/** What the knowledge base is handed (KnowledgeService.indexMemory): one document per session, replaced on re-index. */
export interface ConversationMemoryInput {
  kind: 'conversation';
  sourceId: string;
  title: string;
  text: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

export interface ConversationMemoryDependencies {
  database: Database;
  logger: Logger;
  /** KnowledgeService.indexMemory, wired in the composition root (chat does not import the knowledge feature). */
  indexMemory: (orgId: string, input: ConversationMemoryInput) => Promise<unknown>;
  /** Masks secret values this process knows (platform.redactor); applied to the transcript before it is stored. */
  redact: (text: string) => string;
  /** Minutes without activity after which a conversation counts as finished; 0 turns conversation memory off. */
  idleMinutes: number;
}

export interface SweepResult {
  indexed: number;
  /** Finished conversations with no user or assistant text (opened and left): marked, nothing indexed. */
  empty: number;
  failed: number;
}

interface PendingSession {
  orgId: string;
  id: string;
  userId: string;
  title: string | null;
  lastSeq: string | null;
}

interface TranscriptRow {
  role: 'user' | 'assistant';
  content: string;
  runId: string | null;
}

/** Sessions handled per sweep; the rest wait for the next one (the job runs every few minutes). */
const sweepBatch = 50;
/** The transcript's size cap; a longer conversation keeps its latest turns. */
const maxTranscriptCharacters = 200_000;

/**
 * Credential shapes masked even when this process never saw the value (a key pasted into the chat): PEM private
 * keys, AWS access key ids, GitHub, Slack and OpenAI-style tokens, bearer tokens, and `password=`-style pairs.
 */
const secretPatterns: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\bsk-[A-Za-z0-9_-]{20,}\b/g,
  /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{16,}/gi,
  /\b((?:password|passwd|secret|api[_-]?key|access[_-]?token|client[_-]?secret)\s*[:=]\s*)("[^"\n]+"|'[^'\n]+'|[^\s,;]+)/gi,
];

export function maskCredentials(text: string): string {
  let masked = text;
  for (const pattern of secretPatterns) {
    // Patterns with a label group keep the label ("Bearer ", "password=") and mask what follows; without a group
    // the second argument is the offset, a number.
    masked = masked.replace(pattern, (_match: string, label: unknown) =>
      typeof label === 'string' ? `${label}[REDACTED]` : '[REDACTED]',
    );
  }
  return masked;
}

/**
 * Conversation memory: a chat session idle for `idleMinutes` after its last activity is indexed in the knowledge
 * base as a document of kind `conversation` (its source id is the session id), from its user and assistant text
 * only (no tool calls or tool output). A session that gets new messages is indexed again once idle, replacing its
 * document. `chat_sessions.memory_indexed_at` holds the `updated_at` that was indexed, so pending sessions are
 * exactly those with `updated_at` past it (a partial index keeps finding them cheap).
 */
export class ConversationMemory {
  constructor(private readonly dependencies: ConversationMemoryDependencies) {}

  /** The `chat.memory.sweep` job. `now` is a parameter so tests need not wait for the idle time to pass. */
  async sweep(options: { now?: Date; limit?: number } = {}): Promise<SweepResult> {
    const result: SweepResult = { indexed: 0, empty: 0, failed: 0 };
    const { database, idleMinutes, logger } = this.dependencies;
    if (idleMinutes <= 0) return result;
    const idleSince = new Date((options.now ?? new Date()).getTime() - idleMinutes * 60_000);
    // Idle: the session was last touched (a run ended) and last written to (a run in progress appends parts)
    // before the cut-off.
    const pending = await database.query<PendingSession>(
      `select s.org_id as "orgId", s.id, s.user_id as "userId", s.title,
              (select max(m.seq) from chat_messages m where m.org_id = s.org_id and m.session_id = s.id)::text
                as "lastSeq"
         from chat_sessions s
        where (s.memory_indexed_at is null or s.updated_at > s.memory_indexed_at)
          and s.updated_at < $1
          and not exists (
            select 1 from chat_messages m
             where m.org_id = s.org_id and m.session_id = s.id and m.created_at >= $1
          )
        order by s.updated_at
        limit $2`,
      [idleSince, options.limit ?? sweepBatch],
    );
    for (const session of pending) {
      try {
        const indexed = await this.indexSession(session);
        if (indexed) result.indexed++;
        else result.empty++;
      } catch (error) {
        // Left pending, so the next sweep tries again; the other sessions go on.
        result.failed++;
        logger.warn({ err: error, orgId: session.orgId, sessionId: session.id }, 'could not index a conversation');
      }
    }
    return result;
  }

  private async indexSession(session: PendingSession): Promise<boolean> {
    const { database, indexMemory } = this.dependencies;
    const lastSeq = session.lastSeq ?? '0';
    const rows =
      session.lastSeq === null
        ? []
        : await database.query<TranscriptRow>(
            `select role, content, run_id as "runId" from chat_messages
              where org_id = $1 and session_id = $2 and seq <= $3::bigint
                and kind = 'text' and role in ('user', 'assistant') and content <> ''
              order by seq`,
            [session.orgId, session.id, lastSeq],
          );
    const text = this.transcript(rows);
    if (text) {
      const firstQuestion = rows.find((row) => row.role === 'user')?.content;
      const title = (session.title ?? firstQuestion ?? 'Untitled').replace(/\s+/g, ' ').trim().slice(0, 200);
      await indexMemory(session.orgId, {
        kind: 'conversation',
        sourceId: session.id,
        title: `Conversation: ${this.dependencies.redact(maskCredentials(title))}`,
        text,
        tags: ['chat'],
        metadata: { sessionId: session.id, userId: session.userId, throughSeq: Number(lastSeq), messages: rows.length },
      });
    }
    // Marked only if nothing was written after what was read; otherwise the session stays pending and is
    // indexed again once idle.
    await database.query(
      `update chat_sessions set memory_indexed_at = updated_at
        where org_id = $1 and id = $2
          and not exists (
            select 1 from chat_messages m where m.org_id = $1 and m.session_id = $2 and m.seq > $3::bigint
          )`,
      [session.orgId, session.id, lastSeq],
    );
    return Boolean(text);
  }

  /** User and assistant turns as Markdown; an answer's parts (split around tool calls) are joined into one turn. */
  private transcript(rows: TranscriptRow[]): string {
    const turns: Array<{ role: 'user' | 'assistant'; runId: string | null; parts: string[] }> = [];
    for (const row of rows) {
      const last = turns.at(-1);
      if (last && last.role === row.role && last.runId === row.runId) last.parts.push(row.content.trim());
      else turns.push({ role: row.role, runId: row.runId, parts: [row.content.trim()] });
    }
    const rendered = turns.map(
      (turn) => `**${turn.role === 'user' ? 'User' : 'Aurora'}:** ${turn.parts.filter(Boolean).join('\n\n')}`,
    );
    let text = rendered.join('\n\n');
    if (text.length > maxTranscriptCharacters) {
      text = `(earlier messages omitted)\n\n${text.slice(text.length - maxTranscriptCharacters)}`;
    }
    return this.dependencies.redact(maskCredentials(text)).trim();
  }
}
