/** Validation as every route applies it (unknown fields refused, lenient booleans and integers, every problem named), on the schema building blocks every module uses. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../src/errors.ts';
import { EntityId, LanguageSchema, LenientBoolean, LenientInteger, Tags } from '../../src/http/schemas.ts';
import { assertValid } from '../../src/http/validation.ts';

const Body = Type.Object(
  {
    sendEmail: LenientBoolean({ description: 'x' }),
    duration: Type.Optional(LenientInteger({ minimum: 60, maximum: 2_592_000, description: 'x' })),
    mdmUserId: Type.Optional(EntityId('x')),
    language: Type.Optional(LanguageSchema('x')),
    tags: Type.Optional(Tags('x')),
    assignments: Type.Optional(
      Type.Array(Type.Object({ priority: LenientInteger({ minimum: 0, maximum: 10_000, description: 'x' }) }, { additionalProperties: false })),
    ),
  },
  { additionalProperties: false },
);

function problems(value: unknown): Array<{ path: string; message: string }> {
  try {
    assertValid(Body, value);
  } catch (error) {
    assert.ok(error instanceof AppError);
    return (error.data as { errors: Array<{ path: string; message: string }> }).errors;
  }
  return [];
}

describe('lenient booleans', () => {
  for (const [given, expected] of [[true, true], [false, false], ['true', true], ['TRUE', true], ['False', false], ['fAlSe', false]] as const) {
    it(`accepts ${JSON.stringify(given)} as ${expected}`, () => {
      assert.equal(assertValid<{ sendEmail: boolean }>(Body, { sendEmail: given }).sendEmail, expected);
    });
  }
  for (const given of ['maybe', 'yes', '1', 1, 0, null, '', ' true']) {
    it(`refuses ${JSON.stringify(given)}, naming the field and the rule`, () => {
      const [problem] = problems({ sendEmail: given });
      assert.equal(problem?.path, '/body/sendEmail');
      assert.match(problem!.message, /^"sendEmail" must be a boolean/);
    });
  }
  it('requires sendEmail', () => {
    assert.deepEqual(problems({}), [{ path: '/body/sendEmail', message: '"sendEmail" is required' }]);
  });
});

describe('lenient integers', () => {
  for (const [given, expected] of [[60, 60], ['3600', 3600], [2_592_000, 2_592_000], ['2592000', 2_592_000]] as const) {
    it(`accepts ${JSON.stringify(given)} as ${expected}`, () => {
      assert.equal(assertValid<{ duration: number }>(Body, { sendEmail: true, duration: given }).duration, expected);
    });
  }
  const refused: Array<[unknown, RegExp]> = [
    [59, /greater than or equal to 60/],
    ['59', /greater than or equal to 60/],
    [2_592_001, /less than or equal to 2592000/],
    [90.5, /must be an integer/],
    ['90.5', /must be an integer/],
    ['1e3', /must be an integer/],
    [true, /must be an integer/],
    [null, /must be an integer/],
    ['', /must be an integer/],
  ];
  for (const [given, rule] of refused) {
    it(`refuses ${JSON.stringify(given)}`, () => {
      const [problem] = problems({ sendEmail: true, duration: given });
      assert.equal(problem?.path, '/body/duration');
      assert.match(problem!.message, rule);
    });
  }
  it('normalises integers inside arrays of objects and names nested paths', () => {
    const value = assertValid<{ assignments: Array<{ priority: number }> }>(Body, { sendEmail: 'true', assignments: [{ priority: '10' }] });
    assert.deepEqual(value.assignments, [{ priority: 10 }]);
    const [problem] = problems({ sendEmail: true, assignments: [{ priority: 1 }, { priority: 10_001 }] });
    assert.deepEqual(problem, { path: '/body/assignments/1/priority', message: '"assignments[1].priority" must be less than or equal to 10000' });
  });
});

describe('ids, enums, strings', () => {
  it('accepts 24-hex ids in either case and refuses others', () => {
    assert.doesNotThrow(() => assertValid(Body, { sendEmail: true, mdmUserId: '698f3bde457fafa13d088791' }));
    assert.doesNotThrow(() => assertValid(Body, { sendEmail: true, mdmUserId: '698F3BDE457FAFA13D088791' }));
    for (const id of ['', '698f3bde457fafa13d08879', '698f3bde457fafa13d0887910', '698f3bde457fafa13d08879g']) {
      assert.match(problems({ sendEmail: true, mdmUserId: id })[0]!.message, /"mdmUserId" must be a 24-character hexadecimal id/);
    }
  });
  it('lists the allowed values of an enum', () => {
    assert.equal(problems({ sendEmail: true, language: 'nl' })[0]!.message, '"language" must be one of: en, es, fr, de, it, pt');
  });
  it('checks each tag at 128 characters', () => {
    assert.deepEqual(problems({ sendEmail: true, tags: ['x'.repeat(128), ''] }), []);
    assert.equal(problems({ sendEmail: true, tags: ['ok', 'x'.repeat(129)] })[0]!.message, '"tags[1]" must be at most 128 characters long');
  });
  it('reports unknown keys by name and every problem at once', () => {
    const found = problems({ sendEmail: 'maybe', duration: 1, type: 'object', children: {} });
    assert.deepEqual(found.map((p) => p.path).sort(), ['/body/children', '/body/duration', '/body/sendEmail', '/body/type']);
  });
});

describe('a value that may take several shapes', () => {
  const Shapes = Type.Object(
    {
      contact: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()])),
      events: Type.Optional(Type.Union([Type.Array(Type.String(), { maxItems: 20 }), Type.Null()])),
      logo: Type.Optional(Type.Union([Type.Literal(''), Type.String({ format: 'uri' })])),
    },
    { additionalProperties: false },
  );
  const refusal = (value: unknown) => {
    try {
      assertValid(Shapes, value);
    } catch (error) {
      return (error as AppError).message;
    }
    return null;
  };

  it('names each accepted shape instead of "union value"', () => {
    assert.match(refusal({ contact: 'not an address' })!, /"contact" must be an email address of at most 254 characters, or null/);
    assert.match(refusal({ events: 'all' })!, /"events" must be a list of at most 20 items, or null/);
    assert.match(refusal({ logo: 'nope' })!, /"logo" must be "", or an absolute URL/);
    assert.equal(refusal({ contact: null, events: ['a'], logo: '' }), null);
  });
});
