import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedSerde } from './compressed-serde.js';
import { defaultSerde } from './default-serde.js';
import { jsonSerde } from './json-serde.js';
import { msgpackSerde } from './msgpack-serde.js';
import { pickleSerde } from './pickle-serde.js';
import type { CacheValue, Serde } from './serde.js';
import { structuredSerde } from './structured-serde.js';
import { INTEROP_CASES } from './test-support/interop-cases.js';
import { runPython } from './test-support/python.js';
import { rawGet, rawSet } from './test-support/raw-memcached.js';

/** A few lines of Python speaking memcached's text protocol, so no pymemcache is needed. */
const PYTHON_SOCKET = `
import socket
connection = socket.create_connection(('127.0.0.1', data['port']))
stream = connection.makefile('rb')

def mc_set(key, value, flags):
    connection.sendall(b'set %s %d 0 %d\\r\\n' % (key.encode(), flags, len(value)) + value + b'\\r\\n')
    reply = stream.readline()
    assert reply == b'STORED\\r\\n', reply

def mc_get(key):
    connection.sendall(b'get %s\\r\\n' % key.encode())
    header = stream.readline().split()
    if header[0] == b'END':
        return None
    value = stream.read(int(header[3]) + 2)[:-2]
    assert stream.readline() == b'END\\r\\n'
    return value, int(header[2])
`;

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

describe('values through a real memcached', () => {
  const serdes: Array<[string, Serde<CacheValue>, CacheValue[]]> = [
    [
      'defaultSerde',
      defaultSerde,
      ['', 'héllo', 42, 2n ** 64n + 1n, new Uint8Array([0, 13, 10]), { a: [1.5, null] }, 'x'.repeat(5000)],
    ],
    ['jsonSerde', jsonSerde, ['', 'text', { nested: { list: [true, false] } }]],
    ['msgpackSerde', msgpackSerde, [2n ** 64n + 1n, new Date(0), new Set([1]), new Uint8Array([1])]],
    [
      'structuredSerde',
      structuredSerde,
      [new Map([[1, new Date(5)]]), new Set([1n]), new Float32Array([0.5]), -0],
    ],
    [
      'pickleSerde',
      pickleSerde,
      [new Map<unknown, unknown>([[[1, 2], 'tuple key']]), new Set(['a']), -0, 1.5, true],
    ],
    ['compressedSerde()', compressedSerde(), [{ rows: 'row '.repeat(1000) }, 'short']],
    [
      'compressedSerde(pickleSerde, brotli)',
      compressedSerde(pickleSerde, { algorithm: 'brotli' }),
      [['y'.repeat(2000)]],
    ],
  ];

  for (const [name, serde, values] of serdes) {
    it(`${name}: set with its flags, get, deserialize`, async () => {
      for (const [index, value] of values.entries()) {
        const key = `${name.replace(/\W/g, '')}:${index}`;
        const serialized = serde.serialize(key, value);
        await rawSet(server.port, key, serialized.value, serialized.flags);
        const stored = await rawGet(server.port, key);
        expect(stored?.flags).toBe(serialized.flags);
        expect(serde.deserialize(key, stored!.value, stored!.flags)).toEqual(value);
      }
    });
  }
});

describe('a Python service and a TypeScript service sharing one memcached', () => {
  const fromPython = INTEROP_CASES.filter((entry) => entry.direction !== 'to-python');
  const toPython = INTEROP_CASES.filter((entry) => entry.direction !== 'from-python');

  it('TypeScript reads what Python stored (pymemcache rules, plain and compressed)', async () => {
    runPython(
      `${PYTHON_SOCKET}
for index, expression in enumerate(data['expressions']):
    value = eval(expression)
    mc_set('py:plain:%d' % index, *serialize(value))
    mc_set('py:packed:%d' % index, *compressed_serialize(value))
print('null')
`,
      { port: server.port, expressions: fromPython.map((entry) => entry.python) },
    );
    for (const [index, entry] of fromPython.entries()) {
      for (const variant of ['plain', 'packed']) {
        const stored = await rawGet(server.port, `py:${variant}:${index}`);
        expect(stored, `${entry.name} (${variant})`).toBeDefined();
        expect(defaultSerde.deserialize('key', stored!.value, stored!.flags), entry.name).toEqual(entry.js);
        expect(compressedSerde(pickleSerde).deserialize('key', stored!.value, stored!.flags)).toEqual(
          entry.js,
        );
      }
    }
  });

  it('Python reads what TypeScript stored (pickleSerde, plain and compressed)', async () => {
    const packed = compressedSerde(pickleSerde);
    for (const [index, entry] of toPython.entries()) {
      const plain = pickleSerde.serialize('key', entry.js as CacheValue);
      await rawSet(server.port, `ts:plain:${index}`, plain.value, plain.flags);
      const compressed = packed.serialize('key', entry.js as CacheValue);
      await rawSet(server.port, `ts:packed:${index}`, compressed.value, compressed.flags);
    }
    const failed = runPython<string[]>(
      `${PYTHON_SOCKET}
failed = []
for index, (name, expression) in enumerate(data['cases']):
    for variant, read in (('plain', deserialize), ('packed', compressed_deserialize)):
        value, flags = mc_get('ts:%s:%d' % (variant, index))
        if not same(read(value, flags), eval(expression)):
            failed.append('%s (%s)' % (name, variant))
print(json.dumps(failed))
`,
      { port: server.port, cases: toPython.map((entry) => [entry.name, entry.python]) },
    );
    expect(failed).toEqual([]);
  });
});
