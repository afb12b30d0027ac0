import { describe, expect, it } from 'vitest';
import { compressedSerde } from './compressed-serde.js';
import { defaultSerde } from './default-serde.js';
import { FLAG_COMPRESSED } from './flags.js';
import type { PickleProtocol } from './pickle-dumps.js';
import { createPickleSerde, pickleSerde } from './pickle-serde.js';
import type { Serde } from './serde.js';
import { INTEROP_CASES } from './test-support/interop-cases.js';
import { fromBase64, runPython, toBase64 } from './test-support/python.js';

type Written = [string, number, string, number];

const fromPython = INTEROP_CASES.filter((entry) => entry.direction !== 'to-python');
const toPython = INTEROP_CASES.filter((entry) => entry.direction !== 'from-python');
const PROTOCOLS = [0, 1, 2, 3, 4, 5];

describe('reading what Python (pymemcache rules) wrote', () => {
  // One Python run writes every case with every pickle protocol, plain and compressed.
  const written = runPython<Written[][]>(
    `
out = []
for expression in data:
    value = eval(expression)
    row = []
    for protocol in range(6):
        plain, plain_flags = serialize(value, protocol)
        packed, packed_flags = compressed_serialize(value, protocol)
        row.append([base64.b64encode(plain).decode(), plain_flags, base64.b64encode(packed).decode(), packed_flags])
    out.append(row)
print(json.dumps(out))
`,
    fromPython.map((entry) => entry.python),
  );

  fromPython.forEach((entry, caseIndex) => {
    it(`reads ${entry.name} from every protocol, plain and compressed`, () => {
      for (const protocol of PROTOCOLS) {
        const [plain, plainFlags, packed, packedFlags] = written[caseIndex]![protocol]!;
        for (const serde of [defaultSerde, pickleSerde, compressedSerde(pickleSerde)] as Serde[]) {
          expect(serde.deserialize('key', fromBase64(plain), plainFlags)).toEqual(entry.js);
          expect(serde.deserialize('key', fromBase64(packed), packedFlags)).toEqual(entry.js);
        }
      }
    });
  });

  it('compresses exactly when pymemcache would, and we read those values', () => {
    const index = fromPython.findIndex((entry) => entry.name === 'big compressible');
    const [, , , flags] = written[index]![5]!;
    expect(flags & FLAG_COMPRESSED).toBe(FLAG_COMPRESSED);
    const small = fromPython.findIndex((entry) => entry.name === 'list');
    expect(written[small]![5]![3] & FLAG_COMPRESSED).toBe(0);
  });

  it('keeps shared references and cycles from Python pickles', () => {
    const encoded = runPython<string[]>(`
shared = [1, 2]
cyclic = []
cyclic.append(cyclic)
d = {}
d['self'] = d
print(json.dumps([base64.b64encode(pickle.dumps([shared, shared, cyclic, d], p)).decode() for p in range(6)]))
`);
    expect(encoded).toHaveLength(6);
    for (const pickled of encoded) {
      const result = pickleSerde.deserialize('key', fromBase64(pickled), 1) as unknown[];
      expect(result[0]).toBe(result[1]);
      const cyclic = result[2] as unknown[];
      expect(cyclic[0]).toBe(cyclic);
      const dict = result[3] as { self: unknown };
      expect(dict.self).toBe(dict);
    }
  });
  it('reads memcached-sized values that Python builds through REDUCE, under the copy allowance', () => {
    // bytes, bytearray, set and frozenset up to memcached's 1 MiB item size, which Python writes
    // with REDUCE at low protocols (an ASCII bytearray at protocol 0 copies two bytes per byte
    // of pickle, the most Python needs), and one bytes value shared many times.
    const encoded = runPython<string[][]>(`
import random
random.seed(7)
blob = bytes(random.getrandbits(8) for _ in range(1000 * 1000))
values = [
    blob,
    bytearray(blob),
    bytearray(b'a' * 1000 * 1000),
    set(range(100000)),
    frozenset(range(100000)),
    [set(range(1000)) for _ in range(100)],
    [blob[:1000]] * 1000,
    [bytes([n % 256]) * 3 for n in range(50000)],
]
print(json.dumps([[base64.b64encode(pickle.dumps(v, p)).decode() for p in range(6)] for v in values]))
`);
    const sizes = [1_000_000, 1_000_000, 1_000_000, 100_000, 100_000, 100, 1000, 50_000];
    encoded.forEach((pickles, index) => {
      for (const pickled of pickles) {
        const value = pickleSerde.deserialize('key', fromBase64(pickled), 1) as
          | Uint8Array
          | Set<unknown>
          | unknown[];
        expect(value instanceof Set ? value.size : value.length).toBe(sizes[index]);
        if (index === 6) expect((value as unknown[])[999]).toBe((value as unknown[])[0]);
      }
    });
  });
});

