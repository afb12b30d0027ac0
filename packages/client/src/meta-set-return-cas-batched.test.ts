import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client } from './index.js';

let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address);
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

beforeEach(async () => {
  await client.flushAll();
});

// memcached 1.6.18: `ms k 1 c q O1` answers nothing at all when it stores (q hides `HD c<cas>`),
// so a metaSet that asks for its cas must not travel quiet.
describe('metaSet returnCas among concurrent requests', () => {
  it('every concurrent metaSet with returnCas gets the cas it stored under', async () => {
    const lone = await client.metaSet('lone', 'x', { returnCas: true });
    expect(typeof lone.cas).toBe('bigint');

    const [first, second] = await Promise.all([
      client.metaSet('a', 'x', { returnCas: true }),
      client.metaSet('b', 'y', { returnCas: true }),
    ]);
    expect(first.status).toBe('stored');
    expect(second.status).toBe('stored');
    expect(first.cas).toBe((await client.gets('a'))!.cas);
    expect(second.cas).toBe((await client.gets('b'))!.cas);
  });
});
