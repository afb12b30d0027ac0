import { Client, HashClient, longestTtl, MemcacheConnectionError, MemcacheTimeoutError } from '@mc/client';
import { closedPort, type MemcachedServer, startCluster, startMemcached } from '@mc/test-utils';
import Keyv6 from 'keyv';
import Keyv5 from 'keyv5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyvMemcached } from './index.js';
import { type CountingProxy, startCountingProxy } from './test-support/counting-proxy.js';

/** What the tests use of a Keyv instance; both majors have it. */
interface KeyvLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttl?: number): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  clear(): Promise<void>;
  has(key: string): Promise<boolean>;
  getMany(keys: string[]): Promise<unknown[]>;
  setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<unknown>;
  deleteMany(keys: string[]): Promise<unknown>;
  hasMany(keys: string[]): Promise<boolean[]>;
  disconnect(): Promise<void>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

const majors = [
  {
    name: 'Keyv 5',
    make: (store: KeyvMemcached, namespace?: string) =>
      new Keyv5({ store, ...(namespace ? { namespace } : {}) }) as unknown as KeyvLike,
    // Keyv 5 prefixes keys with its namespace before they reach the adapter.
    storeKey: (namespace: string, key: string) => `${namespace}:${key}`,
  },
  {
    name: 'Keyv 6',
    make: (store: KeyvMemcached, namespace?: string) =>
      new Keyv6({ store, ...(namespace ? { namespace } : {}) }) as unknown as KeyvLike,
    storeKey: (_namespace: string, key: string) => key,
  },
] as const;

let server: MemcachedServer;
let admin: Client;
let proxy: CountingProxy;

beforeAll(async () => {
  server = await startMemcached();
  admin = new Client(server.address);
  proxy = await startCountingProxy(server);
});

afterAll(async () => {
  await admin.close();
  await proxy.close();
  await server.stop();
});

async function flushCount(): Promise<number> {
  return Number((await admin.stats()).cmd_flush);
}

/** The memcached key an entry lives under (the layout the README documents). */
async function wireKey(namespace: string, storeKey: string): Promise<string> {
  const token = await admin.get(`${namespace}:version`);
  return `${namespace}:${String(token)}:${storeKey}`;
}

let counter = 0;
function uniqueNamespace(): string {
  counter++;
  return `ns${counter}-${Date.now().toString(36)}`;
}

