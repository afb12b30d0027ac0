import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './index.js';

let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address, { timeout: 2000 });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

// The contract: "`stats(...args)` | plain object, one property per `STAT` line". The names of
// `stats detail dump` lines are key prefixes chosen by applications: memcached 1.6.18 answers
// `PREFIX __proto__ get 1 hit 0 set 0 del 0` after a read of `__proto__:1`. That line must become a
// property like any other, not vanish (nor touch the object's prototype).
describe('stats lines named like Object.prototype members', () => {
  it('a `__proto__` prefix in stats detail dump is kept as a property', async () => {
    await client.stats('detail', 'on');
    await client.get('__proto__:1');
    await client.get('constructor:1');
    await client.get('user:1');
    const dump = await client.stats('detail', 'dump');
    await client.stats('detail', 'off');
    expect(Object.keys(dump).sort()).toEqual(['__proto__', 'constructor', 'user']);
    expect(Object.getOwnPropertyDescriptor(dump, '__proto__')?.value).toBe('get 1 hit 0 set 0 del 0');
  });
});
