import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, MemcacheConnectionError, MemcacheDeserializeError, MemcacheServerError } from './index.js';

let server: MemcachedServer;
let client: Client;
let prefixed: Client;

beforeAll(async () => {
  server = await startMemcached({ args: ['-A'] });
  client = new Client(server.address);
  prefixed = new Client(server.address, { keyPrefix: 'app:' });
});

afterAll(async () => {
  await client?.close();
  await prefixed?.close();
  await server?.stop();
});

beforeEach(async () => {
  await client.flushAll();
});

describe('Client against a real memcached', () => {
  it('sets, gets and deletes strings, bytes and numbers', async () => {
    expect(await client.get('missing')).toBeUndefined();
    expect(await client.set('text', 'héllo wörld')).toBe(true);
    expect(await client.get('text')).toBe('héllo wörld');
    const bytes = Uint8Array.from([0, 1, 2, 13, 10, 255]);
    expect(await client.set('bytes', bytes)).toBe(true);
    expect(Buffer.from((await client.get('bytes')) as Uint8Array)).toEqual(Buffer.from(bytes));
    await client.set('number', 42);
    expect(await client.get('number')).toBe(42);
    await client.set('object', { a: [1, 2, { b: 'c' }] });
    expect(await client.get('object')).toEqual({ a: [1, 2, { b: 'c' }] });
    expect(await client.delete('text')).toBe(true);
    expect(await client.delete('text')).toBe(false);
    expect(await client.get('text')).toBeUndefined();
  });

  it('keeps values that contain protocol lines intact', async () => {
    const tricky = 'a\r\nEND\r\nVALUE other 0 1\r\nx\r\nEND\r\n';
    await client.set('tricky', tricky);
    await client.set('other', 'fine');
    expect(await client.get('tricky')).toBe(tricky);
    const many = await client.getMany(['tricky', 'other']);
    expect(many.get('tricky')).toBe(tricky);
    expect(many.get('other')).toBe('fine');
  });

  it('getMany returns hits by the caller key, strips the prefix, and leaves misses out', async () => {
    await prefixed.set('a', 'A');
    await prefixed.set('b', 'B');
    expect(await client.get('app:a')).toBe('A');
    const result = await prefixed.getMany(['a', 'b', 'c', 'a']);
    expect([...result.entries()].sort()).toEqual([
      ['a', 'A'],
      ['b', 'B'],
    ]);
    expect(await prefixed.getMany([])).toEqual(new Map());
  });

  it('getMany matches hits to UTF-8 and byte keys, duplicates included', async () => {
    const bytesKey = Uint8Array.from([0x62, 0x79, 0x74, 0xc3, 0xa9]); // 'byté' as bytes
    await client.set('clé', 'accent');
    await client.set(bytesKey, 'from bytes');
    await client.set('plain', 'ascii');
    const result = await client.getMany(['missing', 'clé', bytesKey, 'plain', 'clé']);
    expect(Object.fromEntries(result)).toEqual({ clé: 'accent', byté: 'from bytes', plain: 'ascii' });
  });

  it('keeps byte keys that are not UTF-8 apart in multi-key results', async () => {
    // Decoded leniently, both would be 'k\uFFFD' and one value would hide the other.
    const first = Uint8Array.from([0x6b, 0xff]);
    const second = Uint8Array.from([0x6b, 0xfe]);
    await client.set(first, 'first');
    await client.set(second, 'second');
    const found = await client.getMany([first, second]);
    expect(found.size).toBe(2);
    // The bytes that are not UTF-8 read as U+DC80 + byte (Python's surrogateescape).
    expect(found.get('k\udcff')).toBe('first');
    expect(found.get('k\udcfe')).toBe('second');
    expect((await client.getsMany([first, second])).size).toBe(2);
    expect(await client.deleteMany([first, second])).toBe(2);
    expect(await client.get(first)).toBeUndefined();
    expect(await client.get(second)).toBeUndefined();
  });

  it('getMany decodes text beside other values as get does, and refuses malformed UTF-8 by key', async () => {
    const values: Array<[string, string | number | { a: string }]> = [
      ['ascii', 'plain text'],
      ['accented', 'héllo ✓ 😀'],
      ['bom', '\uFEFFmarked'],
      ['empty', ''],
      ['number', 7],
      ['object', { a: 'b' }],
    ];
    for (const [key, value] of values) await client.set(key, value);
    await client.set('bytes', Uint8Array.from([0xff, 0x00, 0x41]));
    const names = [...values.map(([key]) => key), 'bytes'];
    const many = await client.getMany(names);
    for (const [key, value] of values) {
      expect(many.get(key)).toEqual(value);
      expect(many.get(key)).toEqual(await client.get(key));
    }
    expect(Buffer.from(many.get('bytes') as Uint8Array)).toEqual(Buffer.from([0xff, 0x00, 0x41]));
    // Flag 16 over bytes that are no UTF-8: an error naming the key, never U+FFFD.
    await client.set('broken', Uint8Array.from([0x61, 0xff, 0x62]), { flags: 16 });
    const error = await client.getMany(['ascii', 'broken']).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(MemcacheDeserializeError);
    expect((error as MemcacheDeserializeError).key).toBe('broken');
    expect((error as Error).message).toMatch(/not valid UTF-8/);
    const seen: string[] = [];
    const own = new Client<string>(server.address, {
      serde: {
        serialize: (_key, value) => ({ value: Buffer.from(value), flags: 16 }),
        deserialize: (key, value) => {
          seen.push(key);
          return `own:${Buffer.from(value).toString('latin1')}`;
        },
      },
    });
    try {
      const read = await own.getMany(['ascii', 'broken']);
      expect(Object.fromEntries(read)).toEqual({ ascii: 'own:plain text', broken: 'own:a\xffb' });
      expect(seen).toEqual(['ascii', 'broken']);
    } finally {
      await own.close();
    }
  });

  it('getMany splits very long key lists and merges the results', async () => {
    const keys = Array.from({ length: 3_000 }, (_, index) => `long-list-key-with-some-length-${index}`);
    await client.setMany(keys.filter((_, index) => index % 3 === 0).map((key) => [key, key] as const));
    const result = await client.getMany(keys);
    expect(result.size).toBe(1_000);
    for (const [key, value] of result) expect(value).toBe(key);
  });

  it('gets and cas: stored, exists, not_found', async () => {
    await client.set('counter', 'v1');
    const first = await client.gets('counter');
    expect(first?.value).toBe('v1');
    expect(typeof first?.cas).toBe('bigint');
    expect(await client.cas('counter', 'v2', first!.cas)).toBe('stored');
    expect(await client.cas('counter', 'v3', first!.cas)).toBe('exists');
    expect(await client.get('counter')).toBe('v2');
    expect(await client.cas('nothing-here', 'v', 1n)).toBe('not_found');
    const many = await client.getsMany(['counter', 'missing']);
    expect(many.get('counter')?.value).toBe('v2');
    expect(many.has('missing')).toBe(false);
  });

  it('add, replace, append, prepend', async () => {
    expect(await client.replace('k', 'x')).toBe(false);
    expect(await client.add('k', 'x')).toBe(true);
    expect(await client.add('k', 'y')).toBe(false);
    expect(await client.replace('k', 'z')).toBe(true);
    expect(await client.append('k', '-end')).toBe(true);
    expect(await client.prepend('k', Buffer.from('start-'))).toBe(true);
    expect(await client.get('k')).toBe('start-z-end');
    expect(await client.append('absent', 'x')).toBe(false);
  });

  it('incr and decr as bigint, wrapping at 2^64 and stopping at 0', async () => {
    expect(await client.incr('n')).toBeUndefined();
    await client.set('n', '10');
    expect(await client.incr('n', 5)).toBe(15n);
    expect(await client.decr('n', 6)).toBe(9n);
    expect(await client.get('n')).toBe('9 ');
    expect(await client.decr('n', 100n)).toBe(0n);
    await client.set('big', '18446744073709551615');
    expect(await client.incr('big')).toBe(0n);
    expect(await client.incr('big', 2n ** 64n - 1n)).toBe(2n ** 64n - 1n);
  });

  it('touch, gat and gats reset the TTL', async () => {
    expect(await client.touch('absent', 10)).toBe(false);
    await client.set('t', 'v', { ttl: 100 });
    expect(await client.touch('t', 1000)).toBe(true);
    expect(await client.gat('t', 2000)).toBe('v');
    const withCas = await client.gats('t', 3000);
    expect(withCas?.value).toBe('v');
    expect(await client.gat('absent', 10)).toBeUndefined();
  });

  it('a negative TTL expires at once, and TTLs above 30 days still store', async () => {
    expect(await client.set('gone', 'v', { ttl: -1 })).toBe(true);
    expect(await client.get('gone')).toBeUndefined();
    expect(await client.set('long', 'v', { ttl: 60 * 60 * 24 * 365 })).toBe(true);
    expect(await client.get('long')).toBe('v');
  });

  it('OR-s caller flags into the serde flags', async () => {
    await client.set('flagged', 'text', { flags: 0x100 });
    const raw = new Client(server.address, {
      serde: {
        serialize: () => ({ value: new Uint8Array(), flags: 0 }),
        deserialize: (_key, _value, flags) => flags,
      },
    });
    expect(await raw.get('flagged')).toBe(0x110);
    await raw.close();
  });

  it('stores a string as its UTF-8 under flag 16 through every write, and a serde of its own still serializes it', async () => {
    const raw = new Client(server.address, {
      serde: {
        serialize: (_key, value) => ({ value: Buffer.from(`own:${String(value)}`), flags: 3 }),
        deserialize: (_key, value, flags) => `${flags} ${Buffer.from(value).toString('utf8')}`,
      },
    });
    const text = 'héllo \ud83d\ude00 '.repeat(2000); // 44,000 bytes: past the write batch's long-text limit
    expect(await client.set('text:set', 'héllo')).toBe(true);
    expect(await client.add('text:add', text)).toBe(true);
    expect(await client.replace('text:set', 'wörld', { flags: 0x100 })).toBe(true);
    expect(await client.setMany({ 'text:many': '', 'text:other': 'ü' })).toEqual([]);
    const cas = (await client.gets('text:add'))!.cas;
    expect(await client.cas('text:add', `${text}!`, cas)).toBe('stored');
    expect(await raw.get('text:set')).toBe('272 wörld');
    expect(await raw.get('text:add')).toBe(`16 ${text}!`);
    expect(await raw.get('text:many')).toBe('16 ');
    expect(await raw.get('text:other')).toBe('16 ü');
    expect(await raw.set('text:own', 'v')).toBe(true);
    expect(await raw.get('text:own')).toBe('3 own:v');
    await raw.close();
  });

  it('setMany reports the keys that were not stored; deleteMany counts deletions', async () => {
    expect(await client.setMany({ a: 1, b: 2 })).toEqual([]);
    expect(await client.setMany(new Map([['c', 3]]))).toEqual([]);
    expect(await client.setMany([['d', 4]])).toEqual([]);
    const big = 'x'.repeat(2 * 1024 * 1024);
    await expect(client.setMany({ e: 5, toobig: big })).rejects.toBeInstanceOf(MemcacheServerError);
    expect(await client.deleteMany(['a', 'b', 'zzz'])).toBe(2);
  });

  it('noreply writes resolve true once sent and still apply', async () => {
    expect(await client.set('quiet', 'v', { noreply: true })).toBe(true);
    expect(await client.add('quiet', 'again', { noreply: true })).toBe(true);
    expect(await client.get('quiet')).toBe('v');
    expect(await client.delete('quiet', { noreply: true })).toBe(true);
    expect(await client.get('quiet')).toBeUndefined();
    const quietClient = new Client(server.address, { defaultNoreply: true });
    expect(await quietClient.add('dn', 'v')).toBe(true);
    expect(await quietClient.add('dn', 'w')).toBe(true);
    expect(await quietClient.get('dn')).toBe('v');
    await quietClient.close();
  });

  it('stores 1 MB values, and a too-large value is a server error that keeps the connection', async () => {
    const settings = await client.stats('settings');
    expect(typeof settings.item_size_max).toBe('number');
    const big = Buffer.alloc(1_000_000, 7);
    expect(await client.set('big', big)).toBe(true);
    expect(Buffer.from((await client.get('big')) as Uint8Array).equals(big)).toBe(true);
    await client.set('victim', 'old');
    const tooBig = Buffer.alloc((settings.item_size_max as number) + 1);
    await expect(client.set('victim', tooBig)).rejects.toBeInstanceOf(MemcacheServerError);
    // The server deletes the old item on a failed set and the stream stays in sync.
    expect(await client.get('victim')).toBeUndefined();
    expect(await client.get('big')).toBeDefined();
  });

  it('stats parses numbers and takes arguments', async () => {
    const stats = await client.stats();
    expect(typeof stats.pid).toBe('number');
    expect(stats.version).toBe(await client.version());
    expect(typeof stats.rusage_user).toBe('number');
    await client.set('for-items', 'v');
    const items = await client.stats('items');
    expect(Object.keys(items).some((name) => name.startsWith('items:'))).toBe(true);
    const slabs = await client.stats('slabs');
    expect(typeof slabs.active_slabs).toBe('number');
  });

  it('version, verbosity, cacheMemlimit and flushAll with a delay', async () => {
    expect(await client.version()).toMatch(/^\d+\.\d+\.\d+/);
    await client.verbosity(0);
    await client.cacheMemlimit(64);
    await client.set('later', 'v');
    await client.flushAll(0);
    expect(await client.get('later')).toBeUndefined();
  });

  it('answers 10,000 concurrent mixed commands, each with its own reply', async () => {
    const operations: Promise<void>[] = [];
    const keyOf = (index: number) => `mixed:${index % 500}:${index}`;
    for (let index = 0; index < 10_000; index++) {
      switch (index % 4) {
        case 0:
          operations.push(
            client.set(keyOf(index), `value-${index}`).then((stored) => void expect(stored).toBe(true)),
          );
          break;
        case 1:
          operations.push(
            client.get(keyOf(index - 1)).then((value) => void expect(value).toBe(`value-${index - 1}`)),
          );
          break;
        case 2:
          operations.push(client.incr(`absent:${index}`).then((value) => void expect(value).toBeUndefined()));
          break;
        default:
          operations.push(
            client
              .getMany([keyOf(index - 3), `nothing:${index}`])
              .then((values) => void expect([...values]).toEqual([[keyOf(index - 3), `value-${index - 3}`]])),
          );
      }
    }
    await Promise.all(operations);
  });

  it('spreads commands over several sockets with connections: n', async () => {
    const pooled = new Client(server.address, { connections: 3 });
    const values = await Promise.all(
      Array.from({ length: 300 }, (_, index) => pooled.set(`p${index}`, index)),
    );
    expect(values.every(Boolean)).toBe(true);
    expect(await pooled.get('p299')).toBe(299);
    const before = (await client.stats()).curr_connections as number;
    expect(before).toBeGreaterThanOrEqual(4);
    await pooled.close();
  });

  it('quit, connected or not yet, refuses what is called after it and sends none of it', async () => {
    for (const connectFirst of [true, false]) {
      const quitting = new Client(server.address, { connections: 2 });
      if (connectFirst) await quitting.version();
      const key = `after-quit-${String(connectFirst)}`;
      const [before, quit, after, write] = await Promise.allSettled([
        quitting.set(`before-${key}`, 'v'),
        quitting.quit(),
        quitting.get(`before-${key}`),
        quitting.set(key, 'x'),
      ]);
      expect(before).toEqual({ status: 'fulfilled', value: true });
      expect(quit.status).toBe('fulfilled');
      expect(after.status === 'rejected' && after.reason).toBeInstanceOf(MemcacheConnectionError);
      expect(write.status === 'rejected' && write.reason).toBeInstanceOf(MemcacheConnectionError);
      expect(await client.get(key)).toBeUndefined();
      expect(await client.get(`before-${key}`)).toBe('v');
    }
  });

  it('quit closes after earlier replies arrive; shutdown stops a server started with -A', async () => {
    const quitting = new Client(server.address);
    const pending = quitting.set('before-quit', 'v');
    await quitting.quit();
    expect(await pending).toBe(true);
    expect(await client.get('before-quit')).toBe('v');

    const doomed = await startMemcached({ args: ['-A'] });
    const killer = new Client(doomed.address);
    await killer.version();
    await killer.shutdown();
    await new Promise<void>((resolve) => doomed.process.once('exit', () => resolve()));
    expect(doomed.process.exitCode !== null || doomed.process.signalCode !== null).toBe(true);
    await killer.close();
  });
});