describe.each(majors)('with $name', (major) => {
  it('stores what Keyv serialized and reads it back: objects, unicode, bytes', async () => {
    const keyv = major.make(new KeyvMemcached(server.address), uniqueNamespace());
    const values: Record<string, unknown> = {
      object: { name: 'Ada', tags: ['x', 'y'], nested: { n: 1.5 } },
      unicode: 'héllo wörld — 日本語 — 🎉🧪 — \u0000 nul and \r\n newline',
      loneSurrogate: 'half a pair: \ud83c',
      bytes: Buffer.from([0, 1, 2, 253, 254, 255]),
      number: 42,
      list: [1, 'two', null],
    };
    for (const [key, value] of Object.entries(values)) expect(await keyv.set(key, value)).toBe(true);
    for (const [key, value] of Object.entries(values)) expect(await keyv.get(key)).toEqual(value);
    expect(await keyv.get('missing')).toBeUndefined();
    expect(await keyv.has('object')).toBe(true);
    expect(await keyv.has('missing')).toBe(false);
    expect(await keyv.delete('object')).toBe(true);
    expect(await keyv.delete('object')).toBe(false);
    expect(await keyv.get('object')).toBeUndefined();
    await keyv.disconnect();
  });

  it('keeps keys memcached would refuse (spaces, newlines, 1000 characters) distinct', async () => {
    const keyv = major.make(new KeyvMemcached(server.address), uniqueNamespace());
    const long = 'k'.repeat(1000);
    const keys = [
      'with space',
      'line\nbreak',
      long,
      `${long}!`,
      '~starts-with-tilde',
      '\ud800',
      '\udfff',
      'ключ',
    ];
    for (const [index, key] of keys.entries()) await keyv.set(key, index);
    for (const [index, key] of keys.entries()) expect(await keyv.get(key)).toBe(index);
    await keyv.disconnect();
  });

  it('isolates namespaces: clear() empties only its own, never with flush_all', async () => {
    const flushesBefore = await flushCount();
    const store = new KeyvMemcached(proxy.address);
    const other = new KeyvMemcached(proxy.address);
    const [first, second] = [uniqueNamespace(), uniqueNamespace()];
    const keyvA = major.make(store, first);
    const keyvB = major.make(other, second);
    await admin.set('foreign-key', 'not ours');
    await keyvA.set('shared', 'from A');
    await keyvB.set('shared', 'from B');
    expect(await keyvA.get('shared')).toBe('from A');
    expect(await keyvB.get('shared')).toBe('from B');

    proxy.reset();
    await keyvA.clear();
    expect(await keyvA.get('shared')).toBeUndefined();
    expect(await keyvA.has('shared')).toBe(false);
    expect(await keyvB.get('shared')).toBe('from B');
    expect(await admin.get('foreign-key')).toBe('not ours');
    // After a clear the namespace works as before.
    await keyvA.set('shared', 'again');
    expect(await keyvA.get('shared')).toBe('again');

    expect(proxy.sent).not.toMatch(/flush_all/);
    expect(await flushCount()).toBe(flushesBefore);
    await keyvA.disconnect();
    await keyvB.disconnect();
  });

  it('works without a namespace, whose clear() leaves named namespaces alone', async () => {
    const plain = major.make(new KeyvMemcached(server.address));
    const named = major.make(new KeyvMemcached(server.address), uniqueNamespace());
    await plain.set('key', 'plain');
    await named.set('key', 'named');
    expect(await plain.get('key')).toBe('plain');
    await plain.clear();
    expect(await plain.get('key')).toBeUndefined();
    expect(await named.get('key')).toBe('named');
    await plain.disconnect();
    await named.disconnect();
  });

  it('sees a clear made by another process at once, and writes after it land in the new version', async () => {
    const namespace = uniqueNamespace();
    const here = major.make(new KeyvMemcached(server.address), namespace);
    const there = major.make(new KeyvMemcached(server.address), namespace);
    await here.set('key', 'before');
    expect(await there.get('key')).toBe('before');
    await there.clear();
    expect(await here.get('key')).toBeUndefined();
    await there.set('key', 'written there');
    await there.clear();
    // `here` still guesses the first version; its write must not vanish into it.
    expect(await here.set('key', 'after')).toBe(true);
    expect(await there.get('key')).toBe('after');
    await here.disconnect();
    await there.disconnect();
  });

  it('handles many keys in one round trip each', async () => {
    const store = new KeyvMemcached(proxy.address);
    const keyv = major.make(store, uniqueNamespace());
    const keys = Array.from({ length: 20 }, (_, index) => `key-${index}`);
    await keyv.set('warm-up', 1); // learns the namespace version
    proxy.reset();
    const stored = await keyv.setMany(keys.map((key, index) => ({ key, value: { index } })));
    expect(stored).toEqual(keys.map(() => true));
    expect(proxy.roundTrips).toBe(1);

    proxy.reset();
    const values = await keyv.getMany([...keys, 'absent']);
    expect(values).toEqual([...keys.map((_, index) => ({ index })), undefined]);
    expect(proxy.roundTrips).toBe(1);

    proxy.reset();
    expect(await keyv.hasMany(['key-0', 'absent', 'key-19'])).toEqual([true, false, true]);
    expect(proxy.roundTrips).toBe(1);

    proxy.reset();
    expect(await keyv.deleteMany(keys.slice(0, 10))).toBeTruthy();
    expect(proxy.roundTrips).toBe(1);
    expect(await keyv.getMany(['key-0', 'key-10'])).toEqual([undefined, { index: 10 }]);
    await keyv.disconnect();
  });

  it('deleteMany answers in the shape its Keyv major documents: one boolean per key in Keyv 6, all of them deleted in Keyv 5', async () => {
    const store = new KeyvMemcached(server.address);
    const keyv = major.make(store, uniqueNamespace());
    await keyv.set('here', 1);
    await keyv.set('also', 2);
    const mixed = await keyv.deleteMany(['here', 'absent']);
    await keyv.set('here', 1);
    const every = await keyv.deleteMany(['here', 'also']);
    if (major.name === 'Keyv 6') {
      expect(mixed).toEqual([true, false]);
      expect(every).toEqual([true, true]);
    } else {
      expect(mixed).toBe(false);
      expect(every).toBe(true);
    }
    expect(await keyv.hasMany(['here', 'also', 'absent'])).toEqual([false, false, false]);
    await keyv.disconnect();
  });

  it('expires entries in memcached itself, a TTL rounded up to whole seconds plus one', async () => {
    const namespace = uniqueNamespace();
    const store = new KeyvMemcached(server.address);
    const keyv = major.make(store, namespace);
    await keyv.set('short', 'soon gone', 200);
    await keyv.set('longer', 'stays a while', 60_000);
    await keyv.set('forever', 'no ttl');
    const ttlOf = async (key: string) =>
      (await admin.metaGet(await wireKey(namespace, major.storeKey(namespace, key)), { ttl: true }))?.ttl;
    // 200 ms is 2 s for memcached (1 rounded up, plus the second its clock may be into), never
    // 0, which would mean "never expires".
    expect(await ttlOf('short')).toBeGreaterThanOrEqual(1);
    expect(await ttlOf('short')).toBeLessThanOrEqual(2);
    expect(await ttlOf('longer')).toBeGreaterThan(55);
    expect(await ttlOf('longer')).toBeLessThanOrEqual(61);
    expect(await ttlOf('forever')).toBe(-1);

    // 1500 ms is 3 s for memcached: gone 2 to 3 s after the write; wait a full second more.
    await keyv.set('two-seconds', 'gone later', 1500);
    await new Promise((resolve) => setTimeout(resolve, 4100));
    // The adapter's own read, under Keyv's expiry check: memcached dropped the items.
    expect(await store.get(major.storeKey(namespace, 'two-seconds'))).toBeUndefined();
    expect(await store.get(major.storeKey(namespace, 'short'))).toBeUndefined();
    expect(await keyv.get('two-seconds')).toBeUndefined();
    expect(await keyv.get('longer')).toBe('stays a while');
    await keyv.disconnect();
  });

  it('stores an entry with a TTL of years for those years, and an absurd one until 2038', async () => {
    const namespace = uniqueNamespace();
    const keyv = major.make(new KeyvMemcached(server.address), namespace);
    const errors: unknown[] = [];
    keyv.on('error', (error) => errors.push(error));
    expect(await keyv.set('long', 'kept', 400 * 86_400_000)).toBe(true);
    expect(errors).toEqual([]);
    expect(await keyv.get('long')).toBe('kept');
    const ttl = (
      await admin.metaGet(await wireKey(namespace, major.storeKey(namespace, 'long')), { ttl: true })
    )?.ttl;
    expect(ttl).toBeGreaterThan(400 * 86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(400 * 86_400 + 5);
    expect(await keyv.set('absurd', 'kept', Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(errors).toEqual([]);
    expect(await keyv.get('absurd')).toBe('kept');
    const absurd = (
      await admin.metaGet(await wireKey(namespace, major.storeKey(namespace, 'absurd')), { ttl: true })
    )?.ttl;
    expect(absurd).toBeGreaterThan(longestTtl() - 86_400);
    expect(absurd).toBeLessThanOrEqual(longestTtl() + 5);
    await keyv.disconnect();
  });

  it('reports a server that is down through the error event, without hanging', async () => {
    const { address } = await closedPort();
    const keyv = major.make(new KeyvMemcached(address, { connectTimeout: 500 }), uniqueNamespace());
    const errors: unknown[] = [];
    keyv.on('error', (error) => errors.push(error));
    const started = Date.now();
    expect(await keyv.get('key')).toBeUndefined();
    expect(await keyv.set('key', 'value')).toBe(false);
    expect(await keyv.has('key')).toBe(false);
    expect(await keyv.getMany(['a', 'b'])).toEqual([undefined, undefined]);
    await keyv.clear();
    expect(Date.now() - started).toBeLessThan(5000);
    // The two failures that mark the server dead, then every write; reads of a dead server's
    // keys are misses (HashClient's rule), so has() and getMany() report nothing.
    expect(errors.length).toBeGreaterThanOrEqual(3);
    for (const error of errors) expect(error).toBeInstanceOf(MemcacheConnectionError);
    await keyv.disconnect();
  });

  it('reports a frozen server as a timeout within the deadline', async () => {
    const frozen = await startMemcached();
    try {
      const keyv = major.make(new KeyvMemcached(frozen.address, { timeout: 300 }), uniqueNamespace());
      const errors: unknown[] = [];
      keyv.on('error', (error) => errors.push(error));
      await keyv.set('key', 'value');
      frozen.pause();
      await new Promise((resolve) => setTimeout(resolve, 100)); // SIGSTOP lands asynchronously
      const started = Date.now();
      expect(await keyv.get('key')).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(3000);
      expect(errors.at(-1)).toBeInstanceOf(MemcacheTimeoutError);
      frozen.resume();
      await keyv.disconnect();
    } finally {
      await frozen.stop();
    }
  });
});

describe('KeyvMemcached', () => {
  it('takes a Client, a HashClient or server addresses', async () => {
    const cluster = await startCluster(2);
    try {
      const hashClient = new HashClient(cluster.map((node) => node.address));
      const client = new Client(server.address);
      const stores = [
        new KeyvMemcached(client),
        new KeyvMemcached(hashClient),
        new KeyvMemcached(server.address),
        new KeyvMemcached(cluster.map((node) => node.address)),
      ];
      for (const [index, store] of stores.entries()) {
        const keyv = new Keyv6({ store, namespace: `clients-${index}` });
        const keys = Array.from({ length: 10 }, (_, item) => `k${item}`);
        await keyv.setMany(keys.map((key) => ({ key, value: `${key}@${index}` })));
        expect(await keyv.getMany(keys)).toEqual(keys.map((key) => `${key}@${index}`));
        await keyv.disconnect();
      }
      // disconnect() leaves a client you passed in open.
      expect(await client.get('never-set')).toBeUndefined();
      await client.close();
      await hashClient.close();
    } finally {
      await Promise.all(cluster.map((node) => node.stop()));
    }
  });

  it("follows each Keyv's rule when the Keyv instance has no error listener", async () => {
    const { address } = await closedPort();
    // Keyv 5 drops errors nobody listens to; Keyv 6 rejects the call, as Node's emitters throw.
    const keyv5 = new Keyv5({ store: new KeyvMemcached(address, { connectTimeout: 500 }), namespace: 'x' });
    expect(await keyv5.get('key')).toBeUndefined();
    const keyv6 = new Keyv6({ store: new KeyvMemcached(address, { connectTimeout: 500 }), namespace: 'x' });
    await expect(keyv6.get('key')).rejects.toBeInstanceOf(MemcacheConnectionError);
    await keyv5.disconnect();
    await keyv6.disconnect();
  });

  it('rejects instead of emitting with throwOnErrors, or when nobody listens', async () => {
    const { address } = await closedPort();
    const quiet = new KeyvMemcached(address, { connectTimeout: 500 });
    await expect(quiet.get('key')).rejects.toBeInstanceOf(MemcacheConnectionError);
    const strict = new KeyvMemcached(address, { connectTimeout: 500, throwOnErrors: true });
    const errors: unknown[] = [];
    strict.on('error', (error) => errors.push(error));
    await expect(strict.set('key', 'value')).rejects.toBeInstanceOf(MemcacheConnectionError);
    expect(errors).toEqual([]);
    await quiet.disconnect();
    await strict.disconnect();
  });

  it("has Keyv 5's adapter fields: opts, which Keyv's own test suite writes to", async () => {
    const store = new KeyvMemcached(server.address, { namespace: 'opts', timeout: 1000 });
    expect(store.opts).toMatchObject({ namespace: 'opts', timeout: 1000 });
    // @keyv/test-suite's serializer test: `store().opts.deserialize = ...`, then a round trip.
    store.opts.deserialize = JSON.parse;
    const keyv = new Keyv5({ store, serialize: JSON.stringify, deserialize: JSON.parse });
    await keyv.set('big', { n: '12345678901234567890' });
    expect(await keyv.get('big')).toEqual({ n: '12345678901234567890' });
    await keyv.disconnect();
  });

  it('describes itself to Keyv 6 as a relative-TTL adapter, so Keyv bridges it', () => {
    const store = new KeyvMemcached(server.address);
    expect(store.capabilities.expires).toBe(false);
    expect(store.capabilities.methods.getMany).toEqual({ exists: true, methodType: 'async' });
    const keyv = new Keyv6({ store, namespace: 'bridged' });
    expect(keyv.store).not.toBe(store);
    expect(store.namespace).toBe('bridged');
  });

  it("stores Keyv 6's raw entries through the client's serde when Keyv's serialization is off", async () => {
    const keyv = new Keyv6({
      store: new KeyvMemcached(server.address),
      namespace: 'raw',
      serialization: false,
    });
    expect(await keyv.set('entry', { text: 'Zoë 🎉', list: [1, 2] }, 60_000)).toBe(true);
    expect(await keyv.get('entry')).toEqual({ text: 'Zoë 🎉', list: [1, 2] });
    expect(await keyv.getMany(['entry', 'absent'])).toEqual([{ text: 'Zoë 🎉', list: [1, 2] }, undefined]);
    await keyv.disconnect();
  });

  it('looks a new namespace up once for a burst of first writes', async () => {
    const keyv = new Keyv6({ store: new KeyvMemcached(proxy.address), namespace: uniqueNamespace() });
    proxy.reset();
    const keys = Array.from({ length: 20 }, (_, index) => `burst-${index}`);
    expect(await Promise.all(keys.map((key) => keyv.set(key, key)))).toEqual(keys.map(() => true));
    expect(proxy.sent.match(/^add /gm)).toHaveLength(1);
    expect(await keyv.getMany(keys)).toEqual(keys);
    await keyv.disconnect();
  });

  it('starts a namespace once even when two processes write at the same moment', async () => {
    const namespace = uniqueNamespace();
    const first = new Keyv6({ store: new KeyvMemcached(server.address), namespace });
    const second = new Keyv6({ store: new KeyvMemcached(server.address), namespace });
    await Promise.all([first.set('a', 1), second.set('b', 2)]);
    expect(await first.getMany(['a', 'b'])).toEqual([1, 2]);
    expect(await second.getMany(['a', 'b'])).toEqual([1, 2]);
  });
});
