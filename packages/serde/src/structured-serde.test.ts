import v8 from 'node:v8';
import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLAG_INTEGER, FLAG_PICKLE, FLAG_STRUCTURED } from './flags.js';
import { pickleDumps } from './pickle-dumps.js';
import type { CacheValue } from './serde.js';
import { structuredSerde } from './structured-serde.js';

const roundTrip = (value: CacheValue) => {
  const serialized = structuredSerde.serialize('key', value);
  expect(serialized.flags).toBe(FLAG_STRUCTURED);
  return structuredSerde.deserialize('key', serialized.value, serialized.flags);
};

describe('structuredSerde', () => {
  it.each([
    ['a Date', new Date(1_700_000_000_123)],
    [
      'a Map with object keys',
      new Map<unknown, unknown>([
        [{ a: 1 }, 'x'],
        [2, new Set([3])],
      ]),
    ],
    ['a Set', new Set(['a', 1n])],
    ['bigints', [0n, -(2n ** 63n), 2n ** 64n + 1n]],
    [
      'typed arrays',
      [new Uint8Array([1]), new Int32Array([-1]), new Float64Array([Number.NaN]), new BigInt64Array([-1n])],
    ],
    ['-0, NaN and Infinity', [-0, Number.NaN, Number.NEGATIVE_INFINITY]],
    ['a RegExp', /a+b/gi],
    ['undefined inside an object', { a: undefined }],
    ['the empty string', ''],
    ['unicode', 'é😀\ud800'],
  ])('round-trips %s', (_name, value) => {
    expect(roundTrip(value)).toEqual(value);
  });

  it('keeps cycles and shared references', () => {
    const shared = { n: 1 };
    const value: Record<string, unknown> = { a: shared, b: shared };
    value.self = value;
    const result = roundTrip(value) as Record<string, unknown>;
    expect(result.a).toBe(result.b);
    expect(result.self).toBe(result);
  });

  it('reads the shared formats (integers, pickle) too', () => {
    expect(structuredSerde.deserialize('key', Buffer.from('7'), FLAG_INTEGER)).toBe(7);
    expect(structuredSerde.deserialize('key', pickleDumps([1]), FLAG_PICKLE)).toEqual([1]);
  });

  it('refuses what cannot be cloned with MemcacheIllegalInputError', () => {
    for (const value of [undefined, () => 1, Symbol('s'), { method: () => 1 }]) {
      expect(() => structuredSerde.serialize('key', value as CacheValue)).toThrow(MemcacheIllegalInputError);
    }
  });

  it('refuses malformed data with MemcacheDeserializeError', () => {
    const good = v8.serialize({ a: 'text' });
    expect(() =>
      structuredSerde.deserialize('key', good.subarray(0, good.length - 3), FLAG_STRUCTURED),
    ).toThrow(MemcacheDeserializeError);
    expect(() => structuredSerde.deserialize('key', new Uint8Array([0xff, 0x7f]), FLAG_STRUCTURED)).toThrow(
      MemcacheDeserializeError,
    );
  });

  it('random bytes after a valid header: returns or throws MemcacheDeserializeError', () => {
    const header = v8.serialize(null).subarray(0, 2);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) => {
        try {
          structuredSerde.deserialize('key', Buffer.concat([header, tail]), FLAG_STRUCTURED);
        } catch (error) {
          if (!(error instanceof MemcacheDeserializeError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
