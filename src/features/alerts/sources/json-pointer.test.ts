import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../../platform/errors.js';
import { genericFieldMappingSchema } from '../alert.model.js';
import { parsePointer, resolvePointer } from './json-pointer.js';

// The example document of RFC 6901 §5.
const document = {
  foo: ['bar', 'baz'],
  '': 0,
  'a/b': 1,
  'c%d': 2,
  'e^f': 3,
  'g|h': 4,
  'i\\j': 5,
  'k"l': 6,
  ' ': 7,
  'm~n': 8,
};

describe('resolvePointer', () => {
  it.each([
    ['', document],
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/', 0],
    ['/a~1b', 1],
    ['/c%d', 2],
    ['/e^f', 3],
    ['/g|h', 4],
    ['/i\\j', 5],
    ['/k"l', 6],
    ['/ ', 7],
    ['/m~0n', 8],
  ])('resolves the RFC 6901 example %j', (pointer, expected) => {
    expect(resolvePointer(document, pointer)).toEqual(expected);
  });

  it('decodes ~01 as ~1, not /', () => {
    expect(parsePointer('/~01')).toEqual(['~1']);
  });

  it.each(['/foo/2', '/foo/-', '/foo/01', '/nope', '/foo/0/deeper', '/__proto__', '/constructor'])(
    'resolves %j to undefined',
    (pointer) => {
      expect(resolvePointer(document, pointer)).toBeUndefined();
    },
  );

  it.each(['foo', '/a~2', '/a~'])('rejects %j', (pointer) => {
    expect(() => parsePointer(pointer)).toThrow(ValidationFailed);
  });
});

describe('genericFieldMappingSchema', () => {
  it('accepts valid pointers and rejects malformed ones and unknown keys', () => {
    expect(
      genericFieldMappingSchema.safeParse({ title: '/event/name', service: '/a~1b/c~0d', status: '' }).success,
    ).toBe(true);
    expect(genericFieldMappingSchema.safeParse({ title: 'event/name' }).success).toBe(false);
    expect(genericFieldMappingSchema.safeParse({ title: '/a~2' }).success).toBe(false);
    expect(genericFieldMappingSchema.safeParse({ colour: '/x' }).success).toBe(false);
  });
});
