import {
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheServerError,
  MemcacheUnknownCommandError,
} from '@mc/protocol';
import { jsonSerde } from '@mc/serde';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryClient } from './memory-client.js';
import { MemoryStore } from './memory-store.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('MemoryClient', () => {
  it('expires items on the test clock, so fake timers skip the waiting', async () => {
    vi.useFakeTimers();
    const client = new MemoryClient();
    await client.set('short', 'x', { ttl: 5 });
    await client.set('long', 'x', { ttl: 60 * 60 * 24 * 60 });
    vi.advanceTimersByTime(4_999);
    expect(await client.get('short')).toBe('x');
    vi.advanceTimersByTime(1);
    expect(await client.get('short')).toBeUndefined();
    vi.advanceTimersByTime(59 * 24 * 3600 * 1000);
    expect(await client.get('long')).toBe('x');
    vi.advanceTimersByTime(24 * 3600 * 1000);
    expect(await client.get('long')).toBeUndefined();
  });

  it('flushAll with a delay drops what was written before the moment, not after', async () => {
    vi.useFakeTimers();
    const client = new MemoryClient();
    await client.set('old', 1);
    await client.flushAll(10);
    expect(await client.get('old')).toBe(1);
    vi.advanceTimersByTime(10_000);
    await client.set('new', 2);
    expect(await client.get('old')).toBeUndefined();
    expect(await client.get('new')).toBe(2);
  });

  it('keeps a store per client unless one is shared', async () => {
    const first = new MemoryClient();
    const second = new MemoryClient();
    await first.set('k', 'first');
    expect(await second.get('k')).toBeUndefined();

    const store = new MemoryStore();
    const users = new MemoryClient({ store, keyPrefix: 'users:' });
    const orders = new MemoryClient({ store, keyPrefix: 'orders:' });
    await users.set('1', 'ada');
    await orders.set('1', 'book');
    expect(await users.get('1')).toBe('ada');
    expect(await orders.get('1')).toBe('book');
    expect(store.size).toBe(2);
    store.clear();
    expect(store.size).toBe(0);
    expect(await users.get('1')).toBeUndefined();
  });

  it('uses the serde it is given, on writes and reads', async () => {
    const client = new MemoryClient({ serde: jsonSerde });
    await client.set('json', { when: 'now' });
    expect(await client.get('json')).toEqual({ when: 'now' });
    const raw = new MemoryClient({ store: client.store });
    // jsonSerde stores text under its own flag; the default serde reads that flag back too.
    expect(await raw.get('json')).toEqual({ when: 'now' });
  });

  it('hands out copies: changing a value read does not change the store', async () => {
    const client = new MemoryClient();
    await client.set('bytes', Uint8Array.from([1, 2, 3]));
    const read = (await client.get('bytes')) as Uint8Array;
    read[0] = 9;
    expect([...((await client.get('bytes')) as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it('takes an item size limit, and refuses values beyond it as memcached does', async () => {
    const client = new MemoryClient({ store: new MemoryStore({ itemSizeMax: 2048 }) });
    expect(await client.set('fits', 'x'.repeat(1900))).toBe(true);
    await expect(client.set('fits', 'x'.repeat(2048))).rejects.toBeInstanceOf(MemcacheServerError);
    expect(await client.get('fits')).toBeUndefined();
    expect((await client.stats('settings')).item_size_max).toBe(2048);
    expect(() => new MemoryStore({ itemSizeMax: 10 })).toThrow(RangeError);
  });

  it('counts hits and misses in stats, under memcached’s names', async () => {
    const client = new MemoryClient();
    await client.set('a', 1);
    await client.get('a');
    await client.get('b');
    const stats = await client.stats();
    expect(stats).toMatchObject({
      get_hits: 1,
      get_misses: 1,
      cmd_set: 1,
      curr_items: 1,
      version: '1.6.18-memory',
    });
    expect(await client.version()).toBe('1.6.18-memory');
    expect(client.server).toBe('memory');
    await expect(client.stats('nonsense')).rejects.toBeInstanceOf(MemcacheUnknownCommandError);
  });

  it('accepts the admin commands a Client has, with the same checks', async () => {
    const client = new MemoryClient();
    await client.verbosity(1);
    await client.cacheMemlimit(64);
    await expect(client.verbosity(-1)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.shutdown('yes' as never)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    // Like a memcached started without -A, it refuses shutdown unless the store allows it.
    await expect(client.shutdown()).rejects.toBeInstanceOf(MemcacheUnknownCommandError);
    expect(await client.get('a')).toBeUndefined();
    const stoppable = new MemoryClient({ store: new MemoryStore({ shutdownCommand: true }) });
    expect((await stoppable.stats('settings')).shutdown_command).toBe('yes');
    await stoppable.shutdown();
    await expect(stoppable.get('a')).rejects.toBeInstanceOf(MemcacheConnectionError);
    const quitting = new MemoryClient();
    await quitting.quit();
    await expect(quitting.set('a', 1)).rejects.toBeInstanceOf(MemcacheConnectionError);
  });

  it('refuses a store that is not a MemoryStore', () => {
    expect(() => new MemoryClient({ store: {} as never })).toThrow(MemcacheIllegalInputError);
  });

  it('serves concurrent calls in order', async () => {
    const client = new MemoryClient();
    const results = await Promise.all([
      client.set('n', 0),
      client.incr('n'),
      client.incr('n'),
      client.get('n'),
      client.delete('n'),
      client.get('n'),
    ]);
    expect(results).toEqual([true, 1n, 2n, 2, true, undefined]);
  });
});
