import { MemcacheIllegalInputError } from '@mc/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PickleProtocol, pickleDumps } from './pickle-dumps.js';
import { pickleLoads } from './pickle-loads.js';

const PROTOCOLS: PickleProtocol[] = [2, 3, 4, 5];

describe('pickleDumps', () => {
  it('starts with PROTO and the protocol, 5 by default, and ends with STOP', () => {
    expect([...pickleDumps(null)]).toEqual([0x80, 5, 0x4e, 0x2e]);
    expect([...pickleDumps(true, 2)]).toEqual([0x80, 2, 0x88, 0x2e]);
  });

  it('writes integers in the smallest opcode, as Python does', () => {
    const body = (value: unknown) => [...pickleDumps(value, 2)].slice(2, -1);
    expect(body(0)).toEqual([0x4b, 0]);
    expect(body(256)).toEqual([0x4d, 0, 1]);
    expect(body(-1)).toEqual([0x4a, 0xff, 0xff, 0xff, 0xff]);
    expect(body(2 ** 31)).toEqual([0x8a, 5, 0, 0, 0, 0x80, 0]);
    expect(body(255n)).toEqual([0x4b, 255]);
    expect(body(-(2n ** 63n))).toEqual([0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x80]);
    expect(body(2n ** 2100n)[0]).toBe(0x8b);
  });

  it('round-trips through pickleLoads in every protocol, shared references and cycles included', () => {
    const shared = { x: 1 };
    const list: unknown[] = ['self'];
    list.push(list);
    const value = {
      shared: [shared, shared],
      list,
      set: new Set([1, 'a', [1, 2], new Set([3])]),
      map: new Map<unknown, unknown>([
        [new Uint8Array([1]), 'bytes key'],
        [[1, [2]], 'tuple key'],
      ]),
      numbers: [-0, 1.5, Number.NaN, 2 ** 53, -(2n ** 64n)],
      long: 'é'.repeat(300),
      bytes: new Uint8Array(300).fill(7),
    };
    for (const protocol of PROTOCOLS) {
      const result = pickleLoads(pickleDumps(value, protocol)) as typeof value;
      expect(result.shared[0]).toBe(result.shared[1]);
      expect((result.list as unknown[])[1]).toBe(result.list);
      expect(result.set).toEqual(new Set([1, 'a', [1, 2], new Set([3])]));
      expect(result.map).toEqual(value.map);
      expect(result.numbers).toEqual([-0, 1.5, Number.NaN, 2 ** 53, -(2n ** 64n)]);
      expect(result.long).toBe(value.long);
      expect(result.bytes).toEqual(value.bytes);
    }
  });

  it('writes undefined as None and a null-prototype object as a dict', () => {
    const bare = Object.assign(Object.create(null) as object, { a: undefined });
    expect(pickleLoads(pickleDumps([undefined, bare]))).toEqual([null, { a: null }]);
  });

  it.each([
    ['a Date', new Date(0), /Date cannot be pickled/],
    ['a class instance', new (class Point {})(), /Point cannot be pickled/],
    ['a typed array other than Uint8Array', new Float64Array(1), /Float64Array/],
    ['a function', () => 1, /function cannot be pickled/],
    ['a symbol', Symbol('s'), /symbol cannot be pickled/],
    ['a Map as a dict key', new Map([[new Map(), 1]]), /hashable/],
    ['an object as a set member', new Set([{}]), /hashable/],
    [
      'a list inside a tuple that holds itself',
      (() => {
        const inner: unknown[] = [];
        inner.push(inner);
        return new Set([inner]);
      })(),
      /cycle/,
    ],
    [
      'a set that holds itself',
      (() => {
        const set = new Set<unknown>();
        set.add(set);
        return set;
      })(),
      /cycle/,
    ],
    [
      'nesting deeper than 1000',
      (() => {
        let value: unknown[] = [];
        for (let depth = 0; depth < 1500; depth++) value = [value];
        return value;
      })(),
      /deeper than 1000/,
    ],
  ])('refuses %s with MemcacheIllegalInputError', (_name, value, message) => {
    for (const protocol of PROTOCOLS) {
      expect(() => pickleDumps(value, protocol)).toThrow(MemcacheIllegalInputError);
      expect(() => pickleDumps(value, protocol)).toThrow(message);
    }
  });

  it.each([1, 6, 2.5, Number.NaN])('refuses protocol %s', (protocol) => {
    expect(() => pickleDumps(null, protocol as PickleProtocol)).toThrow(MemcacheIllegalInputError);
  });

  it('round-trips arbitrary pickle-able values (property)', () => {
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.double(),
        fc.maxSafeInteger(),
        fc
          .bigInt()
          .filter((big) => big < BigInt(Number.MIN_SAFE_INTEGER) || big > BigInt(Number.MAX_SAFE_INTEGER)),
        fc.string({ unit: 'grapheme' }),
        fc.uint8Array().map((bytes) => new Uint8Array(bytes)),
        fc.array(tie('value')),
        fc.dictionary(fc.string(), tie('value'), { noNullPrototype: true }),
        // a dict whose keys are all strings reads back as an object, so these Maps hold an integer key
        fc.array(fc.tuple(fc.integer(), tie('value')), { minLength: 1 }).map((entries) => new Map(entries)),
        fc.uniqueArray(fc.oneof(fc.integer(), fc.string())).map((items) => new Set(items)),
      ),
    }));
    fc.assert(
      fc.property(value, fc.constantFrom(...PROTOCOLS), (input, protocol) => {
        expect(pickleLoads(pickleDumps(input, protocol))).toEqual(input);
      }),
      { numRuns: 500 },
    );
  });
});
