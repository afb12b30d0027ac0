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
import { pickleLoads } from './pickle-loads.js';
import { pickleSerde } from './pickle-serde.js';

const latin1 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

/**
 * Runs `decode`, expecting a MemcacheDeserializeError within `milliseconds`. The inputs are
 * sized so that decoding them in full would take far longer than the bound (or exhaust
 * memory); the bound itself leaves room for a machine under heavy load.
 */
function refusedFast(decode: () => unknown, milliseconds = 5000): MemcacheDeserializeError {
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
    const huge = latin1('9'.repeat(20_000_000)); // BigInt() of 5 million digits takes 2 s
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
    const text = latin1(`L${'9'.repeat(20_000_000)}L\n.`);
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

  it('pickled FLOAT text of a million digits, valid or not, in linear time', () => {
    for (const tail of ['x', 'e1x', '.1x', 'e']) {
      refusedFast(() => pickleLoads(latin1(`F${'1'.repeat(1_000_000)}${tail}\n.`)));
    }
    const long = `${'1'.repeat(1_000_000)}.5e-999999`;
    expect(pickleLoads(latin1(`F${long}\n.`))).toBe(Number(long));
    expect(pickleLoads(latin1(` F ${'0'.repeat(100_000)}1.5e0 \n.`.trimStart()))).toBe(1.5);
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
    // msgpackr is loaded on first use; load it before anything is timed.
    const warm = msgpackSerde.serialize('k', [1]);
    expect(msgpackSerde.deserialize('k', warm.value, warm.flags)).toEqual([1]);
    // array32 announcing 2^32-1 items, with none following; map32 the same; str32 the same.
    for (const head of [0xdd, 0xdf, 0xdb, 0xc6]) {
      refusedFast(() =>
        msgpackSerde.deserialize('k', new Uint8Array([head, 0xff, 0xff, 0xff, 0xff]), FLAG_MSGPACK),
      );
    }
    const deep = new Uint8Array(1_000_000).fill(0x91); // fixarray of one, a million times
    refusedFast(() => msgpackSerde.deserialize('k', deep, FLAG_MSGPACK));
  });

  it('compressed values inflating beyond the default cap', () => {
    const bomb = zlib.deflateSync(Buffer.alloc(DEFAULT_MAX_DECOMPRESSED_SIZE + 1));
    expect(refusedFast(() => compressedSerde().deserialize('k', bomb, FLAG_COMPRESSED)).message).toMatch(
      /maxDecompressedSize/,
    );
    // The shared reading of every serde inflates under the same cap.
    refusedFast(() => defaultSerde.deserialize('k', bomb, FLAG_COMPRESSED));
  });
});

describe('pickles that copy one memoised value again and again', () => {
  const bin = (text: string): Buffer => Buffer.from(text, 'latin1');
  const u32 = (value: number): Buffer => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(value);
    return bytes;
  };
  const repeat = (count: number, item: (n: number) => Buffer): Buffer =>
    Buffer.concat(Array.from({ length: count }, (_, n) => item(n)));
  /** A list of `count` distinct ints (BININT), or of ints below 256 (BININT1) when `small`. */
  const ints = (count: number, small = false): Buffer =>
    Buffer.concat([
      bin(']('),
      repeat(count, (n) =>
        small ? bin(`K${String.fromCharCode(n & 0xff)}`) : Buffer.concat([bin('J'), u32(n)]),
      ),
      bin('e'),
    ]);
  const blob = (size: number): Buffer => Buffer.concat([bin('B'), u32(size), Buffer.alloc(size)]);
  const text = (size: number): Buffer => Buffer.concat([bin('X'), u32(size), Buffer.alloc(size, 0x61)]);

  /**
   * memo 0xf0 = module.name, 0xf1 = argument (0xf2 = second argument), then a list of `copies`
   * calls module.name(argument[, second]), as a hostile writer would send it.
   */
  function bomb(global: string, copies: number, argument: Buffer, second?: Buffer): Uint8Array {
    const [module, name] = global.split('.') as [string, string];
    const length = (part: string) => String.fromCharCode(part.length);
    const call = second === undefined ? 'h\xf0h\xf1\x85R' : 'h\xf0h\xf1h\xf2\x86R';
    return new Uint8Array(
      Buffer.concat([
        bin(`\x80\x04\x8c${length(module)}${module}\x8c${length(name)}${name}\x93q\xf0`),
        argument,
        bin('q\xf10'),
        second === undefined ? Buffer.alloc(0) : Buffer.concat([second, bin('q\xf20')]),
        bin('0]('),
        bin(call.repeat(copies)),
        bin('e.'),
      ]),
    );
  }

  /** Refused fast, having allocated little (ArrayBuffers and heap) on the way. */
  function refusedSmall(pickle: Uint8Array): void {
    const buffers = process.memoryUsage().arrayBuffers;
    const heap = process.memoryUsage().heapUsed;
    expect(refusedFast(() => pickleLoads(pickle)).message).toMatch(/copies/);
    expect(process.memoryUsage().arrayBuffers - buffers).toBeLessThan(32 * 1024 * 1024);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(128 * 1024 * 1024);
  }

  it.each([
    ['bytes(bytes)', () => bomb('builtins.bytes', 2000, blob(500_000))],
    ['bytearray(bytes)', () => bomb('builtins.bytearray', 2000, blob(500_000))],
    ['bytes(list of ints)', () => bomb('builtins.bytes', 2000, ints(100_000, true))],
    [
      '_codecs.encode(text, latin1)',
      () => bomb('_codecs.encode', 2000, text(500_000), bin('\x8c\x06latin1')),
    ],
    [
      'bytearray(text, latin-1)',
      () => bomb('builtins.bytearray', 2000, text(500_000), bin('\x8c\x07latin-1')),
    ],
    ['set(list)', () => bomb('builtins.set', 1000, ints(50_000))],
    [
      'frozenset(set)',
      () =>
        bomb(
          'builtins.frozenset',
          1000,
          Buffer.concat([bin('\x8f('), ints(50_000).subarray(2, -1), bin('\x90')]),
        ),
    ],
    [
      'frozenset(tuple of memo refs)',
      () =>
        bomb(
          'builtins.frozenset',
          2000,
          Buffer.concat([bin('(K\x07\x94'), bin('h\x01'.repeat(100_000)), bin('t')]),
        ),
    ],
  ])('%s is refused', (_name, build) => {
    refusedSmall(build());
  });

  it('a list, tuple or dict of many references to one large value shares it, without copies', () => {
    const refs = bin('h\x00'.repeat(100_000));
    const pairs = repeat(1000, (n) => Buffer.concat([bin('J'), u32(n), bin('h\x00')]));
    const pickle = Buffer.concat([
      bin('\x80\x04'),
      blob(500_000),
      bin('\x940]('),
      refs,
      bin('e('),
      refs,
      bin('t}('),
      pairs,
      bin('u\x87.'),
    ]);
    const buffers = process.memoryUsage().arrayBuffers;
    const [list, tuple, dict] = pickleLoads(new Uint8Array(pickle)) as [
      Uint8Array[],
      Uint8Array[],
      Map<number, Uint8Array>,
    ];
    expect(process.memoryUsage().arrayBuffers - buffers).toBeLessThan(4 * 1024 * 1024);
    expect(list).toHaveLength(100_000);
    expect(tuple[99_999]).toBe(list[0]);
    expect(dict.get(999)).toBe(list[0]);
  });
});
