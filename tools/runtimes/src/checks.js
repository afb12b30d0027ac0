import { randomBytes } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import {
  Client,
  compressedSerde,
  defaultSerde,
  HashClient,
  jsonSerde,
  MemcacheConnectionError,
  MemcacheDeserializeError,
  MemcacheIllegalInputError,
  MemcacheTimeoutError,
  msgpackSerde,
  pickleSerde,
  structuredSerde,
} from '@mc/client';
import { expect } from './expect.js';
import { sharedValues } from './shared-values.js';

/**
 * @typedef {object} ConformanceConfig The servers the harness started for one run.
 * @property {string} server a plain memcached, `host:port`
 * @property {string[]} cluster several memcached nodes, for HashClient
 * @property {string} socket a memcached on a UNIX socket
 * @property {{ address: string, ca: string }} tls a memcached with TLS (`-Z`) and the CA file that signed it
 * @property {{ address: string, cert: string, key: string }} mutualTls a TLS memcached that demands a
 *   client certificate (signed by the same CA), and the files of one
 * @property {string} silent a fake server that accepts connections and never answers
 * @property {string} closed a port nobody listens on
 * @property {string} shared the key prefix of the values in shared-values.js that Node.js wrote
 */

/**
 * @typedef {object} CheckContext
 * @property {ConformanceConfig} config
 * @property {string} runtime the name of the runtime running the checks
 * @property {(name: string) => string} key a key no other check or runtime run uses
 * @property {<C extends { close(): Promise<void> }>(client: C) => C} open registers a client, closed when the check ends
 */

/** @typedef {{ name: string, run: (context: CheckContext) => Promise<void> }} Check */

const encoder = new TextEncoder();

/**
 * Bytes that a careless client would take for protocol: every byte value once, then reply
 * lines (`END`, `VALUE`, `STORED`) and meta replies embedded in the data.
 */
const TRICKY_BYTES = new Uint8Array([
  ...Array.from({ length: 256 }, (_, index) => index),
  ...encoder.encode('\r\nEND\r\nVALUE other 0 3\r\nabc\r\nSTORED\r\nEN\r\nHD\r\nVA 2 f0\r\n'),
]);

/**
 * A value through a serde and back on a real server: what `serde` wrote is what it reads.
 * @param {CheckContext} context
 * @param {import('@mc/client').Serde<unknown>} serde
 * @param {unknown} value
 * @param {string} what
 */
async function roundTrip(context, serde, value, what) {
  const client = context.open(new Client(context.config.server, { serde }));
  const key = context.key(what);
  expect.equal(await client.set(key, value), true, `${what}: set`);
  expect.same(await client.get(key), value, `${what}: get`);
}

/**
 * Reads what Node.js wrote with each named serde, then writes the same values for Node.js to read.
 * @param {CheckContext} context
 * @param {string[]} names keys of sharedValues
 */
async function shareWithNode(context, names) {
  for (const name of names) {
    const { serde, value } = /** @type {(typeof sharedValues)[string]} */ (sharedValues[name]);
    const client = context.open(new Client(context.config.server, { serde }));
    expect.same(
      await client.get(`${context.config.shared}:node:${name}`),
      value,
      `${name}: the value Node.js wrote`,
    );
    await client.set(`${context.config.shared}:${context.runtime}:${name}`, value);
  }
}

/**
 * Every check the conformance script runs, in order. Each opens its own clients, so a failing
 * check cannot leave state behind for the next; their names are what the harness and the
 * README's runtime table refer to.
 * @type {Check[]}
 */
