import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { compressedSerde } from './compressed-serde.js';
import { DEFAULT_MAX_DECOMPRESSED_SIZE, foreignInflateLimit } from './compression.js';
import { MAX_DECODED_CONTAINERS, MAX_DECODED_ITEMS } from './decode-budget.js';
import { defaultSerde } from './default-serde.js';
import { FLAG_COMPRESSED, FLAG_INTEGER, FLAG_JSON, FLAG_LONG, FLAG_MSGPACK, FLAG_PICKLE } from './flags.js';
import { MAX_INTEGER_DIGITS } from './integer-text.js';
import { jsonSerde } from './json-serde.js';
import { MAX_JSON_DEPTH } from './json-text.js';
import { msgpackSerde } from './msgpack-serde.js';
import { pickleDumps } from './pickle-dumps.js';
import { MAX_PICKLE_LONG_BYTES } from './pickle-opcodes.js';
import { pickleLoads } from './pickle-loads.js';
import { pickleSerde } from './pickle-serde.js';
import type { CacheValue, Serde } from './serde.js';

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

/**
 * Deterministic bytes that zlib cannot shrink: a compressed bomb padded with them passes the
 * 32-times inflation cap of a serde that does not compress (foreignInflateLimit).
 */
function noise(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let state = 0x9e3779b9;
  for (let index = 0; index < size; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

/** `count` copies of one byte between a head and a tail. */
function run(head: number[], byte: number, count: number, tail: number[]): Buffer {
  const bytes = Buffer.alloc(head.length + count + tail.length, byte);
  bytes.set(head, 0);
  bytes.set(tail, head.length + count);
  return bytes;
}

/** Refused fast, with a message naming `limit`, and without building what it describes. */
function refusedLean(decode: () => unknown, limit: RegExp, heapMegabytes = 256, milliseconds = 3000): void {
  const heap = process.memoryUsage().heapUsed;
  expect(refusedFast(decode, milliseconds).message).toMatch(limit);
  expect(process.memoryUsage().heapUsed - heap).toBeLessThan(heapMegabytes * 1024 * 1024);
}

const CONTAINERS = /MAX_DECODED_CONTAINERS\); refused as a memory bomb/;
const ITEMS = /MAX_DECODED_ITEMS\); refused as a memory bomb/;
const PICKLE_LIST_OF = (byte: number, count: number) => run([0x28], byte, count, [0x6c, 0x2e]); // ( ... l.
const MSGPACK_ARRAY_OF = (byte: number, count: number) => {
  const bytes = run([0xdd, 0, 0, 0, 0], byte, count, []);
  bytes.writeUInt32BE(count, 1);
  return bytes;
};
const JSON_ARRAY_OF = (item: string, count: number) =>
  Buffer.from(`[${`${item},`.repeat(count - 1)}${item}]`);

/**
 * Decoding limits used to count bytes only, while the cost of a value is in the objects built:
 * one byte `}` of a pickle, or 0x80 of MessagePack, became one dict or map (up to 150 bytes of
 * heap), and a compressed value inflates to 32 times its stored size (compressedSerde: 64 MiB).
 * A 1 MB stored pickle of 30 million empty dicts, read by defaultSerde, ran 47 s and crashed the
 * process on its heap limit (4.7 GB); compressedSerde(pickleSerde) crashed on 58 KB, and a 58 KB
 * compressed JSON of empty objects took 19 s and 1.9 GB. Now every decoder counts containers and
 * values against MAX_DECODED_CONTAINERS and MAX_DECODED_ITEMS and refuses before building them.
 */
