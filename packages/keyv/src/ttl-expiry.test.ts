// A Keyv TTL of 1000 ms becomes memcached ttl 1, and memcached's clock counts whole
// seconds, so the item dies at the server's next clock tick: anywhere from a few ms to 1 s
// after the write. The README promises "TTLs that mean what they say" and the code comment
// "rounding up so an entry never expires early"; here entries vanish after 300 ms of 1000.
import { Client } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import Keyv6 from 'keyv';
import Keyv5 from 'keyv5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyvMemcached } from './index.js';

let server: MemcachedServer;
let client: Client;
beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address);
});
afterAll(async () => {
  await client.close();
  await server.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['Keyv 5', (store: KeyvMemcached) => new Keyv5({ store, namespace: 'early5' })],
  ['Keyv 6', (store: KeyvMemcached) => new Keyv6({ store, namespace: 'early6' })],
] as const)('%s', (_name, make) => {
  it('keeps an entry written with ttl 1000 ms for at least 300 ms, whatever the phase of the server clock', async () => {
    // The two majors' overloads differ; both take set(key, value, ttl) and get(key).
    const keyv = make(new KeyvMemcached(client)) as unknown as {
      set(key: string, value: string, ttl: number): Promise<unknown>;
      get(key: string): Promise<unknown>;
    };
    // Ten writes spread over one second, so every phase of memcached's 1 s clock is covered.
    const survived = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        await sleep(index * 100);
        await keyv.set(`k${index}`, 'v', 1000);
        await sleep(300);
        return (await keyv.get(`k${index}`)) === 'v';
      }),
    );
    expect(survived).toEqual(Array.from({ length: 10 }, () => true));
  }, 10_000);
});

// Keyv 5 hands has()/hasMany() straight to the adapter, with no look at the entry's
// `expires`; memcached keeps the entry past it (whole seconds, rounded up plus one), so the
// adapter checks `expires` itself, or has() would say true while get() says undefined.
it('Keyv 5: has()/hasMany() agree with get() once an entry has expired', async () => {
  const keyv = new Keyv5({ store: new KeyvMemcached(client), namespace: 'has5' });
  await keyv.set('k', 'v', 1001);
  await sleep(1100);
  const has = await keyv.has('k');
  const hasMany = await keyv.hasMany(['k']);
  expect({ has, hasMany }).toEqual({ has: false, hasMany: [false] });
  expect(await keyv.get('k')).toBeUndefined(); // Keyv itself knows it expired
});
