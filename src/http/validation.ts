/**
 * Request validation: TypeBox's compiled checker instead of Fastify's default Ajv, because the
 * contract needs three things Ajv's options cannot give together:
 *  - unknown body keys are *rejected*, never silently removed;
 *  - booleans accept true/false and the strings "true"/"false" in any case, integers accept
 *    numeric strings — and nothing else (Ajv's coerceTypes would also turn 1 into true, or
 *    true into 1);
 *  - every problem is reported, each naming its field and the rule it breaks.
 *
 * Lenient fields are marked in their schema with `x-lenient` (see http/schemas.ts) and are
 * normalised before the check; the check then runs against the strict type, so ranges and the
 * like apply to the normalised value.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { AppError, type FieldProblem } from '../errors.ts';
import { isValidEmail } from '../lib/email-address.ts';

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
 * schema has none (so most requests pay nothing). In query strings and path parameters every
 * value arrives as a string, so there every integer and boolean is read this way: TypeBox's own
 * conversion read "2.5" as 2, "1e30" as 1 and "0x10" as 16, silently answering another page.
 */
function buildCoercer(schema: TSchema, isStringly = false): Coercer | null {
  const implicit = isStringly && (schema.type === 'integer' || schema.type === 'boolean') ? (schema.type as 'boolean' | 'integer') : undefined;
  const lenient = (schema['x-lenient'] as 'boolean' | 'integer' | undefined) ?? implicit;
  if (lenient === 'boolean') {
    return (value) => (typeof value === 'string' && BOOLEAN_STRING.test(value) ? value.toLowerCase() === 'true' : value);
  }
  if (lenient === 'integer') {
    return (value) =>
      typeof value === 'string' && INTEGER_STRING.test(value.trim()) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }
  if (Array.isArray(schema.anyOf)) {
    // Each branch's coercer converts only what matches it, so trying them in turn is safe.
    const branches = (schema.anyOf as TSchema[]).map((branch) => buildCoercer(branch, isStringly)).filter((c): c is Coercer => c !== null);
    if (branches.length === 0) return null;
    return (value) => branches.reduce((current, coerce) => coerce(current), value);
  }
  if (schema.type === 'object' && schema.properties) {
    const children = Object.entries(schema.properties as Record<string, TSchema>)
      .map(([key, child]) => [key, buildCoercer(child, isStringly)] as const)
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
    const coerceItem = buildCoercer(schema.items as TSchema, isStringly);
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

/** How a format reads in a refusal. */
const FORMAT_NAMES: Readonly<Record<string, string>> = { email: 'an email address', uri: 'an absolute URL', 'date-time': 'an ISO-8601 date and time' };

/**
 * What one accepted shape of a value is, in words ("an email address of at most 254 characters",
 * "null"): a union's refusal lists its shapes, where TypeBox says only "Expected union value".
 */
function describeShape(schema: TSchema): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.anyOf) return (schema.anyOf as TSchema[]).map(describeShape).join(', or ');
  switch (schema.type) {
    case 'null':
      return 'null';
    case 'string': {
      if (schema.enum) return `one of ${(schema.enum as string[]).join(', ')}`;
      const base = (schema.format && FORMAT_NAMES[schema.format as string]) ?? (schema.pattern ? `text matching ${schema.pattern}` : 'text');
      return schema.maxLength === undefined ? base : `${base} of at most ${schema.maxLength} characters`;
    }
    case 'integer':
    case 'number':
      return schema.type === 'integer' ? 'an integer' : 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return schema.maxItems === undefined ? 'a list' : `a list of at most ${schema.maxItems} items`;
    case 'object':
      return 'an object';
    default:
      return 'a value of another shape';
  }
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
    case ValueErrorType.Union:
      return custom ?? `must be ${describeShape(schema)}`;
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

/**
 * The deepest nesting a request may have: the body is level 1, each object or array inside adds
 * one. Real bodies use 3 or 4; a user stored with metadata 4,110 levels deep made every list page
 * containing it overflow the serializer's stack (500), so nothing may be stored deeper than this.
 */
export const MAX_JSON_DEPTH = 32;

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The first structural problem of a request part, or null: a string (or key) holding a NUL
 * character — PostgreSQL cannot store U+0000 in text (the fuzzer got a 500 out of it) and no
 * legitimate field needs it — or nesting deeper than MAX_JSON_DEPTH. The walk stops at that
 * depth, so an over-deep body costs no more than a legal one.
 */
function findStructuralProblem(value: unknown, pointer: string, depth: number, topField: string | null): FieldProblem | null {
  if (typeof value === 'string') return value.includes('\u0000') ? nulProblem(pointer) : null;
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_JSON_DEPTH) {
    const field = topField ?? 'body';
    return { path: topField ? pointer.split('/').slice(0, 3).join('/') : pointer, message: `"${field}" is nested too deeply: at most ${MAX_JSON_DEPTH} levels of objects and arrays` };
  }
  // Indexes, not Object.entries: an array of a million strings must not become a million pairs.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (child === null || (typeof child !== 'object' && typeof child !== 'string')) continue;
      const found = findStructuralProblem(child, `${pointer}/${i}`, depth + 1, topField ?? String(i));
      if (found) return found;
    }
    return null;
  }
  for (const key in value) {
    const childPointer = `${pointer}/${escapePointer(key)}`;
    if (key.includes('\u0000')) return nulProblem(childPointer);
    const found = findStructuralProblem((value as Record<string, unknown>)[key], childPointer, depth + 1, topField ?? key);
    if (found) return found;
  }
  return null;
}

