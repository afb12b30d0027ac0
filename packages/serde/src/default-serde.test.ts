import zlib from 'node:zlib';
import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { defaultSerde } from './default-serde.js';
import {
  FLAG_BYTES,
  FLAG_COMPRESSED,
  FLAG_INTEGER,
  FLAG_JSON,
  FLAG_LONG,
  FLAG_PICKLE,
  FLAG_TEXT,
} from './flags.js';
import { pickleDumps } from './pickle-dumps.js';
import type { CacheValue } from './serde.js';

const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const roundTrip = (value: CacheValue) => {
  const { value: stored, flags } = defaultSerde.serialize('key', value);
  return defaultSerde.deserialize('key', stored, flags);
};

describe('defaultSerde writes', () => {
  it.each([
    ['bytes as they are, flag 0', new Uint8Array([0, 1, 255]), FLAG_BYTES, [0, 1, 255]],
    ['a Buffer as bytes', Buffer.from('ab'), FLAG_BYTES, [97, 98]],
    ['a string as UTF-8, flag 16', 'hé', FLAG_TEXT, [104, 0xc3, 0xa9]],
    ['the empty string', '', FLAG_TEXT, []],
    ['a safe integer as decimal, flag 2', -42, FLAG_INTEGER, [...bytes('-42')]],
    ['a bigint as decimal, flag 2', 2n ** 64n + 1n, FLAG_INTEGER, [...bytes('18446744073709551617')]],
    ['a float as JSON, flag 32', 1.5, FLAG_JSON, [...bytes('1.5')]],
    ['-0 as JSON that keeps its sign', -0, FLAG_JSON, [...bytes('-0')]],
    ['an unsafe integer number as JSON', 2 ** 53, FLAG_JSON, [...bytes('9007199254740992')]],
    ['a boolean as JSON', true, FLAG_JSON, [...bytes('true')]],
    ['null as JSON', null, FLAG_JSON, [...bytes('null')]],
    ['an object as JSON', { a: [1, 'x'] }, FLAG_JSON, [...bytes('{"a":[1,"x"]}')]],
  ])('%s', (_name, value, flags, expected) => {
    const serialized = defaultSerde.serialize('key', value);
    expect(serialized.flags).toBe(flags);
    expect([...serialized.value]).toEqual(expected);
  });

  it('hands bytes over without copying', () => {
    const value = new Uint8Array([1, 2]);
    expect(defaultSerde.serialize('key', value).value).toBe(value);
  });
});

describe('defaultSerde round trips', () => {
  it.each([
    ['empty bytes', new Uint8Array(0)],
    ['empty string', ''],
    ['unicode', 'héllo 😀 \u2028 \u0000'],
    ['zero', 0],
    ['largest safe integer', Number.MAX_SAFE_INTEGER],
    ['smallest safe integer', Number.MIN_SAFE_INTEGER],
    ['2^53 as a bigint', 2n ** 53n],
    ['-2^63', -(2n ** 63n)],
    ['2^64 + 1', 2n ** 64n + 1n],
    ['-0', -0],
    ['1.5', 1.5],
    ['false', false],
    ['null', null],
    ['a nested structure', { list: [1, { deep: ['x', null, true] }], text: 'é' }],
    ['an array', [1, 'two', [3]]],
  ])('%s', (_name, value) => {
    expect(roundTrip(value)).toEqual(value);
  });

  it('reads safe bigints back as numbers, as pymemcache integers are', () => {
    expect(roundTrip(5n)).toBe(5);
    expect(roundTrip(-(2n ** 53n) + 1n)).toBe(Number.MIN_SAFE_INTEGER);
  });
});

describe('defaultSerde reads what pymemcache writes', () => {
  it('integers with flag 2 or 4, padded as memcached pads after decr', () => {
    expect(defaultSerde.deserialize('key', bytes('12  '), FLAG_INTEGER)).toBe(12);
    expect(defaultSerde.deserialize('key', bytes('-0'), FLAG_INTEGER)).toBe(0);
    expect(defaultSerde.deserialize('key', bytes('99999999999999999999'), FLAG_LONG)).toBe(
      99999999999999999999n,
    );
  });

  it('pickles with flag 1', () => {
    expect(defaultSerde.deserialize('key', pickleDumps(new Set([1])), FLAG_PICKLE)).toEqual(new Set([1]));
  });

  it('compressed values, any inner flag', () => {
    const text = 'x'.repeat(1000);
    expect(defaultSerde.deserialize('key', zlib.deflateSync(text), FLAG_TEXT | FLAG_COMPRESSED)).toBe(text);
    expect(defaultSerde.deserialize('key', zlib.deflateSync('[1]'), FLAG_JSON | FLAG_COMPRESSED)).toEqual([
      1,
    ]);
  });
});

describe('defaultSerde refuses', () => {
  it.each([
    ['undefined', undefined, /undefined.*miss/],
    ['a function', () => 1, /function/],
    ['a symbol', Symbol('s'), /symbol/],
    ['NaN', Number.NaN, /NaN/],
    ['Infinity', Number.POSITIVE_INFINITY, /Infinity/],
    ['a Map', new Map(), /Map/],
    ['a Set', new Set(), /Set/],
    ['a typed array other than Uint8Array', new Int32Array(1), /Int32Array/],
    ['an ArrayBuffer', new ArrayBuffer(1), /ArrayBuffer/],
    ['a bigint inside an object', { big: 1n }, /BigInt/],
    [
      'a cycle',
      (() => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        return cyclic;
      })(),
      /circular/,
    ],
    ['an object whose toJSON gives undefined', { toJSON: () => undefined }, /no JSON form/],
    ['a string with a lone surrogate', 'a\ud800b', /surrogate/],
  ])('%s with MemcacheIllegalInputError', (_name, value, message) => {
    expect(() => defaultSerde.serialize('key', value as CacheValue)).toThrow(MemcacheIllegalInputError);
    expect(() => defaultSerde.serialize('key', value as CacheValue)).toThrow(message);
  });

  it.each([
    ['an unknown combination of its own bits', bytes('x'), FLAG_INTEGER | FLAG_TEXT, /Unknown flags 18/],
    ['an unknown own bit beside an application bit', bytes('x'), (1 << 20) | 512, /Unknown flags/],
    ['msgpack, which it does not read', bytes('x'), 64, /Unknown flags 64/],
    ['V8 data, which it does not read', bytes('x'), 128, /Unknown flags 128/],
    ['gzip bits without the compressed bit', bytes('x'), 256, /Unknown flags/],
    ['invalid UTF-8 text', new Uint8Array([0xff]), FLAG_TEXT, /UTF-8/],
    ['a non-numeric integer', bytes('12a'), FLAG_INTEGER, /decimal integer/],
    ['an empty integer', bytes(''), FLAG_INTEGER, /decimal integer/],
    ['malformed JSON', bytes('{'), FLAG_JSON, /JSON/],
    ['a malformed pickle', bytes('garbage'), FLAG_PICKLE, /pickle/],
    ['a compressed flag on uncompressed bytes', bytes('plain'), FLAG_TEXT | FLAG_COMPRESSED, /decompress/],
  ])('to read %s, with MemcacheDeserializeError', (_name, value, flags, message) => {
    expect(() => defaultSerde.deserialize('key', value, flags)).toThrow(MemcacheDeserializeError);
    expect(() => defaultSerde.deserialize('key', value, flags)).toThrow(message);
  });
});