describe('decoding budget: values that would build millions of objects', () => {
  const compressed = (raw: Buffer) => new Uint8Array(zlib.deflateSync(raw, { level: 9 }));
  /** `raw` deflated, padded with noise after its end so defaultSerde's inflation cap lets it through. */
  const padded = (raw: Buffer) => {
    const stored = compressed(Buffer.concat([raw, noise(Math.ceil(raw.length / 31) + 65_536)]));
    expect(zlib.inflateSync(stored).length).toBeLessThanOrEqual(foreignInflateLimit(stored.length));
    return stored;
  };

  it('a compressed pickle of 30 million empty dicts, read by defaultSerde', () => {
    // The trailing noise lies after STOP, which pickleLoads never reads.
    const stored = padded(PICKLE_LIST_OF(0x7d, 30_000_000));
    expect(stored.length).toBeLessThan(1_100_000);
    refusedLean(() => defaultSerde.deserialize('k', stored, FLAG_PICKLE | FLAG_COMPRESSED), CONTAINERS);
  });

  it('compressedSerde(pickleSerde): 30 KB inflating to 30 million empty dicts', () => {
    const stored = compressed(PICKLE_LIST_OF(0x7d, 30_000_000));
    expect(stored.length).toBeLessThan(60_000);
    refusedLean(
      () => compressedSerde(pickleSerde).deserialize('k', stored, FLAG_PICKLE | FLAG_COMPRESSED),
      CONTAINERS,
    );
  });

  it('compressed JSON of 20 million empty objects, through compressedSerde(jsonSerde) and defaultSerde', () => {
    const raw = JSON_ARRAY_OF('{}', 20_000_000);
    refusedLean(
      () => compressedSerde(jsonSerde).deserialize('k', compressed(raw), FLAG_JSON | FLAG_COMPRESSED),
      CONTAINERS,
    );
    const stored = padded(Buffer.concat([raw.subarray(0, 45_000_000), Buffer.from('{}]')]));
    // Noise after the JSON: the count refuses it before JSON.parse would call it malformed.
    refusedLean(() => defaultSerde.deserialize('k', stored, FLAG_JSON | FLAG_COMPRESSED), CONTAINERS);
  });

  it('compressed MessagePack of 60 million empty maps, through compressedSerde(msgpackSerde)', () => {
    const stored = compressed(MSGPACK_ARRAY_OF(0x80, 60_000_000));
    refusedLean(
      () => compressedSerde(msgpackSerde).deserialize('k', stored, FLAG_MSGPACK | FLAG_COMPRESSED),
      CONTAINERS,
    );
  });

  it('uncompressed: 3 MB of pickled dicts, 30 MB of JSON objects, 8 MB of MessagePack maps', () => {
    // These took 3 s and 1.1 GB, 3 s and 0.7 GB, 1.6 s and 0.5 GB of heap.
    refusedLean(() => pickleSerde.deserialize('k', PICKLE_LIST_OF(0x7d, 3_000_000), FLAG_PICKLE), CONTAINERS);
    refusedLean(() => jsonSerde.deserialize('k', JSON_ARRAY_OF('{}', 10_000_000), FLAG_JSON), CONTAINERS);
    refusedLean(
      () => msgpackSerde.deserialize('k', MSGPACK_ARRAY_OF(0x80, 8_000_000), FLAG_MSGPACK),
      CONTAINERS,
    );
    // Empty lists, tuples and sets count as dicts do.
    for (const opcode of [0x5d, 0x29, 0x8f]) {
      refusedLean(() => pickleLoads(PICKLE_LIST_OF(opcode, 1_500_000)), CONTAINERS);
    }
  });

  it('values that are not containers count too: 17 to 20 million of them', () => {
    // 17 million Nones. Memo references and DUP are counted by the same push. The reader's stack
    // holds what it refuses: 16 million slots (and garbage while it grew), a second or two of
    // pushes on a slow machine.
    const nones = compressed(PICKLE_LIST_OF(0x4e, 17_000_000));
    refusedLean(
      () => compressedSerde(pickleSerde).deserialize('k', nones, FLAG_PICKLE | FLAG_COMPRESSED),
      ITEMS,
      768,
      10_000,
    );
    refusedLean(
      () =>
        compressedSerde(jsonSerde).deserialize(
          'k',
          compressed(JSON_ARRAY_OF('0', 20_000_000)),
          FLAG_JSON | FLAG_COMPRESSED,
        ),
      ITEMS,
    );
    refusedLean(
      () =>
        compressedSerde(msgpackSerde).deserialize(
          'k',
          compressed(MSGPACK_ARRAY_OF(0xc0, 20_000_000)),
          FLAG_MSGPACK | FLAG_COMPRESSED,
        ),
      ITEMS,
    );
  });

  it('MessagePack that hides its maps behind a Set tag or msgpackr records', () => {
    const maps = MSGPACK_ARRAY_OF(0x80, 3_000_000);
    // A Set is a one-byte tag, then the array it holds.
    refusedLean(
      () => msgpackSerde.deserialize('k', Buffer.concat([Buffer.from([0xd4, 0x73, 0]), maps]), FLAG_MSGPACK),
      CONTAINERS,
    );
    // A record of no keys, defined once (d4 72 40, its keys []), then named by one byte each.
    const records = run([0xdd, 0, 0, 0, 0, 0xd4, 0x72, 0x40, 0x90], 0x40, 3_000_000, []);
    records.writeUInt32BE(3_000_001, 1);
    refusedLean(() => msgpackSerde.deserialize('k', records, FLAG_MSGPACK), CONTAINERS);
    // Two-byte record ids cannot be followed without decoding; msgpackSerde never writes them.
    const twoByte = Buffer.concat([Buffer.from([0xd5, 0x72, 0x60, 0x00, 0x90]), maps]);
    expect(refusedFast(() => msgpackSerde.deserialize('k', twoByte, FLAG_MSGPACK)).message).toMatch(
      /two-byte record ids/,
    );
  });

  it('a value at the limits reads back, and one past them is refused when written', () => {
    // 999,999 empty lists in a list: exactly MAX_DECODED_CONTAINERS.
    const atLimit = Array.from({ length: MAX_DECODED_CONTAINERS - 1 }, () => []);
    const past = [...atLimit, []];
    for (const serde of [pickleSerde, defaultSerde, msgpackSerde]) {
      const stored = serde.serialize('k', atLimit);
      expect((serde.deserialize('k', stored.value, stored.flags) as unknown[]).length).toBe(atLimit.length);
      expect(() => serde.serialize('k', past)).toThrow(
        expect.objectContaining({
          constructor: MemcacheIllegalInputError,
          message: expect.stringMatching(/MAX_DECODED_CONTAINERS/),
        }),
      );
    }
    // Protocol 2 writes a set as set([members]): a list, a tuple and the set, as the reader counts.
    const sets = (count: number) => Array.from({ length: count }, () => new Set());
    const limit = (MAX_DECODED_CONTAINERS - 1) / 3;
    const pickled = pickleDumps(sets(limit), 2);
    expect((pickleLoads(pickled) as unknown[]).length).toBe(limit);
    expect(() => pickleDumps(sets(limit + 1), 2)).toThrow(MemcacheIllegalInputError);
    expect(pickleDumps(sets(limit + 1), 4).length).toBeGreaterThan(0);
    // Values: an array and MAX_DECODED_ITEMS - 1 numbers are exactly the limit; one more number
    // is refused on both sides.
    const scanned = JSON_ARRAY_OF('0', MAX_DECODED_ITEMS - 1);
    refusedFast(() =>
      defaultSerde.deserialize('k', Buffer.concat([Buffer.from('[0,'), scanned.subarray(1)]), FLAG_JSON),
    );
    expect(() => defaultSerde.serialize('k', new Array<number>(MAX_DECODED_ITEMS).fill(0))).toThrow(
      /MAX_DECODED_ITEMS/,
    );
    const numbers = defaultSerde.deserialize('k', scanned, FLAG_JSON) as number[];
    expect(numbers.length).toBe(MAX_DECODED_ITEMS - 1);
  });

  it('legitimate large values still read: 200,000 pickled dicts, 500,000 JSON numbers, rich MessagePack', () => {
    const rows = Array.from({ length: 200_000 }, (_, n) => ({ id: n, name: `row ${n}`, tags: ['a', n % 7] }));
    const same = (read: unknown, written: unknown) =>
      expect(JSON.stringify(read)).toBe(JSON.stringify(written));
    same(pickleLoads(pickleDumps(rows)), rows);
    same(
      compressedSerde(pickleSerde).deserialize('k', ...storedBy(compressedSerde(pickleSerde), rows)),
      rows,
    );

    const numbers = Array.from({ length: 500_000 }, (_, n) => n * 1.5);
    for (const serde of [defaultSerde, jsonSerde, compressedSerde(jsonSerde)]) {
      same(serde.deserialize('k', ...storedBy(serde, numbers)), numbers);
    }

    // Over COUNTS_FROM bytes, so the walk runs: every extension msgpackSerde writes.
    const rich = Array.from({ length: 40_000 }, (_, n) => ({
      n,
      big: 10n ** 30n + BigInt(n),
      when: new Date(n),
      set: new Set([n, 'x']),
      map: new Map([['k', n]]),
      bytes: new Uint8Array([n & 0xff]),
      floats: new Float64Array([n / 3]),
      nested: [[{ deep: null }], true, -n, 'é'],
    }));
    const stored = msgpackSerde.serialize('k', rich);
    expect(stored.value.length).toBeGreaterThan(MAX_DECODED_CONTAINERS);
    const read = msgpackSerde.deserialize('k', stored.value, stored.flags) as typeof rich;
    expect(read).toHaveLength(rich.length);
    expect(read[39_999]!.set).toEqual(new Set([39_999, 'x']));
    expect(read[39_999]!.big).toBe(10n ** 30n + 39_999n);
  });

  it("msgpackr's own defaults (records) over a megabyte still read", () => {
    const { Packr } = createRequire(import.meta.url)('msgpackr') as typeof import('msgpackr');
    const rows = Array.from({ length: 100_000 }, (_, n) => ({ id: n, name: `row ${n}`, ok: n % 2 === 0 }));
    const bytes = new Packr().pack(rows);
    expect(bytes.length).toBeGreaterThan(MAX_DECODED_CONTAINERS);
    expect(bytes.includes(0x72)).toBe(true);
    expect(JSON.stringify(msgpackSerde.deserialize('k', bytes, FLAG_MSGPACK))).toBe(JSON.stringify(rows));
  });
});

function storedBy(serde: Serde<CacheValue>, value: CacheValue): [Uint8Array, number] {
  const stored = serde.serialize('k', value);
  return [stored.value, stored.flags];
}
