/**
 * Builds a small request body that satisfies a route's JSON schema (from the OpenAPI document), filling
 * identifiers with the values a test wants to aim at (e.g. another org's ids), so requests get past
 * validation and reach the handler.
 */
export interface ExampleHints {
  uuid: () => string;
  email: string;
  text: string;
}

type JsonSchema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
};

export function exampleFor(schema: JsonSchema | undefined, hints: ExampleHints, depth = 0): unknown {
  if (!schema || depth > 8) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const concrete = variants.find((variant) => variant.type !== 'null') ?? variants[0];
    return exampleFor(concrete, hints, depth + 1);
  }
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => exampleFor(part, hints, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        // Optional id-like fields are filled too: they are exactly where a cross-org reference would hide.
        const isIdentifier = property.format === 'uuid' || /id$/i.test(key);
        if (schema.required?.includes(key) || isIdentifier) result[key] = exampleFor(property, hints, depth + 1);
      }
      return result;
    }
    case 'array': {
      const item = exampleFor(schema.items, hints, depth + 1);
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => item);
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'uuid') return hints.uuid();
      if (schema.format === 'email' || schema.pattern?.includes('@')) return hints.email;
      if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/';
      if (schema.format === 'date-time') return new Date().toISOString();
      const text = hints.text.padEnd(schema.minLength ?? 0, 'x');
      return schema.maxLength !== undefined ? text.slice(0, schema.maxLength) : text;
    }
    default:
      return schema.default;
  }
}
