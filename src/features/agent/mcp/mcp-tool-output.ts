/** What an MCP `tools/call` answers (CallToolResult), loosely: servers we do not control send it. */
export interface McpCallResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: boolean;
  toolResult?: unknown;
}

/** A tool call the MCP server itself reported as failed (`isError: true`); the text goes to the model as the error. */
export class McpToolFailed extends Error {}

function sizeOf(base64: unknown): string {
  const length = typeof base64 === 'string' ? Math.floor((base64.length * 3) / 4) : 0;
  return `${length.toLocaleString('en-US')} bytes`;
}

function partText(part: unknown): string {
  if (part === null || typeof part !== 'object') return String(part);
  const item = part as Record<string, unknown>;
  switch (item.type) {
    case 'text':
      return String(item.text ?? '');
    case 'image':
    case 'audio':
      // The model is text-only here; binary content is described, not inlined.
      return `[${item.type} ${String(item.mimeType ?? 'unknown type')}, ${sizeOf(item.data)}, not shown]`;
    case 'resource': {
      const resource = (item.resource ?? {}) as Record<string, unknown>;
      if (typeof resource.text === 'string') return `[resource ${String(resource.uri ?? '')}]\n${resource.text}`;
      return `[resource ${String(resource.uri ?? '')} ${String(resource.mimeType ?? '')}, ${sizeOf(resource.blob)}, not shown]`;
    }
    case 'resource_link':
      return `[resource link ${String(item.uri ?? '')}${item.name ? ` (${String(item.name)})` : ''}]`;
    default:
      return JSON.stringify(part);
  }
}

/**
 * A tool call's result as the text the agent records and the model reads (the registry caps and wraps it).
 * Throws McpToolFailed when the server marked the result as an error.
 */
export function mcpResultText(result: McpCallResult): string {
  const parts = Array.isArray(result.content) ? result.content : [];
  let text = parts.map(partText).join('\n');
  if (!text && result.structuredContent !== undefined) text = JSON.stringify(result.structuredContent, null, 2);
  if (!text && result.toolResult !== undefined) text = JSON.stringify(result.toolResult, null, 2);
  if (result.isError) throw new McpToolFailed(text || 'the MCP server reported an error without a message');
  return text || '(no output)';
}
