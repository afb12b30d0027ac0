import { MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { FLAG_BYTES, FLAG_INTEGER, FLAG_PICKLE, FLAG_TEXT } from './flags.js';
import type { PickleProtocol } from './pickle-dumps.js';
import { createPickleSerde, pickleSerde } from './pickle-serde.js';
import type { CacheValue } from './serde.js';

describe('pickleSerde, like pymemcache.serde.pickle_serde', () => {
  it.each([
    ['bytes', new Uint8Array([1]), FLAG_BYTES],
    ['a string', 'x', FLAG_TEXT],
    ['a safe integer', 3, FLAG_INTEGER],
    ['a bigint', 2n ** 70n, FLAG_INTEGER],
    ['a float', 0.5, FLAG_PICKLE],
    ['-0', -0, FLAG_PICKLE],
    ['a boolean', true, FLAG_PICKLE],
    ['null', null, FLAG_PICKLE],
    ['a Map', new Map([[1, 2]]), FLAG_PICKLE],
  ])('writes %s with the flag pymemcache would use, and reads it back', (_name, value, flags) => {
    const serialized = pickleSerde.serialize('key', value);
    expect(serialized.flags).toBe(flags);
    expect(pickleSerde.deserialize('key', serialized.value, serialized.flags)).toEqual(value);
  });

  it('writes the protocol it is given', () => {
    for (const protocol of [2, 3, 4, 5] as PickleProtocol[]) {
      const { value } = createPickleSerde({ protocol }).serialize('key', [1]);
      expect([...value.subarray(0, 2)]).toEqual([0x80, protocol]);
    }
  });

  it('refuses a bad protocol when created', () => {
    expect(() => createPickleSerde({ protocol: 9 as PickleProtocol })).toThrow(MemcacheIllegalInputError);
  });

  it.each([
    ['undefined', undefined],
    ['a Date', new Date()],
    ['a string with a lone surrogate', '\udc00'],
  ])('refuses %s with MemcacheIllegalInputError', (_name, value) => {
    expect(() => pickleSerde.serialize('key', value as CacheValue)).toThrow(MemcacheIllegalInputError);
  });
});
