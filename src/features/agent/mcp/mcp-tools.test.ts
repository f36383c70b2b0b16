import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inputSchemaFromJsonSchema } from './json-schema-input.js';
import { McpToolFailed, mcpResultText } from './mcp-tool-output.js';
import { mcpToolAccess, mcpToolName } from './mcp-toolset.js';

describe('MCP tool input schemas', () => {
  it('converts an object schema, so bad input is refused before it reaches the server', () => {
    const { schema, warning } = inputSchemaFromJsonSchema({
      type: 'object',
      properties: { a: { type: 'number', description: 'first' }, b: { type: 'number' } },
      required: ['a', 'b'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    });
    expect(warning).toBeUndefined();
    expect(schema.safeParse({ a: 1, b: 2 }).success).toBe(true);
    expect(schema.safeParse({ a: 'one', b: 2 }).success).toBe(false);
    expect(schema.safeParse({ a: 1 }).success).toBe(false);
    expect(JSON.stringify(z.toJSONSchema(schema))).toContain('"description":"first"');
  });

  it('drops regex patterns, which a hostile server could use to stall the event loop', () => {
    const { schema } = inputSchemaFromJsonSchema({
      type: 'object',
      properties: { text: { type: 'string', pattern: '^(a+)+$' } },
    });
    const started = performance.now();
    expect(schema.safeParse({ text: `${'a'.repeat(40)}!` }).success).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('falls back to any object for external refs, deep nesting, huge or unconvertible schemas', () => {
    let deep: Record<string, unknown> = { type: 'object' };
    for (let level = 0; level < 40; level++) deep = { type: 'object', properties: { next: deep } };
    const cases: unknown[] = [
      { type: 'object', properties: { a: { $ref: 'https://example.com/schema.json' } } },
      deep,
      { type: 'object', properties: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, {}])) },
      { type: 'object', properties: { a: { type: 'no-such-type' } } },
      { type: 'array' },
    ];
    for (const jsonSchema of cases) {
      const converted = inputSchemaFromJsonSchema(jsonSchema);
      expect(converted.warning).toBeTruthy();
      expect(converted.schema.safeParse({ anything: 1 }).success).toBe(true);
      expect(converted.schema.safeParse('not an object').success).toBe(false);
    }
  });

  it('keeps local recursive refs', () => {
    const { schema, warning } = inputSchemaFromJsonSchema({
      type: 'object',
      $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } },
      properties: { root: { $ref: '#/$defs/node' } },
    });
    expect(warning).toBeUndefined();
    expect(schema.safeParse({ root: { child: { child: {} } } }).success).toBe(true);
  });
});

describe('MCP tool names and access', () => {
  it('prefixes the server name and keeps names snake_case, unique and at most 64 characters', () => {
    const taken = new Set<string>();
    const first = mcpToolName('everything', 'get-sum', taken);
    taken.add(first);
    const second = mcpToolName('everything', 'get_sum', taken);
    const long = mcpToolName('everything', 'x'.repeat(100), taken);
    expect(first).toBe('everything__get_sum');
    expect(second).toMatch(/^everything__get_sum_[0-9a-f]{8}$/);
    expect(long.length).toBeLessThanOrEqual(64);
    for (const name of [first, second, long, mcpToolName('s', 'Ünïcode.Tool/Name', taken)]) {
      expect(name).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
    }
  });

  it('is read-only unless the admin marks the server or the tool, or the server itself says destructive', () => {
    const tool = { name: 'delete_all', inputSchema: {} };
    expect(mcpToolAccess({ access: 'readOnly', toolAccess: {} }, tool)).toBe('readOnly');
    expect(mcpToolAccess({ access: 'mutating', toolAccess: {} }, tool)).toBe('mutating');
    expect(mcpToolAccess({ access: 'readOnly', toolAccess: { delete_all: 'mutating' } }, tool)).toBe('mutating');
    expect(mcpToolAccess({ access: 'mutating', toolAccess: { delete_all: 'readOnly' } }, tool)).toBe('readOnly');
    expect(
      mcpToolAccess({ access: 'readOnly', toolAccess: {} }, { ...tool, annotations: { destructiveHint: true } }),
    ).toBe('mutating');
  });
});

describe('MCP tool results', () => {
  it('joins text, describes binary content, and throws for isError', () => {
    expect(
      mcpResultText({
        content: [
          { type: 'text', text: 'hello' },
          { type: 'image', mimeType: 'image/png', data: 'AAAA' },
          { type: 'resource', resource: { uri: 'file:///x', text: 'inside' } },
          { type: 'resource_link', uri: 'file:///y', name: 'y' },
        ],
      }),
    ).toBe('hello\n[image image/png, 3 bytes, not shown]\n[resource file:///x]\ninside\n[resource link file:///y (y)]');
    expect(mcpResultText({ content: [], structuredContent: { ok: true } })).toContain('"ok": true');
    expect(() => mcpResultText({ content: [{ type: 'text', text: 'nope' }], isError: true })).toThrow(McpToolFailed);
  });
});
