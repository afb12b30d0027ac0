import { Client } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { createCache } from 'cache-manager';
import { createCache as createCache6 } from 'cache-manager6';
import Keyv6 from 'keyv';
import Keyv5 from 'keyv5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyvMemcached } from './index.js';

type CacheStore = NonNullable<Parameters<typeof createCache>[0]>['stores'] extends Array<infer S> | undefined
  ? S
  : never;

// cache-manager 6 and 7 take Keyv instances; their types name their own Keyv 5, so a Keyv 6
// is cast, and cache-manager 6's `createCache` is given the same shape as 7's.
const majors = [
  {
    name: 'cache-manager 7 over Keyv 5',
    createCache,
    make: (store: KeyvMemcached, namespace: string) => new Keyv5({ store, namespace }),
    rawReads: true,
    miss: undefined,
  },
  {
    name: 'cache-manager 6 over Keyv 5',
    createCache: createCache6 as unknown as typeof createCache,
    make: (store: KeyvMemcached, namespace: string) => new Keyv5({ store, namespace }),
    rawReads: true,
    // cache-manager 6 answers a miss with null, over Keyv's own in-memory store too.
    miss: null,
  },
  {
    name: 'cache-manager 7 over Keyv 6',
    createCache,
    // cache-manager's ttl() and wrap() ask Keyv for `get(key, { raw: true })`, which Keyv 6
    // dropped (it returns the bare value), so with Keyv 6 only those two misbehave.
    rawReads: false,
    miss: undefined,
    make: (store: KeyvMemcached, namespace: string) =>
      new Keyv6({ store, namespace }) as unknown as CacheStore,
  },
] as const;

let server: MemcachedServer;
let admin: Client;

beforeAll(async () => {
  server = await startMemcached();
  admin = new Client(server.address);
});

afterAll(async () => {
  await admin.close();
  await server.stop();
});

describe.each(majors)('$name', (major) => {
  it('caches, expires, wraps and clears one namespace only', async () => {
    const flushesBefore = Number((await admin.stats()).cmd_flush);
    const namespace = `cm-${major.name.replaceAll(' ', '')}`;
    const cache = major.createCache({ stores: [major.make(new KeyvMemcached(server.address), namespace)] });
    const neighbour = major.createCache({
      stores: [major.make(new KeyvMemcached(server.address), `${namespace}-neighbour`)],
    });
    await admin.set('foreign', 'untouched');

    expect(await cache.set('user:1', { name: 'Ada' }, 60_000)).toEqual({ name: 'Ada' });
    expect(await cache.get('user:1')).toEqual({ name: 'Ada' });
    if (major.rawReads) expect(await cache.ttl('user:1')).toBeGreaterThan(Date.now() + 50_000);

    await cache.mset([
      { key: 'a', value: 1 },
      { key: 'b', value: 2, ttl: 1000 },
    ]);
    expect(await cache.mget(['a', 'b', 'c'])).toEqual([1, 2, major.miss]);

    if (major.rawReads) {
      let loads = 0;
      const load = async () => {
        loads++;
        return 'expensive';
      };
      expect(await cache.wrap('report', load, 60_000)).toBe('expensive');
      expect(await cache.wrap('report', load, 60_000)).toBe('expensive');
      expect(loads).toBe(1);
    }

    await neighbour.set('a', 'neighbour value');
    expect(await cache.del('user:1')).toBe(true);
    expect(await cache.get('user:1')).toBe(major.miss);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await cache.get('b')).toBe(major.miss);
    expect(await cache.get('a')).toBe(1);

    await cache.clear();
    expect(await cache.mget(['a', 'report'])).toEqual([major.miss, major.miss]);
    expect(await neighbour.get('a')).toBe('neighbour value');
    expect(await admin.get('foreign')).toBe('untouched');
    expect(Number((await admin.stats()).cmd_flush)).toBe(flushesBefore);
    await cache.disconnect();
    await neighbour.disconnect();
  });
});
