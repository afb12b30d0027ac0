import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { type CompressedSerdeOptions, compressedSerde } from './compressed-serde.js';
import { defaultSerde } from './default-serde.js';
import { FLAG_BROTLI, FLAG_COMPRESSED, FLAG_GZIP, FLAG_JSON, FLAG_STRUCTURED, FLAG_TEXT } from './flags.js';
import type { Serde } from './serde.js';
import { structuredSerde } from './structured-serde.js';

const long = 'abc'.repeat(400);

describe('compressedSerde', () => {
  it('compresses with zlib only values longer than minSize (400 by default)', () => {
    const serde = compressedSerde();
    const exactly = serde.serialize('key', 'a'.repeat(400));
    expect(exactly.flags).toBe(FLAG_TEXT);
    const longer = serde.serialize('key', 'a'.repeat(401));
    expect(longer.flags).toBe(FLAG_TEXT | FLAG_COMPRESSED);
    expect(zlib.inflateSync(longer.value).toString()).toBe('a'.repeat(401));
    expect(serde.deserialize('key', longer.value, longer.flags)).toBe('a'.repeat(401));
  });

  it('keeps a value uncompressed when compression does not make it smaller', () => {
    const random = new Uint8Array(randomBytes(2000));
    const serialized = compressedSerde(defaultSerde, { minSize: 0 }).serialize('key', random);
    expect(serialized.flags).toBe(0);
    expect(serialized.value).toBe(random);
  });

  it.each([
    ['zlib', FLAG_COMPRESSED],
    ['gzip', FLAG_COMPRESSED | FLAG_GZIP],
    ['brotli', FLAG_COMPRESSED | FLAG_BROTLI],
  ] as const)('%s sets its bits and round-trips', (algorithm, bits) => {
    const serde = compressedSerde(defaultSerde, { algorithm });
    const serialized = serde.serialize('key', { text: long });
    expect(serialized.flags).toBe(FLAG_JSON | bits);
    expect(serialized.value.length).toBeLessThan(long.length);
    expect(serde.deserialize('key', serialized.value, serialized.flags)).toEqual({ text: long });
    // Any serde reads any algorithm: the flags say which.
    expect(compressedSerde().deserialize('key', serialized.value, serialized.flags)).toEqual({ text: long });
    expect(defaultSerde.deserialize('key', serialized.value, serialized.flags)).toEqual({ text: long });
  });

  it('wraps any serde and keeps its type', () => {
    const serde: Serde = compressedSerde(structuredSerde, { minSize: 10, level: 9 });
    const value = new Map([
      [1, new Date(0)],
      [2, new Date(long.length)],
    ]);
    const serialized = serde.serialize('key', { value, pad: long });
    expect(serialized.flags).toBe(FLAG_STRUCTURED | FLAG_COMPRESSED);
    expect(serde.deserialize('key', serialized.value, serialized.flags)).toEqual({ value, pad: long });
  });

  it('refuses to store what it could not inflate back: larger than maxDecompressedSize', () => {
    const serde = compressedSerde(defaultSerde, { maxDecompressedSize: 1000 });
    const largest = serde.serialize('key', 'a'.repeat(1000));
    expect(largest.flags).toBe(FLAG_TEXT | FLAG_COMPRESSED);
    expect(serde.deserialize('key', largest.value, largest.flags)).toBe('a'.repeat(1000));
    expect(() => serde.serialize('key', 'a'.repeat(1001))).toThrow(MemcacheIllegalInputError);
    expect(() => serde.serialize('key', 'a'.repeat(1001))).toThrow(/maxDecompressedSize/);
    // Whether or not it would compress, so the outcome does not depend on the data.
    expect(() => serde.serialize('key', new Uint8Array(randomBytes(2000)))).toThrow(/maxDecompressedSize/);
    // Values stored uncompressed (minSize or shorter) are read without inflating.
    const plain = compressedSerde(defaultSerde, { minSize: 5000, maxDecompressedSize: 1000 });
    expect(plain.serialize('key', 'a'.repeat(2000)).flags).toBe(FLAG_TEXT);
  });

  it('reads values that were never compressed', () => {
    expect(compressedSerde().deserialize('key', Buffer.from('hi'), FLAG_TEXT)).toBe('hi');
  });

  it('refuses a value that inflates beyond maxDecompressedSize', () => {
    const bomb = zlib.deflateSync(Buffer.alloc(10 * 1024 * 1024));
    const serde = compressedSerde(defaultSerde, { maxDecompressedSize: 1024 * 1024 });
    expect(() => serde.deserialize('key', bomb, FLAG_COMPRESSED)).toThrow(MemcacheDeserializeError);
    expect(() => serde.deserialize('key', bomb, FLAG_COMPRESSED)).toThrow(/maxDecompressedSize/);
  });

  it.each([
    ['corrupt zlib', FLAG_COMPRESSED],
    ['corrupt gzip', FLAG_COMPRESSED | FLAG_GZIP],
    ['corrupt brotli', FLAG_COMPRESSED | FLAG_BROTLI],
    ['two algorithms at once', FLAG_COMPRESSED | FLAG_GZIP | FLAG_BROTLI],
  ])('refuses %s with MemcacheDeserializeError', (_name, flags) => {
    expect(() => compressedSerde().deserialize('key', Buffer.from('not compressed at all'), flags)).toThrow(
      MemcacheDeserializeError,
    );
  });

  it.each<[string, CompressedSerdeOptions]>([
    ['a negative minSize', { minSize: -1 }],
    ['a fractional minSize', { minSize: 1.5 }],
    ['an unknown algorithm', { algorithm: 'lz4' as never }],
    ['a zlib level above 9', { level: 10 }],
    ['a brotli quality above 11', { algorithm: 'brotli', level: 12 }],
    ['a zero maxDecompressedSize', { maxDecompressedSize: 0 }],
  ])('refuses %s with MemcacheIllegalInputError', (_name, options) => {
    expect(() => compressedSerde(defaultSerde, options)).toThrow(MemcacheIllegalInputError);
  });
});
