/**
 * Examples for request bodies and answers that do not carry their own, made from their schemas:
 * a field's own `examples` first, then its const, first enum value or default, then a value of
 * its type and format. Every property is filled in, so an example shows a body's whole option
 * set. A string with a pattern the generator cannot satisfy must carry its own `examples` (the
 * build fails until it does); the lint run validates every example against its schema.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON Schema walked by hand

const ENTITY_ID = '6b0e9085c630ff1e619fc666';
const TIMESTAMP = '2026-12-01T09:16:53.406Z';
const HEX_24 = '^[a-fA-F0-9]{24}$';

/** Patterns some schemas share, with a value that matches. */
const PATTERN_EXAMPLES: Record<string, string> = {
  [HEX_24]: ENTITY_ID,
  '^(([a-fA-F0-9]{24})|([a-zA-Z0-9\\-]{3,}))$': 'acme',
};

const FORMAT_EXAMPLES: Record<string, string> = {
  email: 'ada@example.com',
  'date-time': TIMESTAMP,
  uri: 'https://example.com/',
  binary: '',
};

export function exampleOf(schema: Json | undefined, resolve: (ref: string) => Json | undefined, path = '#'): unknown {
  if (!schema || typeof schema !== 'object') return null;
  if (schema.$ref) return exampleOf(resolve(schema.$ref), resolve, schema.$ref);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches)) {
    const branch = branches.find((candidate: Json) => candidate.type !== 'null') ?? branches[0];
    return exampleOf(branch, resolve, path);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties: Json = schema.properties ?? {};
      return Object.fromEntries(Object.entries(properties).map(([name, inner]) => [name, exampleOf(inner, resolve, `${path}/${name}`)]));
    }
    case 'array': {
      const item = exampleOf(schema.items, resolve, `${path}/items`);
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => item);
    }
    case 'string': {
      if (schema.pattern !== undefined) {
        const value = PATTERN_EXAMPLES[schema.pattern];
        if (value === undefined) throw new Error(`the API description needs an example for ${path} (pattern ${schema.pattern})`);
        return value;
      }
      const value = FORMAT_EXAMPLES[schema.format] ?? 'example';
      return value.padEnd(schema.minLength ?? 0, 'x');
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.maximum !== undefined ? Math.min(1, schema.maximum) : 1);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}
