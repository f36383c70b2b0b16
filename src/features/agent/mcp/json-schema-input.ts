import { z } from 'zod';

/** Limits on a tool's input schema from an MCP server (which Aurora does not control). */
export const maxInputSchemaChars = 64_000;
export const maxInputSchemaDepth = 24;

// `pattern` regexes would run on Aurora's event loop against model-written input: a hostile server could send one
// that backtracks catastrophically (ReDoS). The MCP server validates its own input anyway, so they are dropped here.
const droppedKeywords = new Set(['pattern', 'patternProperties', '$dynamicRef', '$recursiveRef', '$dynamicAnchor']);

class UnsafeSchema extends Error {}

function sanitize(value: unknown, depth: number): unknown {
  if (depth > maxInputSchemaDepth) throw new UnsafeSchema(`nested deeper than ${maxInputSchemaDepth} levels`);
  if (Array.isArray(value)) return value.map((item) => sanitize(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (droppedKeywords.has(key)) continue;
    if (key === '$ref' && typeof entry === 'string' && !entry.startsWith('#')) {
      throw new UnsafeSchema(`refers to an external schema (${entry.slice(0, 100)})`);
    }
    copy[key] = sanitize(entry, depth + 1);
  }
  return copy;
}

export interface ConvertedInput {
  schema: z.ZodType;
  /** Why the server's schema was not used as it is (then any JSON object is accepted and the server validates). */
  warning?: string;
}

/**
 * An MCP tool's JSON Schema as a zod schema for the agent's registry: the model is shown it and its calls are
 * checked against it (a call that fails goes back to the model as a tool error). Oversized, too deep or
 * unconvertible schemas fall back to "any JSON object", leaving validation to the server.
 */
export function inputSchemaFromJsonSchema(jsonSchema: unknown): ConvertedInput {
  const permissive = (warning: string): ConvertedInput => ({
    schema: z.record(z.string(), z.unknown()),
    warning,
  });
  let text: string;
  try {
    text = JSON.stringify(jsonSchema ?? {});
  } catch {
    return permissive('the input schema is not JSON');
  }
  if (text.length > maxInputSchemaChars) {
    return permissive(`the input schema is larger than ${maxInputSchemaChars.toLocaleString('en-US')} characters`);
  }
  try {
    const sanitized = sanitize(jsonSchema ?? {}, 0) as Record<string, unknown>;
    if (typeof sanitized !== 'object' || sanitized === null || Array.isArray(sanitized)) {
      return permissive('the input schema is not an object schema');
    }
    if (sanitized.type !== undefined && sanitized.type !== 'object') {
      return permissive(`the input schema has type ${JSON.stringify(sanitized.type)}, not "object"`);
    }
    const schema = z.fromJSONSchema({ ...sanitized, type: 'object' } as Parameters<typeof z.fromJSONSchema>[0]);
    // The AI SDK turns it back into JSON Schema for the model; a schema that cannot make that trip is not usable.
    z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    return { schema };
  } catch (error) {
    return permissive(`the input schema could not be converted (${(error as Error).message.slice(0, 200)})`);
  }
}
