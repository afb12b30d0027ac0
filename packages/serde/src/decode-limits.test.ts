import zlib from 'node:zlib';
import { MemcacheDeserializeError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { compressedSerde } from './compressed-serde.js';
import { DEFAULT_MAX_DECOMPRESSED_SIZE } from './compression.js';
import { defaultSerde } from './default-serde.js';
import { FLAG_COMPRESSED, FLAG_INTEGER, FLAG_JSON, FLAG_LONG, FLAG_MSGPACK } from './flags.js';
import { MAX_INTEGER_DIGITS } from './integer-text.js';
import { MAX_JSON_DEPTH } from './json-text.js';
import { msgpackSerde } from './msgpack-serde.js';
import { MAX_PICKLE_LONG_BYTES } from './pickle-opcodes.js';
import { pickleSerde } from './pickle-serde.js';

const latin1 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

/** Runs `decode`, expecting a MemcacheDeserializeError within `milliseconds`. */
function refusedFast(decode: () => unknown, milliseconds = 200): MemcacheDeserializeError {
  const started = performance.now();
  let thrown: unknown;
  try {
    decode();
  } catch (error) {
    thrown = error;
  }
  expect(performance.now() - started).toBeLessThan(milliseconds);
  expect(thrown).toBeInstanceOf(MemcacheDeserializeError);
  return thrown as MemcacheDeserializeError;
}

describe('decoding limits: hostile values fail fast with MemcacheDeserializeError', () => {
  it('integer text (flags 2 and 4) of millions of digits', () => {
    const huge = latin1('9'.repeat(5_000_000));
    for (const flags of [FLAG_INTEGER, FLAG_LONG]) {
      expect(refusedFast(() => defaultSerde.deserialize('k', huge, flags)).message).toMatch(
        /MAX_INTEGER_DIGITS/,
      );
    }
    refusedFast(() =>
      defaultSerde.deserialize('k', latin1('1'.repeat(MAX_INTEGER_DIGITS + 1)), FLAG_INTEGER),
    );
    // Up to the cap (Python's own limit for str(int)), integers of any size read back.
    const longest = '7'.repeat(MAX_INTEGER_DIGITS);
    expect(defaultSerde.deserialize('k', latin1(` ${longest}  `), FLAG_INTEGER)).toBe(BigInt(longest));
  });

  it('pickled integers: LONG text and LONG1/LONG4 bytes', () => {
    // protocol 0 LONG: "L<digits>L\n."
    const text = latin1(`L${'9'.repeat(3_000_000)}L\n.`);
    refusedFast(() => pickleSerde.deserialize('k', text, 1));
    // protocol 2 LONG4 (0x8b) with a 4-byte length, then the bytes.
    const count = 4_000_000;
    const long4 = new Uint8Array(2 + 1 + 4 + count + 1);
    long4.set([0x80, 0x02, 0x8b, count & 0xff, (count >> 8) & 0xff, (count >> 16) & 0xff, count >>> 24], 0);
    long4.fill(0x11, 7, 7 + count);
    long4[long4.length - 1] = 0x2e; // STOP
    expect(refusedFast(() => pickleSerde.deserialize('k', long4, 1)).message).toMatch(
      /MAX_PICKLE_LONG_BYTES/,
    );
    // Python's own big integers well inside the cap still read back.
    const allowed = new Uint8Array(2 + 1 + 4 + MAX_PICKLE_LONG_BYTES + 1);
    allowed.set([0x80, 0x02, 0x8b, MAX_PICKLE_LONG_BYTES & 0xff, MAX_PICKLE_LONG_BYTES >> 8, 0, 0], 0);
    allowed.fill(0x01, 7, 7 + MAX_PICKLE_LONG_BYTES);
    allowed[allowed.length - 1] = 0x2e;
    expect(typeof pickleSerde.deserialize('k', allowed, 1)).toBe('bigint');
  });

  it('JSON nested millions deep, without a stack overflow', () => {
    const depth = 2_000_000;
    const deep = latin1('['.repeat(depth) + ']'.repeat(depth));
    expect(refusedFast(() => defaultSerde.deserialize('k', deep, FLAG_JSON)).message).toMatch(
      /MAX_JSON_DEPTH/,
    );
    const objects = latin1('{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1));
    refusedFast(() => defaultSerde.deserialize('k', objects, FLAG_JSON));
  });

  it('JSON up to the cap reads, and brackets inside strings do not count', () => {
    const atCap = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(defaultSerde.deserialize('k', latin1(atCap), FLAG_JSON)).toBeInstanceOf(Array);
    const quoted = JSON.stringify({ text: '[{'.repeat(5000) + '\\"[' + 'é'.repeat(10) });
    const bytes = new Uint8Array(Buffer.from(quoted, 'utf8'));
    expect(defaultSerde.deserialize('k', bytes, FLAG_JSON)).toEqual(JSON.parse(quoted));
  });

  it('MessagePack claiming huge lengths or nesting deeply', () => {
    // array32 announcing 2^32-1 items, with none following; map32 the same; str32 the same.
    for (const head of [0xdd, 0xdf, 0xdb, 0xc6]) {
      refusedFast(() =>
        msgpackSerde.deserialize('k', new Uint8Array([head, 0xff, 0xff, 0xff, 0xff]), FLAG_MSGPACK),
      );
    }
    const deep = new Uint8Array(1_000_000).fill(0x91); // fixarray of one, a million times
    refusedFast(() => msgpackSerde.deserialize('k', deep, FLAG_MSGPACK), 2000);
  });

  it('compressed values inflating beyond the default cap', () => {
    const bomb = zlib.deflateSync(Buffer.alloc(DEFAULT_MAX_DECOMPRESSED_SIZE + 1));
    expect(
      refusedFast(() => compressedSerde().deserialize('k', bomb, FLAG_COMPRESSED), 2000).message,
    ).toMatch(/maxDecompressedSize/);
    // The shared reading of every serde inflates under the same cap.
    refusedFast(() => defaultSerde.deserialize('k', bomb, FLAG_COMPRESSED), 2000);
  });
});
