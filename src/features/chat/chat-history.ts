import type { AssistantModelMessage, ModelMessage, ToolModelMessage } from 'ai';
import { wrapToolOutput } from '../agent/index.js';
import type { ChatMessageRow } from './chat.repository.js';

/** Rough token count (≈4 characters a token): good enough to keep a history inside a budget. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function rowTokens(row: ChatMessageRow): number {
  return estimateTokens(row.content) + (row.data ? estimateTokens(JSON.stringify(row.data)) : 0) + 4;
}

/**
 * Rebuilds the conversation the model saw from stored rows: user texts, assistant text and tool calls, tool
 * results (wrapped as data again). A call without a result (the run was cancelled mid-call) is left out,
 * since providers reject unanswered calls.
 */
export function toModelMessages(rows: ChatMessageRow[]): ModelMessage[] {
  const answered = new Set(rows.filter((row) => row.kind === 'tool_result').map((row) => row.toolCallId));
  const called = new Set(rows.filter((row) => row.kind === 'tool_call').map((row) => row.toolCallId));
  const messages: ModelMessage[] = [];
  let assistant: AssistantModelMessage | undefined;
  let tool: ToolModelMessage | undefined;
  for (const row of rows) {
    if (row.kind === 'error') continue;
    if (row.role === 'user') {
      assistant = undefined;
      tool = undefined;
      messages.push({ role: 'user', content: row.content });
    } else if (row.kind === 'text' || row.kind === 'tool_call') {
      if (row.kind === 'tool_call' && !answered.has(row.toolCallId)) continue;
      if (row.kind === 'text' && !row.content) continue;
      if (!assistant || tool) {
        assistant = { role: 'assistant', content: [] };
        tool = undefined;
        messages.push(assistant);
      }
      (assistant.content as Exclude<AssistantModelMessage['content'], string>).push(
        row.kind === 'text'
          ? { type: 'text', text: row.content }
          : { type: 'tool-call', toolCallId: row.toolCallId!, toolName: row.toolName!, input: row.data?.input ?? {} },
      );
    } else if (row.kind === 'tool_result') {
      if (!called.has(row.toolCallId)) continue;
      if (!tool) {
        tool = { role: 'tool', content: [] };
        messages.push(tool);
      }
      tool.content.push({
        type: 'tool-result',
        toolCallId: row.toolCallId!,
        toolName: row.toolName!,
        output: { type: 'text', value: wrapToolOutput(row.toolName!, String(row.data?.status ?? 'ok'), row.content) },
      });
    }
  }
  return messages;
}

/** A plain transcript for the summariser. */
export function transcript(rows: ChatMessageRow[]): string {
  return rows
    .map((row) => {
      if (row.kind === 'tool_call')
        return `[assistant called ${row.toolName} with ${JSON.stringify(row.data?.input ?? {})}]`;
      if (row.kind === 'tool_result') return `[${row.toolName} returned (data): ${row.content.slice(0, 2_000)}]`;
      if (row.kind === 'error') return '';
      return `${row.role === 'user' ? 'User' : 'Assistant'}: ${row.content}`;
    })
    .filter(Boolean)
    .join('\n');
}

/**
 * Where to cut a history that is over budget: the first user turn such that everything from it on fits in
 * half the budget (the rest becomes the summary). Returns the index of that row, or 0 when nothing need go.
 */
export function compactionCut(rows: ChatMessageRow[], budgetTokens: number): number {
  const total = rows.reduce((sum, row) => sum + rowTokens(row), 0);
  if (total <= budgetTokens) return 0;
  let kept = 0;
  let cut = rows.length;
  for (let index = rows.length - 1; index >= 0; index--) {
    kept += rowTokens(rows[index]!);
    if (kept > budgetTokens / 2) break;
    if (rows[index]!.role === 'user') cut = index;
  }
  // Always keep at least the last user turn, even if it alone is over half the budget.
  if (cut === rows.length) {
    const lastUser = rows.findLastIndex((row) => row.role === 'user');
    cut = lastUser > 0 ? lastUser : rows.length - 1;
  }
  return cut;
}
