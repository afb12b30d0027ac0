import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './index.js';

let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address, { keyPrefix: 'stale-ph:' });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('getOrSet when the key is invalidated while its first load runs', () => {
  it('never hands a caller the empty loading placeholder as if it were the value', async () => {
    const loader = (value: string) => async () => {
      await sleep(300);
      return value;
    };
    // A wins the miss: memcached now holds the empty placeholder that N (vivify) created.
    const first = client.getOrSet('user:1', loader('A'), { ttl: 30 });
    await sleep(50);
    // A write path invalidates the key (stale-while-revalidate style) while A still loads:
    // the placeholder becomes stale, and the next reader gets the win (X W).
    expect(await client.metaDelete('user:1', { invalidate: true })).toEqual({ status: 'deleted' });
    const second = client.getOrSet('user:1', loader('B'), { ttl: 30 });
    await sleep(20);
    // A third caller now sees the stale placeholder with Z (someone else is loading):
    // it must wait for a real value (or load one itself), not return the placeholder.
    const third = client.getOrSet('user:1', loader('C'), { ttl: 30 });
    const results = await Promise.all([first, second, third]);
    expect(results[0]).toBe('A');
    expect(results[1]).toBe('B');
    expect(typeof results[2]).toBe('string'); // today: Uint8Array(0), the placeholder's bytes
    expect(['A', 'B', 'C']).toContain(results[2]);
  });
});
