// Keyv 6's `checkExpired: false` means "trust the storage adapter to handle expiry on its own"
// (Keyv then reads the adapter's get/getMany as they come and asks the adapter's has/hasMany).
// The adapter stores memcached TTLs rounded up plus one second, and its README says the extra
// second "is never served" because "Keyv checks its own expires on every read, and so does the
// adapter's has". With checkExpired off nobody checks on get: has() says the entry is gone
// while get() still returns it, for up to two seconds past its TTL.
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import Keyv6 from 'keyv';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KeyvMemcached } from './index.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('Keyv 6 with checkExpired: false: get()/getMany() agree with has()/hasMany() once an entry has expired', async () => {
  const keyv = new Keyv6({
    store: new KeyvMemcached(server.address),
    namespace: `expired-${Date.now()}`,
    checkExpired: false,
  });
  await keyv.set('k', 'v', 1001);
  await sleep(1100);
  const has = await keyv.has('k');
  const hasMany = await keyv.hasMany(['k']);
  const get = await keyv.get('k');
  const getMany = await keyv.getMany(['k']);
  await keyv.disconnect();
  expect(has).toBe(false); // the adapter's has() knows the entry expired
  expect({ has, hasMany, get, getMany }).toEqual({
    has: false,
    hasMany: [false],
    get: undefined,
    getMany: [undefined],
  });
});
