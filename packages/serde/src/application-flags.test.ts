import { describe, expect, it } from 'vitest';
import { compressedSerde } from './compressed-serde.js';
import { defaultSerde } from './default-serde.js';
import { SERDE_FLAG_BITS } from './flags.js';
import { jsonSerde } from './json-serde.js';
import { msgpackSerde } from './msgpack-serde.js';
import { pickleSerde } from './pickle-serde.js';
import type { CacheValue, Serde } from './serde.js';
import { structuredSerde } from './structured-serde.js';

const serdes: Array<[string, Serde<CacheValue>]> = [
  ['defaultSerde', defaultSerde],
  ['jsonSerde', jsonSerde],
  ['msgpackSerde', msgpackSerde],
  ['pickleSerde', pickleSerde],
  ['structuredSerde', structuredSerde],
  ['compressedSerde', compressedSerde(defaultSerde, { minSize: 0 })],
];

const values: CacheValue[] = [
  'b',
  42,
  2n ** 70n,
  { list: [1, 'two'] },
  new Uint8Array([1, 2, 3]),
  'x'.repeat(2000),
];

/** The values this serde can write (jsonSerde refuses bigints and bytes). */
function storable(serde: Serde<CacheValue>): CacheValue[] {
  return values.filter((value) => {
    try {
      serde.serialize('k', value);
      return true;
    } catch {
      return false;
    }
  });
}

describe('bits a serde does not own survive the round trip', () => {
  it('every serde owns only bits 0 to 9', () => {
    expect(SERDE_FLAG_BITS).toBe(0x3ff);
    for (const [, serde] of serdes) {
      for (const value of storable(serde))
        expect(serde.serialize('k', value).flags & ~SERDE_FLAG_BITS).toBe(0);
    }
  });

  for (const [name, serde] of serdes) {
    it(`${name} decodes a value carrying application bits as if they were 0`, () => {
      for (const value of storable(serde)) {
        const { value: bytes, flags } = serde.serialize('k', value);
        for (const extra of [1 << 10, 1 << 20, 1 << 31, 0xfffffc00]) {
          const withExtra = (flags | extra) >>> 0;
          expect(serde.deserialize('k', bytes, withExtra)).toEqual(serde.deserialize('k', bytes, flags));
        }
      }
    });
  }
});
