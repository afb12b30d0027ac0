import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { FLAG_BYTES, FLAG_INTEGER, FLAG_JSON, FLAG_TEXT } from './flags.js';
import { jsonSerde } from './json-serde.js';
import type { CacheValue } from './serde.js';

describe('jsonSerde', () => {
  it.each([
    ['a string', 'hé', '"hé"'],
    ['an integer', 7, '7'],
    ['-0', -0, '-0'],
    ['an object', { a: [true, null] }, '{"a":[true,null]}'],
    ['a lone surrogate, escaped', '\ud800', '"\\ud800"'],
  ])('writes %s as JSON under flag 32 and reads it back', (_name, value, text) => {
    const serialized = jsonSerde.serialize('key', value);
    expect(serialized.flags).toBe(FLAG_JSON);
    expect(Buffer.from(serialized.value).toString()).toBe(text);
    expect(jsonSerde.deserialize('key', serialized.value, serialized.flags)).toEqual(value);
  });

  it('reads bytes, text and integers other serdes wrote', () => {
    expect(jsonSerde.deserialize('key', new Uint8Array([1]), FLAG_BYTES)).toEqual(new Uint8Array([1]));
    expect(jsonSerde.deserialize('key', Buffer.from('{'), FLAG_TEXT)).toBe('{');
    expect(jsonSerde.deserialize('key', Buffer.from('5'), FLAG_INTEGER)).toBe(5);
  });

  it.each([
    ['undefined', undefined],
    ['a bigint', 1n],
    ['bytes', new Uint8Array(1)],
    ['NaN', Number.NaN],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('refuses %s with MemcacheIllegalInputError', (_name, value) => {
    expect(() => jsonSerde.serialize('key', value as CacheValue)).toThrow(MemcacheIllegalInputError);
  });

  it('refuses malformed JSON and unknown flags with MemcacheDeserializeError', () => {
    expect(() => jsonSerde.deserialize('key', Buffer.from('nope'), FLAG_JSON)).toThrow(
      MemcacheDeserializeError,
    );
    expect(() => jsonSerde.deserialize('key', Buffer.from('{}'), 64)).toThrow(MemcacheDeserializeError);
  });
});
