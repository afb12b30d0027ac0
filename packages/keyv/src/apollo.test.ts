// Apollo Server's cache (`KeyValueCache`) over memcached, the way Apollo's docs plug in any Keyv
// store: `new KeyvAdapter(new Keyv({ store }))`. Apollo's adapter is built on Keyv 5.
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import Keyv5 from 'keyv5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyvMemcached } from './index.js';
import { type CountingProxy, startCountingProxy } from './test-support/counting-proxy.js';

type ApolloKeyv = ConstructorParameters<typeof KeyvAdapter>[0];

let server: MemcachedServer;
let proxy: CountingProxy;

beforeAll(async () => {
  server = await startMemcached();
  proxy = await startCountingProxy(server);
});

afterAll(async () => {
  await proxy.close();
  await server.stop();
});

describe("Apollo's KeyvAdapter", () => {
  it('stores, batches the reads of one tick into one memcached get, expires in seconds and deletes', async () => {
    const store = new KeyvMemcached(proxy.address);
    const keyv = new Keyv5({ store, namespace: 'apollo' }) as unknown as ApolloKeyv;
    const cache = new KeyvAdapter(keyv);

    await cache.set('fqc:query-1', '{"data":{"a":1}}', { ttl: 1 });
    await cache.set('fqc:query-2', '{"data":{"b":2}}');

    proxy.reset();
    // Apollo's DataLoader turns the gets of one tick into a single Keyv getMany.
    const [one, two, missing] = await Promise.all([
      cache.get('fqc:query-1'),
      cache.get('fqc:query-2'),
      cache.get('fqc:absent'),
    ]);
    expect([one, two, missing]).toEqual(['{"data":{"a":1}}', '{"data":{"b":2}}', undefined]);
    const reads = proxy.sent
      .split('\r\n')
      .filter((line) => line.startsWith('get ') || line.startsWith('gets '));
    // One line, one round trip: the three keys (and the namespace's version key, read with them).
    expect(reads).toHaveLength(1);
    const asked = reads[0]?.split(' ').slice(1) ?? [];
    for (const key of ['fqc:query-1', 'fqc:query-2', 'fqc:absent']) {
      expect(asked.filter((name) => name.endsWith(`:${key}`))).toHaveLength(1);
    }
    expect(proxy.roundTrips).toBe(1);

    // Apollo's ttl is in seconds.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await cache.get('fqc:query-1')).toBeUndefined();
    expect(await cache.get('fqc:query-2')).toBe('{"data":{"b":2}}');

    expect(await cache.delete('fqc:query-2')).toBe(true);
    expect(await cache.get('fqc:query-2')).toBeUndefined();
    await store.disconnect();
  });
});
