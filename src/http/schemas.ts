/**
 * Schema building blocks shared by every module: ids, the organization parameter, lenient
 * booleans and integers, enums, the response envelopes and paginated lists. Every schema carries
 * a description because /openapi.json is generated from them.
 */
import { type TSchema, type TLiteral, type TUnion, Type, type StringOptions, type SchemaOptions } from '@sinclair/typebox';
import { ID_PATTERN } from '../lib/ids.ts';
import { LANGUAGES } from '../lib/languages.ts';
import { ErrorCode } from '../errors.ts';

export const ORGANIZATION_PARAM_PATTERN = '^(([a-fA-F0-9]{24})|([a-zA-Z0-9\\-]{3,}))$';

/**
 * The largest integer id: segment ids are PostgreSQL `integer` (serial) columns, so a larger
 * number would fail in the database (a 500) instead of being refused as input.
 */
export const MAX_INTEGER_ID = 2_147_483_647;

export const EntityId = (description: string) =>
  Type.String({ pattern: ID_PATTERN, description, errorMessage: 'must be a 24-character hexadecimal id' });

export const Timestamp = (description: string) =>
  Type.String({ format: 'date-time', description: `${description} (ISO-8601 UTC with milliseconds)` });

/** true/false, or the strings "true"/"false" in any case (normalised by http/validation.ts). */
export const LenientBoolean = (options: SchemaOptions & { description: string }) =>
  Type.Boolean({
    ...options,
    'x-lenient': 'boolean',
    errorMessage: 'must be a boolean (true or false; the strings "true" and "false" are accepted in any case)',
  });

/** A whole number, given as a number or a numeric string; fractions are refused. */
export const LenientInteger = (options: SchemaOptions & { description: string; minimum?: number; maximum?: number }) =>
  Type.Integer({
    ...options,
    'x-lenient': 'integer',
    errorMessage: 'must be an integer (a number or a numeric string, without a fraction)',
  });

export function StringEnum<T extends readonly string[]>(
  values: T,
  options: SchemaOptions & { description: string },
): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    { ...options, errorMessage: `must be one of: ${values.join(', ')}` },
  );
}

export const LanguageSchema = (description: string) => StringEnum(LANGUAGES, { description });

/**
 * Free-form JSON objects (user metadata, catalog configs, app configurations) are stored and
 * served as given; their serialized size is bounded so one record cannot bloat every list page.
 * The request validator enforces `x-max-json-bytes` (http/validation.ts), and every body's
 * nesting depth (MAX_JSON_DEPTH there).
 */
export const MAX_FREE_FORM_BYTES = 16 * 1024;

export const FreeFormObject = (description: string) =>
  Type.Record(Type.String(), Type.Unknown(), {
    description: `${description} (at most ${MAX_FREE_FORM_BYTES / 1024} KB as JSON, nested at most 32 levels)`,
    'x-max-json-bytes': MAX_FREE_FORM_BYTES,
  });

export const BoundedString = (maxLength: number, options: StringOptions = {}) =>
  Type.String({ maxLength, ...options });

/** Upper bounds on list fields keep every request's reference lookups within one statement. */
export const MAX_TAGS = 100;
export const MAX_REFERENCES = 200;

export const Tags = (description: string) =>
  Type.Array(BoundedString(128, { description: 'A tag (at most 128 characters)' }), { maxItems: MAX_TAGS, description: `${description} (at most ${MAX_TAGS})`, examples: [['sales', 'madrid']] });

export const OrganizationParams = Type.Object(
  {
    organizationId: Type.String({
      pattern: ORGANIZATION_PARAM_PATTERN,
      description: 'The organization: its 24-hex id or its slug',
      errorMessage: 'must be a 24-character hex id or a slug of at least 3 letters, digits or dashes',
    }),
  },
  { additionalProperties: false },
);

export const success = <T extends TSchema>(data: T, description: string) =>
  Type.Object(
    {
      status: Type.Literal(true, { description: 'Always true on success' }),
      data,
    },
    { description },
  );

const FieldProblemSchema = Type.Object(
  {
    path: Type.String({ description: 'JSON pointer of the offending value, e.g. /body/tags/2 or /query/limit' }),
    message: Type.String({ description: 'The rule it breaks' }),
  },
  { description: 'One refused value' },
);

export const ErrorEnvelope = Type.Object(
  {
    status: Type.Literal(false, { description: 'Always false on failure' }),
    error: Type.Object(
      {
        code: Type.Union(
          Object.values(ErrorCode).map((code) => Type.Literal(code)),
          { description: 'Applivery-compatible error code: one of the error table\'s (each operation\'s description lists those it can answer)' },
        ),
        message: Type.String({ description: 'Human-readable message; for validation errors it names each field and rule' }),
        data: Type.Optional(
          Type.Object(
            { errors: Type.Optional(Type.Array(FieldProblemSchema, { description: 'Validation errors (code 3000): each refused value' })) },
            { description: 'Details: `errors` for validation errors; `entity` for 3001; `limit` and `max` for 5017', additionalProperties: true },
          ),
        ),
      },
      { description: 'What went wrong' },
    ),
  },
  { $id: 'ErrorEnvelope', description: 'The failure envelope' },
);

/** The failure envelope of a request refused as invalid (400/3000). */
export const ValidationErrorEnvelope = Type.Object(
  {
    status: Type.Literal(false, { description: 'Always false on failure' }),
    error: Type.Object(
      {
        code: Type.Literal(3000, { description: 'Validation Error' }),
        message: Type.String({ description: 'Names each refused field and the rule it breaks' }),
        data: Type.Object({ errors: Type.Array(FieldProblemSchema, { description: 'Each refused value' }) }, { description: 'The refused values' }),
      },
      { description: 'What was refused' },
    ),
  },
  { $id: 'ValidationErrorEnvelope', description: 'The failure envelope of an invalid request' },
);

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, Type.Ref('ErrorEnvelope')]));
