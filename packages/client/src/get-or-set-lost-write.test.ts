import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client } from './index.js';

let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address, { keyPrefix: 'gos:' });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

beforeEach(async () => {
  await client.flushAll();
});

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

// The winner stores with `ms <key> C<cas> I`; memcached 1.6.18 stores an `I` write whose cas
// is older than the item's anyway (marked stale), so it replaces whatever a writer set in
// between. getOrSet promises the opposite: "if the key was invalidated while it loaded, the
// value lands marked stale (and is refreshed again) rather than overwriting newer data".
describe('getOrSet and a writer that sets the key while the loader runs', () => {
  it('the value the writer set is not overwritten by the older load', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pending = client.getOrSet(
      'profile',
      async () => {
        await gate;
        return 'read from the database before the update';
      },
      { ttl: 300 },
    );
    await sleep(30);
    expect(await client.set('profile', 'written after the update', { ttl: 300 })).toBe(true);
    release();
    await pending;
    expect(await client.get('profile')).toBe('written after the update');
  });

  it('the same holds for a refresh near expiry (recacheWithin)', async () => {
    await client.set('feed', 'old', { ttl: 5 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pending = client.getOrSet(
      'feed',
      async () => {
        await gate;
        return 'loaded before the update';
      },
      { ttl: 300, recacheWithin: 30 },
    );
    await sleep(30);
    expect(await client.set('feed', 'written after the update', { ttl: 300 })).toBe(true);
    release();
    expect(await pending).toBe('loaded before the update');
    expect(await client.get('feed')).toBe('written after the update');
  });
});