describe('writing what Python (pymemcache rules) reads', () => {
  const serdes: Array<{ name: string; serde: Serde; compressed: boolean }> = [
    ...([2, 3, 4, 5] as PickleProtocol[]).map((protocol) => ({
      name: `pickleSerde protocol ${protocol}`,
      serde: createPickleSerde({ protocol }) as Serde,
      compressed: false,
    })),
    { name: 'compressedSerde(pickleSerde)', serde: compressedSerde(pickleSerde) as Serde, compressed: true },
    {
      name: 'compressedSerde(pickleSerde, protocol 2)',
      serde: compressedSerde(createPickleSerde({ protocol: 2 })) as Serde,
      compressed: true,
    },
  ];

  for (const { name, serde, compressed } of serdes) {
    it(`${name}: every value reads back in Python as the same value and type`, () => {
      const items = toPython.map((entry) => {
        const { value, flags } = serde.serialize('key', entry.js);
        return [entry.python, toBase64(value), flags];
      });
      const verdicts = runPython<boolean[]>(
        `
read = compressed_deserialize if ${compressed ? 'True' : 'False'} else deserialize
out = []
for expression, encoded, flags in data:
    value = read(base64.b64decode(encoded), flags)
    ok = same(value, eval(expression))
    if expression == '[[1, 2]] * 2':
        ok = ok and value[0] is value[1]
    out.append(ok)
print(json.dumps(out))
`,
        items,
      );
      const failed = toPython.filter((_, index) => !verdicts[index]).map((entry) => entry.name);
      expect(failed).toEqual([]);
    });
  }

  it('defaultSerde writes bytes, text and integers exactly as pymemcache does', () => {
    const values: Array<[unknown, string]> = [
      [new Uint8Array([1, 2, 255]), "b'\\x01\\x02\\xff'"],
      ['héllo', "'héllo'"],
      [42, '42'],
      [-(2n ** 70n), '-2**70'],
    ];
    const theirs = runPython<Array<[string, number]>>(
      `print(json.dumps([[base64.b64encode(v).decode(), f] for v, f in (serialize(eval(e)) for e in data)]))`,
      values.map(([, expression]) => expression),
    );
    const ours = values.map(([value]) => {
      const serialized = defaultSerde.serialize('key', value as never);
      return [toBase64(serialized.value), serialized.flags];
    });
    expect(ours).toEqual(theirs);
  });

  it('a cyclic list and dict survive into Python', () => {
    const list: unknown[] = [];
    list.push(list);
    const dict: Record<string, unknown> = {};
    dict.self = dict;
    const items = ([2, 3, 4, 5] as PickleProtocol[]).map((protocol) => {
      const { value, flags } = createPickleSerde({ protocol }).serialize('key', [list, dict]);
      return [toBase64(value), flags];
    });
    const verdicts = runPython<boolean[]>(
      `out = []
for encoded, flags in data:
    v = deserialize(base64.b64decode(encoded), flags)
    out.append(v[0][0] is v[0] and v[1]['self'] is v[1])
print(json.dumps(out))`,
      items,
    );
    expect(verdicts).toEqual([true, true, true, true]);
  });
});
