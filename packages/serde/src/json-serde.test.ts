import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { compressedSerde } from './compressed-serde.js';
import { defaultSerde } from './default-serde.js';
import { FLAG_BYTES, FLAG_INTEGER, FLAG_JSON, FLAG_TEXT } from './flags.js';
import { jsonSerde } from './json-serde.js';
import { MAX_JSON_DEPTH } from './json-text.js';
import { msgpackSerde } from './msgpack-serde.js';
import type { CacheValue, Serde } from './serde.js';

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

/** `levels` nested arrays or objects (`{}` alone is one level), as JSON counts them. */
function nested(levels: number, kind: 'array' | 'object' | 'mixed'): CacheValue {
  let value: CacheValue = kind === 'object' ? {} : [];
  for (let level = 1; level < levels; level++) {
    const object = kind === 'object' || (kind === 'mixed' && level % 2 === 1);
    value = object ? { child: value, text: '[{"' } : [value, '}]'];
  }
  return value;
}

describe('JSON nesting is refused when written, exactly where it would be when read', () => {
  const serdes: Array<[string, Serde<CacheValue>]> = [
    ['defaultSerde', defaultSerde],
    ['jsonSerde', jsonSerde],
    ['compressedSerde(defaultSerde)', compressedSerde(defaultSerde)],
    ['compressedSerde(jsonSerde)', compressedSerde(jsonSerde)],
  ];

  describe.each(serdes)('%s', (_name, serde) => {
    it.each(['array', 'object', 'mixed'] as const)(
      '%s: MAX_JSON_DEPTH levels round-trip, one more is refused',
      (kind) => {
        const deepest = nested(MAX_JSON_DEPTH, kind);
        const stored = serde.serialize('key', deepest);
        expect(serde.deserialize('key', stored.value, stored.flags)).toEqual(deepest);
        expect(() => serde.serialize('key', nested(MAX_JSON_DEPTH + 1, kind))).toThrow(
          MemcacheIllegalInputError,
        );
        expect(() => serde.serialize('key', nested(MAX_JSON_DEPTH + 1, kind))).toThrow(/MAX_JSON_DEPTH/);
      },
    );

    it('counts the nesting toJSON returns, not the value given', () => {
      const deep = { toJSON: () => nested(MAX_JSON_DEPTH, 'array') };
      expect(() => serde.serialize('key', deep)).not.toThrow();
      expect(() => serde.serialize('key', [deep])).toThrow(/MAX_JSON_DEPTH/);
    });
  });

  it('the case that was stored but not read: 1000 wraps around {}', () => {
    let value: CacheValue = {};
    for (let level = 0; level < 1000; level++) value = { child: value };
    expect(() => defaultSerde.serialize('key', value)).toThrow(MemcacheIllegalInputError);
  });

  it('msgpackSerde reads back whatever nesting it writes (both sides are bounded by the stack)', () => {
    for (const levels of [MAX_JSON_DEPTH + 1, 1500, 3000, 10_000]) {
      for (const kind of ['array', 'object'] as const) {
        let stored: { value: Uint8Array; flags: number } | undefined;
        try {
          stored = msgpackSerde.serialize('key', nested(levels, kind));
        } catch (error) {
          expect(error).toBeInstanceOf(MemcacheIllegalInputError);
        }
        if (stored)
          expect(msgpackSerde.deserialize('key', stored.value, stored.flags)).toEqual(nested(levels, kind));
      }
    }
  });
});
