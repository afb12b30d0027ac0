import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLAG_JSON, FLAG_MSGPACK, FLAG_STRUCTURED, FLAG_TEXT } from './flags.js';
import { msgpackSerde } from './msgpack-serde.js';
import type { CacheValue } from './serde.js';

const roundTrip = (value: CacheValue) => {
  const serialized = msgpackSerde.serialize('key', value);
  expect(serialized.flags).toBe(FLAG_MSGPACK);
  return msgpackSerde.deserialize('key', serialized.value, serialized.flags);
};

describe('msgpackSerde', () => {
  it.each([
    ['a string', 'hé 😀'],
    ['the empty string', ''],
    ['bytes', new Uint8Array([0, 255])],
    ['a float', 1.5],
    ['NaN', Number.NaN],
    ['a safe integer', Number.MAX_SAFE_INTEGER],
    ['a small bigint', 5n],
    ['-2^63', -(2n ** 63n)],
    ['2^64 + 1', 2n ** 64n + 1n],
    ['a googol', 10n ** 100n],
    ['a Date', new Date(1_700_000_000_123)],
    ['a Set', new Set([1, 'a'])],
    ['a Float64Array', new Float64Array([1.5, -2])],
    ['a nested structure', { list: [1, { deep: [null, true] }], when: new Date(0) }],
  ])('round-trips %s', (_name, value) => {
    expect(roundTrip(value)).toEqual(value);
  });

  it('reads a Map back as a plain object: MessagePack has one map type', () => {
    expect(roundTrip(new Map([['a', 1]]))).toEqual({ a: 1 });
  });

  it('reads the shared formats (text, JSON) too', () => {
    expect(msgpackSerde.deserialize('key', Buffer.from('hi'), FLAG_TEXT)).toBe('hi');
    expect(msgpackSerde.deserialize('key', Buffer.from('[1]'), FLAG_JSON)).toEqual([1]);
  });

  it('refuses undefined, functions and symbols with MemcacheIllegalInputError', () => {
    for (const value of [undefined, () => 1, Symbol('s')]) {
      expect(() => msgpackSerde.serialize('key', value as CacheValue)).toThrow(MemcacheIllegalInputError);
    }
  });

  it('refuses malformed MessagePack and flags it does not know with MemcacheDeserializeError', () => {
    expect(() => msgpackSerde.deserialize('key', new Uint8Array([0xd9, 0x05, 0x61]), FLAG_MSGPACK)).toThrow(
      MemcacheDeserializeError,
    );
    expect(() => msgpackSerde.deserialize('key', new Uint8Array([0x01, 0x02]), FLAG_MSGPACK)).toThrow(
      /end of buffer/,
    );
    expect(() => msgpackSerde.deserialize('key', new Uint8Array([0x92, 0x01]), FLAG_MSGPACK)).toThrow(
      MemcacheDeserializeError,
    );
    expect(() => msgpackSerde.deserialize('key', new Uint8Array([0x01]), FLAG_STRUCTURED)).toThrow(
      MemcacheDeserializeError,
    );
  });

  it('random bytes: returns or throws MemcacheDeserializeError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        try {
          msgpackSerde.deserialize('key', bytes, FLAG_MSGPACK);
        } catch (error) {
          if (!(error instanceof MemcacheDeserializeError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