export const checks = [
  {
    name: 'text commands',
    async run(context) {
      const client = context.open(new Client(context.config.server));
      const a = context.key('a');
      const b = context.key('b');
      const counter = context.key('counter');
      const missing = context.key('missing');
      expect.equal(await client.set(a, 'alpha', { ttl: 60 }), true, 'set');
      expect.equal(await client.get(a), 'alpha', 'get');
      expect.equal(await client.get(missing), undefined, 'get of a missing key');
      expect.equal(await client.add(a, 'again'), false, 'add of an existing key');
      expect.equal(await client.replace(b, 'beta'), false, 'replace of a missing key');
      expect.equal(await client.add(b, 'beta'), true, 'add');
      const many = await client.getMany([a, b, missing]);
      expect.same(
        many,
        new Map([
          [a, 'alpha'],
          [b, 'beta'],
        ]),
        'getMany',
      );
      const entry = await client.gets(a);
      if (!entry) throw new Error('gets: a miss');
      expect.equal(typeof entry.cas, 'bigint', 'gets: cas type');
      expect.equal(await client.cas(a, 'changed', entry.cas), 'stored', 'cas with the current token');
      expect.equal(await client.cas(a, 'lost', entry.cas), 'exists', 'cas with an old token');
      expect.equal(await client.cas(missing, 'none', entry.cas), 'not_found', 'cas of a missing key');
      expect.equal(await client.append(a, '+end'), true, 'append');
      expect.equal(await client.prepend(a, 'start+'), true, 'prepend');
      expect.equal(await client.get(a), 'start+changed+end', 'get after append and prepend');
      expect.equal(await client.set(counter, 41), true, 'set of a number');
      expect.equal(await client.incr(counter), 42n, 'incr');
      expect.equal(await client.incr(counter, 8), 50n, 'incr by 8');
      expect.equal(await client.decr(counter, 60), 0n, 'decr below zero stops at 0');
      expect.equal(await client.incr(missing), undefined, 'incr of a missing key');
      expect.equal(await client.touch(a, 120), true, 'touch');
      expect.equal(await client.touch(missing, 120), false, 'touch of a missing key');
      expect.equal(await client.delete(b), true, 'delete');
      expect.equal(await client.delete(b), false, 'delete again');
      expect.equal(await client.set(b, 'quiet', { noreply: true }), true, 'set with noreply');
      expect.equal(await client.get(b), 'quiet', 'get after a noreply set');
      expect.equal(await client.deleteMany([a, b, missing]), 2, 'deleteMany');
      expect.equal(/^\d+\.\d+\.\d+/.test(await client.version()), true, 'version');
      const stats = await client.stats();
      expect.equal(typeof stats.curr_connections, 'number', 'stats: curr_connections is a number');
    },
  },
  {
    name: 'binary values',
    async run(context) {
      const client = context.open(new Client(context.config.server));
      const tricky = context.key('tricky');
      const large = context.key('large');
      const empty = context.key('empty');
      const appended = context.key('appended');
      const largeValue = new Uint8Array(randomBytes(900 * 1024));
      expect.equal(await client.set(tricky, TRICKY_BYTES), true, 'set of protocol-looking bytes');
      expect.equal(await client.set(large, largeValue), true, 'set of 900 KiB');
      expect.equal(await client.set(empty, new Uint8Array(0)), true, 'set of no bytes');
      const read = await client.get(tricky);
      expect.equal(read instanceof Uint8Array, true, 'bytes read back as a Uint8Array');
      expect.equal(/** @type {Uint8Array} */ (read), TRICKY_BYTES, 'get of protocol-looking bytes');
      const many = await client.getMany([large, tricky, empty]);
      expect.equal(/** @type {Uint8Array} */ (many.get(large)), largeValue, 'getMany: the large value');
      expect.equal(/** @type {Uint8Array} */ (many.get(tricky)), TRICKY_BYTES, 'getMany: the tricky value');
      expect.equal(
        /** @type {Uint8Array} */ (many.get(empty)),
        new Uint8Array(0),
        'getMany: the empty value',
      );
      // Gets made together share one line, and each large value crosses many reads.
      const together = await Promise.all([client.get(large), client.get(tricky), client.get(large)]);
      expect.equal(/** @type {Uint8Array} */ (together[0]), largeValue, 'merged gets: the first large value');
      expect.equal(/** @type {Uint8Array} */ (together[1]), TRICKY_BYTES, 'merged gets: the tricky value');
      expect.equal(/** @type {Uint8Array} */ (together[2]), largeValue, 'merged gets: the large value again');
      await client.set(appended, Uint8Array.of(0, 13));
      await client.append(appended, Uint8Array.of(10, 255));
      expect.equal(
        /** @type {Uint8Array} */ (await client.get(appended)),
        Uint8Array.of(0, 13, 10, 255),
        'bytes appended',
      );
    },
  },
  {
    name: 'pipelining',
    async run(context) {
      // Hundreds of commands in flight on one socket: every reply must reach its own caller.
      const client = context.open(new Client(context.config.server));
      const keys = Array.from({ length: 400 }, (_, index) => context.key(`pipelined-${index}`));
      await Promise.all(keys.map((key, index) => client.set(key, `value-${index}-${'x'.repeat(index * 7)}`)));
      const values = await Promise.all(keys.map((key) => client.get(key)));
      values.forEach((value, index) => {
        expect.equal(value, `value-${index}-${'x'.repeat(index * 7)}`, `reply ${index}`);
      });
    },
  },
  {
    name: 'key prefix',
    async run(context) {
      const prefix = context.key('prefix:');
      const prefixed = context.open(new Client(context.config.server, { keyPrefix: prefix }));
      const plain = context.open(new Client(context.config.server));
      expect.equal(await prefixed.set('user', 'Ada'), true, 'set through the prefix');
      expect.equal(await plain.get(`${prefix}user`), 'Ada', 'stored under the prefixed key');
      expect.same(
        await prefixed.getMany(['user', 'nobody']),
        new Map([['user', 'Ada']]),
        'getMany strips the prefix',
      );
      const meta = await prefixed.metaGet('user', { value: true, key: true });
      expect.equal(meta?.key, 'user', 'metaGet reports the key without the prefix');
    },
  },
  {
    name: 'illegal input',
    async run(context) {
      const client = context.open(new Client(context.config.server));
      for (const key of ['has space', 'line\r\nbreak', '', 'x'.repeat(251), 'del\u007f']) {
        await expect.rejects(client.get(key), MemcacheIllegalInputError, `get(${JSON.stringify(key)})`);
      }
      await expect.rejects(
        client.set(context.key('ttl'), 'v', { ttl: 1.5 }),
        MemcacheIllegalInputError,
        'ttl 1.5',
      );
      expect.equal(await client.get(context.key('after')), undefined, 'the connection still works');
    },
  },
  {
    name: 'meta commands',
    async run(context) {
      const client = context.open(new Client(context.config.server));
      const item = context.key('item');
      const counter = context.key('counter');
      const stale = context.key('stale');
      const stored = await client.metaSet(item, 'meta value', { ttl: 300, returnCas: true });
      expect.equal(stored.status, 'stored', 'metaSet status');
      expect.equal(typeof stored.cas, 'bigint', 'metaSet returns the cas');
      const read = await client.metaGet(item, { value: true, cas: true, ttl: true, size: true, hit: true });
      if (!read) throw new Error('metaGet: a miss');
      expect.equal(read.value, 'meta value', 'metaGet value');
      expect.equal(read.cas, stored.cas, 'metaGet cas');
      expect.equal(read.size, 10, 'metaGet size');
      expect.equal(read.hit, false, 'metaGet hit before any read');
      expect.equal(read.ttl > 290 && read.ttl <= 300, true, `metaGet ttl ${read.ttl}`);
      expect.equal(
        await client.metaGet(context.key('nothing'), { value: true }),
        undefined,
        'metaGet of a miss',
      );
      const conflict = await client.metaSet(item, 'late', {
        cas: /** @type {bigint} */ (stored.cas) + 1000n,
      });
      expect.equal(conflict.status, 'exists', 'metaSet with a wrong cas');
      expect.equal(
        (await client.metaSet(item, '+more', { mode: 'append' })).status,
        'stored',
        'metaSet append',
      );
      expect.equal((await client.metaGet(item, { value: true }))?.value, 'meta value+more', 'after append');
      expect.equal(
        (await client.metaDelete(item, { cas: 1n })).status,
        'exists',
        'metaDelete with a wrong cas',
      );
      expect.equal((await client.metaDelete(item)).status, 'deleted', 'metaDelete');
      expect.equal((await client.metaDelete(item)).status, 'not_found', 'metaDelete again');

      const created = await client.metaArithmetic(counter, { vivify: 60, initial: 10 });
      expect.same([created.status, created.value], ['ok', 10n], 'metaArithmetic creates the counter');
      const added = await client.metaArithmetic(counter, { delta: 5 });
      expect.same([added.status, added.value], ['ok', 15n], 'metaArithmetic incr');
      const subtracted = await client.metaArithmetic(counter, { mode: 'decr', delta: 20 });
      expect.same([subtracted.status, subtracted.value], ['ok', 0n], 'metaArithmetic decr');
      const absent = await client.metaArithmetic(context.key('no-counter'));
      expect.equal(absent.status, 'not_found', 'metaArithmetic of a missing key');

      const binaryKey = Uint8Array.of(0, 1, 13, 10, 32, 127, 128, 255, ...encoder.encode(context.key('bin')));
      expect.equal(
        (await client.metaSet(binaryKey, 'by bytes', { base64: true })).status,
        'stored',
        'base64 set',
      );
      const binaryRead = await client.metaGet(binaryKey, { value: true, base64: true });
      expect.equal(binaryRead?.value, 'by bytes', 'base64 get');
      expect.equal((await client.metaDelete(binaryKey, { base64: true })).status, 'deleted', 'base64 delete');

      await client.metaSet(stale, 'old');
      await client.metaDelete(stale, { invalidate: true });
      const first = await client.metaGet(stale, { value: true });
      expect.same(
        [first?.value, first?.stale, first?.won],
        ['old', true, true],
        'first read of a stale item wins',
      );
      const second = await client.metaGet(stale, { value: true });
      expect.same([second?.stale, second?.won, second?.alreadyWon], [true, false, true], 'second read waits');
      await client.metaNoop();
    },
  },
  {
    name: 'getOrSet with concurrent callers',
    async run(context) {
      const client = context.open(new Client(context.config.server));
      const key = context.key('report');
      let loads = 0;
      const loader = async () => {
        loads += 1;
        await new Promise((resolve) => setTimeout(resolve, 150));
        return { total: 42, at: 'loader' };
      };
      const callers = Array.from({ length: 12 }, () =>
        client.getOrSet(key, loader, { ttl: 60, lockTtl: 10 }),
      );
      const results = await Promise.all(callers);
      expect.equal(loads, 1, 'loader runs');
      for (const result of results) expect.same(result, { total: 42, at: 'loader' }, 'each caller');
      expect.same(await client.get(key), { total: 42, at: 'loader' }, 'the value is cached');
      const failing = client.getOrSet(
        context.key('failing'),
        async () => {
          throw new RangeError('loader failed');
        },
        { ttl: 60 },
      );
      await expect.rejects(failing, RangeError, "the loader's own error");
    },
  },
  {
    name: 'HashClient over 3 nodes',
    async run(context) {
      const { cluster } = context.config;
      const hash = context.open(new HashClient(cluster));
      const entries = new Map(
        Array.from({ length: 90 }, (_, index) => [context.key(`spread-${index}`), index]),
      );
      expect.same(await hash.setMany(entries), [], 'setMany stores every key');
      expect.same(await hash.getMany([...entries.keys()]), entries, 'getMany reads every key back');
      let total = 0;
      for (const address of cluster) {
        const node = context.open(new Client(address));
        const held = (await node.getMany([...entries.keys()])).size;
        if (held === 0) throw new Error(`node ${address} holds none of 90 keys`);
        total += held;
      }
      expect.equal(total, 90, 'each key on exactly one node');
      const versions = await hash.version();
      expect.same([...versions.keys()].sort(), [...cluster].sort(), 'version() from every node');
      expect.equal(await hash.incr(context.key('spread-1'), 1), 2n, 'incr routed to the owner');
    },
  },
  {
    name: 'UNIX socket',
    async run(context) {
      const client = context.open(new Client(context.config.socket));
      const key = context.key('unix');
      expect.equal(await client.set(key, 'over a socket file'), true, 'set');
      expect.equal(await client.get(key), 'over a socket file', 'get');
      const prefixed = context.open(new Client(`unix:${context.config.socket}`));
      expect.equal(await prefixed.get(key), 'over a socket file', 'get through a unix: address');
    },
  },
  {
    name: 'TLS',
    async run(context) {
      const { address, ca } = context.config.tls;
      const client = context.open(new Client(address, { tls: { ca: fs.readFileSync(ca, 'utf8') } }));
      const key = context.key('tls');
      expect.equal(await client.set(key, TRICKY_BYTES), true, 'set over TLS');
      expect.equal(/** @type {Uint8Array} */ (await client.get(key)), TRICKY_BYTES, 'get over TLS');
      const stranger = context.open(new Client(address, { tls: true, connectTimeout: 3000 }));
      await expect.rejects(stranger.get(key), MemcacheConnectionError, 'a server signed by an unknown CA');
    },
  },
  {
    name: 'TLS with a client certificate',
    async run(context) {
      const { address, cert, key } = context.config.mutualTls;
      const ca = fs.readFileSync(context.config.tls.ca, 'utf8');
      const tls = { ca, cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') };
      const client = context.open(new Client(address, { tls }));
      const item = context.key('mutual');
      expect.equal(await client.set(item, 'certified'), true, 'set with a client certificate');
      expect.equal(await client.get(item), 'certified', 'get with a client certificate');
      // TLS 1.3 refuses a missing certificate after the handshake: the alert must become this
      // request's MemcacheConnectionError, never an uncaught exception.
      const anonymous = context.open(new Client(address, { tls: { ca }, timeout: 3000 }));
      await expect.rejects(anonymous.get(item), MemcacheConnectionError, 'without a client certificate');
    },
  },
  {
    name: 'command timeout',
    async run(context) {
      const client = context.open(new Client(context.config.silent, { timeout: 400 }));
      const get = () => client.get(context.key('silent'));
      await expect.rejectsWithin(
        get,
        MemcacheTimeoutError,
        { earliest: 350, latest: 3000 },
        'a silent server',
      );
    },
  },
  {
    name: 'connection refused',
    async run(context) {
      const client = context.open(new Client(context.config.closed, { connectTimeout: 3000 }));
      const get = () => client.get(context.key('refused'));
      await expect.rejectsWithin(get, MemcacheConnectionError, { latest: 2500 }, 'a closed port');
    },
  },
  {
    name: 'require() of the CommonJS build',
    async run(context) {
      /** @type {typeof import('@mc/client')} */
      const commonjs = createRequire(import.meta.url)('@mc/client');
      expect.equal(commonjs.Client === Client, false, 'a second copy of the classes');
      const client = context.open(new commonjs.Client(context.config.server));
      const key = context.key('commonjs');
      expect.equal(await client.set(key, 'from require'), true, 'set');
      expect.equal(await client.get(key), 'from require', 'get');
      // instanceof holds across the two copies, so code importing either catches the other's errors.
      await expect.rejects(client.get('bad key'), MemcacheIllegalInputError, 'an error of the other copy');
    },
  },
  {
    name: 'tracing channels',
    async run(context) {
      /** @type {string[]} */
      const seen = [];
      /** @param {unknown} message */
      const onEnd = (message) => seen.push(/** @type {{ command: string }} */ (message).command);
      diagnosticsChannel.subscribe('mc:command:end', onEnd);
      try {
        const client = context.open(new Client(context.config.server));
        await client.set(context.key('traced'), 'v');
        await client.get(context.key('traced'));
      } finally {
        diagnosticsChannel.unsubscribe('mc:command:end', onEnd);
      }
      expect.same(seen, ['set', 'get'], 'mc:command:end messages');
    },
  },
  {
    name: 'defaultSerde',
    async run(context) {
      const value = { name: 'Ada', tags: ['a', 'b'], nested: { n: 1.5, flag: true, none: null } };
      for (const [label, entry] of /** @type {Array<[string, unknown]>} */ ([
        ['text', 'héllo ✓'],
        ['integer', 42],
        ['bigint', 2n ** 70n],
        ['object', value],
      ])) {
        await roundTrip(context, defaultSerde, entry, `defaultSerde ${label}`);
      }
    },
  },
  {
    name: 'jsonSerde',
    run: (context) =>
      roundTrip(context, jsonSerde, { list: [1, 'two', { three: 3 }], text: 'ü' }, 'jsonSerde'),
  },
  {
    name: 'msgpackSerde',
    run: (context) =>
      roundTrip(
        context,
        msgpackSerde,
        { list: [1, 'two', { three: 3 }], bytes: Uint8Array.of(1, 2) },
        'msgpackSerde',
      ),
  },
  {
    name: 'pickleSerde',
    async run(context) {
      await roundTrip(
        context,
        pickleSerde,
        { list: [1, 'two', 3.5], big: 2n ** 80n, none: null },
        'pickleSerde',
      );
    },
  },
  {
    name: 'compressedSerde',
    async run(context) {
      const text = 'compressible '.repeat(400);
      for (const algorithm of /** @type {const} */ (['zlib', 'gzip', 'brotli'])) {
        const serde = compressedSerde(undefined, { algorithm });
        expect.equal(
          serde.serialize('k', text).value.length < text.length / 4,
          true,
          `${algorithm} compresses`,
        );
        await roundTrip(context, serde, text, `compressedSerde ${algorithm}`);
      }
      // A value that inflates past the limit is refused, not allocated (a zip bomb).
      const writer = context.open(new Client(context.config.server, { serde: compressedSerde() }));
      const small = context.open(
        new Client(context.config.server, {
          serde: compressedSerde(undefined, { maxDecompressedSize: 1000 }),
        }),
      );
      const key = context.key('bomb');
      await writer.set(key, 'x'.repeat(100_000));
      await expect.rejects(small.get(key), MemcacheDeserializeError, 'inflating past maxDecompressedSize');
    },
  },
  {
    name: 'structuredSerde',
    async run(context) {
      const value = {
        when: new Date('2024-02-29T12:00:00Z'),
        map: new Map([['a', 1n]]),
        set: new Set(['x', 'y']),
        bytes: Uint8Array.of(1, 2, 3),
        pattern: /memcached/gi,
      };
      await roundTrip(context, structuredSerde, value, 'structuredSerde');
    },
  },
  {
    name: 'values shared with Node',
    run: (context) =>
      shareWithNode(
        context,
        Object.keys(sharedValues).filter((name) => name !== 'structured'),
      ),
  },
  {
    name: 'structuredSerde shared with Node',
    run: (context) => shareWithNode(context, ['structured']),
  },
];