const nulProblem = (pointer: string): FieldProblem => ({ path: pointer, message: `"${pointer.split('/').pop()}" must not contain NUL characters (U+0000)` });

/**
 * Build a check of the `maxItems` bounds of the object fields of `schema`, run before anything
 * reads the list's items: a bulk body of 1.2 million addresses is refused at the cost of parsing
 * it (TypeBox's error listing alone walked every item, 250 ms). null when there are none.
 */
function buildItemCountCheck(schema: TSchema): ((value: unknown, part: string) => FieldProblem | null) | null {
  if (schema.type !== 'object' || !schema.properties) return null;
  const bounded = Object.entries(schema.properties as Record<string, TSchema>).filter(([, child]) => child.type === 'array' && typeof child.maxItems === 'number');
  if (bounded.length === 0) return null;
  return (value, part) => {
    if (value === null || typeof value !== 'object') return null;
    for (const [key, child] of bounded) {
      const list = (value as Record<string, unknown>)[key];
      if (Array.isArray(list) && list.length > (child.maxItems as number)) {
        return { path: `/${part}/${escapePointer(key)}`, message: `"${key}" must contain at most ${child.maxItems} items` };
      }
    }
    return null;
  };
}

type SizeCheck = (value: unknown, pointer: string) => { pointer: string; maxBytes: number } | null;

/**
 * Build a check of the `x-max-json-bytes` bounds in `schema` (free-form objects), returning the
 * first field over its bound; null when the schema has none (most routes pay nothing).
 */
function buildSizeCheck(schema: TSchema): SizeCheck | null {
  const maxBytes = schema['x-max-json-bytes'] as number | undefined;
  if (maxBytes !== undefined) {
    return (value, pointer) =>
      value !== null && typeof value === 'object' && Buffer.byteLength(JSON.stringify(value)) > maxBytes ? { pointer, maxBytes } : null;
  }
  if (Array.isArray(schema.anyOf)) {
    const branches = (schema.anyOf as TSchema[]).map(buildSizeCheck).filter((c): c is SizeCheck => c !== null);
    if (branches.length === 0) return null;
    return (value, pointer) => branches.reduce<ReturnType<SizeCheck>>((found, check) => found ?? check(value, pointer), null);
  }
  if (schema.type === 'object' && schema.properties) {
    const children = Object.entries(schema.properties as Record<string, TSchema>)
      .map(([key, child]) => [key, buildSizeCheck(child)] as const)
      .filter((entry): entry is readonly [string, SizeCheck] => entry[1] !== null);
    if (children.length === 0) return null;
    return (value, pointer) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
      const record = value as Record<string, unknown>;
      for (const [key, check] of children) {
        const found = key in record ? check(record[key], `${pointer}/${escapePointer(key)}`) : null;
        if (found) return found;
      }
      return null;
    };
  }
  if (schema.type === 'array' && schema.items) {
    const checkItem = buildSizeCheck(schema.items as TSchema);
    if (!checkItem) return null;
    return (value, pointer) => {
      if (!Array.isArray(value)) return null;
      for (let i = 0; i < value.length; i++) {
        const found = checkItem(value[i], `${pointer}/${i}`);
        if (found) return found;
      }
      return null;
    };
  }
  return null;
}

/** Fastify validator compiler: one compiled checker per route part. */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = TypeCompiler.Compile(schema);
  const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
  // Query strings and path params arrive as strings: their integers and booleans are read strictly.
  const isStringly = httpPart === 'querystring' || httpPart === 'params' || httpPart === 'headers';
  const coerce = buildCoercer(schema, isStringly);
  const hasDefaults = JSON.stringify(schema).includes('"default"');
  // A body whose schema requires nothing may be left out entirely; it then reads as {}.
  const isOmittableBody = part === 'body' && schema.type === 'object' && !(schema.required as string[] | undefined)?.length;

  const checkSizes = buildSizeCheck(schema);
  const checkItemCounts = buildItemCountCheck(schema);

  return (input: unknown) => {
    const tooMany = checkItemCounts?.(input, part);
    if (tooMany) return { error: AppError.validation([tooMany]) };
    const structural = findStructuralProblem(input, `/${part}`, 1, null);
    if (structural) return { error: AppError.validation([structural]) };
    let value = input === null && isOmittableBody ? {} : input;
    if (coerce) value = coerce(value);
    if (hasDefaults) value = Value.Default(schema, value);
    if (!checker.Check(value)) return { error: AppError.validation(toFieldProblems(part, checker.Errors(value))) };
    const oversized = checkSizes?.(value, `/${part}`);
    if (oversized) {
      const field = fieldName(part, oversized.pointer.slice(part.length + 1));
      return { error: AppError.validation([{ path: oversized.pointer, message: `"${field}" must be at most ${oversized.maxBytes} bytes as JSON` }]) };
    }
    return { value };
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
