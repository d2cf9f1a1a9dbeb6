/**
 * Request validation: TypeBox's compiled checker instead of Fastify's default Ajv, because the
 * contract needs three things Ajv's options cannot give together:
 *  - unknown body keys are *rejected*, never silently removed;
 *  - booleans accept true/false and the strings "true"/"false" in any case, integers accept
 *    numeric strings — and nothing else (Ajv's coerceTypes would also turn 1 into true, or
 *    true into 1);
 *  - every problem is reported, each naming its field and the rule it breaks.
 *
 * Lenient fields are marked in their schema with `x-lenient` (see schemas/primitives.ts) and are
 * normalised before the check; the check then runs against the strict type, so ranges and the
 * like apply to the normalised value.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { AppError, type FieldProblem } from '../errors.ts';
import { isValidEmail } from '../lib/email.ts';

FormatRegistry.Set('email', isValidEmail);
FormatRegistry.Set('uri', (value) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
});
FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value));

/** Cap on listed problems: a 10,000-item array of bad values should not answer with 10,000 lines. */
const MAX_REPORTED_PROBLEMS = 50;

type Coercer = (value: unknown) => unknown;

const BOOLEAN_STRING = /^(true|false)$/i;
const INTEGER_STRING = /^-?\d+$/;

/**
 * Build a function that normalises the lenient fields of `schema` in place, or null when the
 * schema has none (so most requests pay nothing).
 */
function buildCoercer(schema: TSchema): Coercer | null {
  const lenient = schema['x-lenient'] as 'boolean' | 'integer' | undefined;
  if (lenient === 'boolean') {
    return (value) => (typeof value === 'string' && BOOLEAN_STRING.test(value) ? value.toLowerCase() === 'true' : value);
  }
  if (lenient === 'integer') {
    return (value) =>
      typeof value === 'string' && INTEGER_STRING.test(value.trim()) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }
  if (Array.isArray(schema.anyOf)) {
    // Each branch's coercer converts only what matches it, so trying them in turn is safe.
    const branches = (schema.anyOf as TSchema[]).map(buildCoercer).filter((c): c is Coercer => c !== null);
    if (branches.length === 0) return null;
    return (value) => branches.reduce((current, coerce) => coerce(current), value);
  }
  if (schema.type === 'object' && schema.properties) {
    const children = Object.entries(schema.properties as Record<string, TSchema>)
      .map(([key, child]) => [key, buildCoercer(child)] as const)
      .filter((entry): entry is readonly [string, Coercer] => entry[1] !== null);
    if (children.length === 0) return null;
    return (value) => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const record = value as Record<string, unknown>;
        for (const [key, coerce] of children) {
          if (key in record) record[key] = coerce(record[key]);
        }
      }
      return value;
    };
  }
  if (schema.type === 'array' && schema.items) {
    const coerceItem = buildCoercer(schema.items as TSchema);
    if (!coerceItem) return null;
    return (value) => (Array.isArray(value) ? value.map(coerceItem) : value);
  }
  return null;
}

/** `/admPolicyAssignments/0/priority` → `admPolicyAssignments[0].priority`. */
function fieldName(part: string, pointer: string): string {
  if (pointer === '') return part;
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, segment) => (/^\d+$/.test(segment) ? `${name}[${segment}]` : name ? `${name}.${segment}` : segment), '');
}

function describeRule(error: ValueError): string {
  const schema = error.schema;
  const custom = schema.errorMessage as string | undefined;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not allowed (unknown field)';
    case ValueErrorType.Object:
      return 'must be an object';
    case ValueErrorType.Array:
      return 'must be an array';
    case ValueErrorType.ArrayMaxItems:
      return `must contain at most ${schema.maxItems} items`;
    case ValueErrorType.ArrayMinItems:
      return `must contain at least ${schema.minItems} items`;
    case ValueErrorType.ArrayUniqueItems:
      return 'must not contain duplicates';
    case ValueErrorType.String:
      return custom ?? 'must be a string';
    case ValueErrorType.StringMaxLength:
      return `must be at most ${schema.maxLength} characters long`;
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters long`;
    case ValueErrorType.StringPattern:
      return custom ?? `must match the pattern ${schema.pattern}`;
    case ValueErrorType.StringFormat:
      return custom ?? `must be a valid ${schema.format}`;
    case ValueErrorType.Boolean:
      return custom ?? 'must be a boolean';
    case ValueErrorType.Integer:
      return custom ?? 'must be an integer';
    case ValueErrorType.Number:
      return custom ?? 'must be a number';
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be greater than or equal to ${schema.minimum}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be less than or equal to ${schema.maximum}`;
    case ValueErrorType.Null:
      return 'must be null';
    default:
      return custom ?? error.message.replace(/^Expected/, 'must be').toLowerCase();
  }
}

/** Turn TypeBox's errors into `{path, message}` problems, one per field and rule. */
export function toFieldProblems(part: string, errors: Iterable<ValueError>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const field = fieldName(part, error.path);
    const message = `"${field}" ${describeRule(error)}`;
    // A value that is not the right type also fails that type's rules; keep the first word on it.
    if (seen.has(field)) continue;
    seen.add(field);
    problems.push({ path: `/${part}${error.path}`, message });
    if (problems.length >= MAX_REPORTED_PROBLEMS) break;
  }
  return problems;
}

/** Fastify validator compiler: one compiled checker per route part. */
/**
 * The JSON pointer of the first string (or key) holding a NUL character, or null. PostgreSQL
 * cannot store U+0000 in text (the fuzzer got a 500 out of it); no legitimate field needs it.
 */
function findNul(value: unknown, pointer: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? pointer : null;
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    const childPointer = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key.includes('\u0000')) return childPointer;
    const found = findNul(child, childPointer, depth + 1);
    if (found) return found;
  }
  return null;
}

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = TypeCompiler.Compile(schema);
  const coerce = buildCoercer(schema);
  const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
  // Query strings and path params arrive as strings: convert them to the declared types.
  const isStringly = httpPart === 'querystring' || httpPart === 'params' || httpPart === 'headers';
  const hasDefaults = JSON.stringify(schema).includes('"default"');
  // A body whose schema requires nothing may be left out entirely; it then reads as {}.
  const isOmittableBody = part === 'body' && schema.type === 'object' && !(schema.required as string[] | undefined)?.length;

  return (input: unknown) => {
    const nul = findNul(input, `/${part}`);
    if (nul) return { error: AppError.validation([{ path: nul, message: `"${nul.split('/').pop()}" must not contain NUL characters (U+0000)` }]) };
    let value = input === null && isOmittableBody ? {} : input;
    if (isStringly) value = Value.Convert(schema, value);
    if (coerce) value = coerce(value);
    if (hasDefaults) value = Value.Default(schema, value);
    if (checker.Check(value)) return { value };
    return { error: AppError.validation(toFieldProblems(part, checker.Errors(value))) };
  };
};

/**
 * Check a value against a request schema outside HTTP (the CLI uses it), with the same
 * normalisation and the same error messages as the API.
 */
export function assertValid<T>(schema: TSchema, value: unknown): T {
  const validate = validatorCompiler({ schema, httpPart: 'body', method: 'POST', url: '' });
  const result = validate(value) as { value?: unknown; error?: Error };
  if (result.error) throw result.error;
  return result.value as T;
}
