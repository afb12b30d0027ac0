import { Client, MemcacheIllegalInputError } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheClock } from './cache-clock.js';
import type { CacheHandlerOptions } from './cache-handler-options.js';
import { HandlerStore } from './handler-store.js';

let server: MemcachedServer;
let probe: Client;
const stores: HandlerStore[] = [];

beforeAll(async () => {
  server = await startMemcached();
  probe = new Client(server.address);
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await probe?.close();
  await server?.stop();
});

function store(keyPrefix: string, options: CacheHandlerOptions = {}) {
  const made = new HandlerStore({ servers: [server.address], keyPrefix, ...options });
  stores.push(made);
  return made;
}

const ttlOf = async (key: string) => (await probe.metaGet(key, { ttl: true }))?.ttl;
const asEntry = (record: unknown) => record as { tags: string[] };

describe('HandlerStore', () => {
  it('writes with a TTL of the expire, rounded up, capped by ttl, none for Next’s forever', async () => {
    const plain = store('hs-a:');
    await plain.write('hs-a:entry:fraction', 'fraction', { tags: [] }, 1.2);
    await plain.write('hs-a:entry:forever', 'forever', { tags: [] }, 0xfffffffe);
    await plain.write('hs-a:entry:none', 'none', { tags: [] }, undefined);
    expect(await ttlOf('hs-a:entry:fraction')).toBe(2);
    expect(await ttlOf('hs-a:entry:forever')).toBe(-1);
    expect(await ttlOf('hs-a:entry:none')).toBe(-1);
    const capped = store('hs-b:', { ttl: 30 });
    await capped.write('hs-b:entry:long', 'long', { tags: [] }, 3600);
    await capped.write('hs-b:entry:none', 'none', { tags: [] }, undefined);
    expect(await ttlOf('hs-b:entry:long')).toBeLessThanOrEqual(30);
    expect(await ttlOf('hs-b:entry:none')).toBeLessThanOrEqual(30);
  });

  it('reads an entry with the tags known up front and then its own, and judges it by all', async () => {
    const writer = store('hs-c:');
    const reader = store('hs-c:');
    const written = cacheClock();
    await writer.write('hs-c:entry:page', 'page', { tags: ['own', 'shared'] }, 60);
    await writer.revalidate(['soft'], { expire: 3600 }, 'test');
    const gets = async () => Number((await probe.stats()).cmd_get);
    const before = await gets();
    const read = await reader.readEntry('hs-c:entry:page', ['soft', 'shared'], asEntry, 'an entry');
    expect(read?.entry.tags).toStrictEqual(['own', 'shared']);
    // The entry, soft and shared in the first round trip; only own in the second: a tag asked
    // for once is not asked for again, whether it had a record or not.
    expect((await gets()) - before).toBe(4);
    const found = read?.found ?? new Map();
    expect(reader.verdict(['own', 'shared'], found, written, cacheClock())).toBe('fresh');
    expect(reader.verdict(['own', 'soft', 'soft'], found, written, cacheClock())).toBe('stale');
    await writer.revalidate(['own', 'own'], undefined, 'test');
    const again = await reader.readEntry('hs-c:entry:page', [], asEntry, 'an entry');
    expect(reader.verdict(['own'], again?.found ?? new Map(), written, cacheClock())).toBe('expired');
    expect(await reader.readEntry('hs-c:entry:absent', ['soft'], asEntry, 'an entry')).toBeUndefined();
  });

  it('names MEMCACHED_SERVERS when it has no servers, on first use only', () => {
    const saved = process.env.MEMCACHED_SERVERS;
    delete process.env.MEMCACHED_SERVERS;
    try {
      const unconfigured = new HandlerStore({});
      expect(() => unconfigured.client()).toThrow(MemcacheIllegalInputError);
      expect(() => unconfigured.client()).toThrow(/MEMCACHED_SERVERS/);
    } finally {
      if (saved !== undefined) process.env.MEMCACHED_SERVERS = saved;
    }
  });
});
