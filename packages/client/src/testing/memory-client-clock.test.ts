import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Client } from '../client.js';
import { sideBySide } from '../test-support/side-by-side.js';
import { MemoryClient } from './memory-client.js';

// memcached's clock counts whole seconds, and MemoryClient counted milliseconds: an item set
// with ttl 1 late in a second lived a full second on MemoryClient and was gone at the next
// tick on memcached; flushAll(1) spared writes made later in the same second, which memcached
// flushes; `stats reset` answered RESET and reset nothing; and an immediate flush_all, which
// takes a cas value on memcached, did not, so cas values after it were one apart.
describe('MemoryClient keeps memcached clock and counters', () => {
  let server: MemcachedServer;
  beforeAll(async () => {
    server = await startMemcached();
  });
  afterAll(async () => {
    await server.stop();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires a ttl at the tick of the whole-second clock, as memcached does', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    const client = new MemoryClient();
    vi.setSystemTime(1_000_900); // late in the store's first second
    expect(await client.set('k', 'v', { ttl: 1 })).toBe(true);
    expect((await client.metaGet('k', { ttl: true }))?.ttl).toBe(1);
    vi.setSystemTime(1_001_100); // the clock ticked: exptime reached
    expect(await client.get('k')).toBeUndefined();

    expect(await client.set('long', 'v', { ttl: 2 })).toBe(true); // at 1.1 s: until 3 s
    vi.setSystemTime(1_002_950);
    expect(await client.get('long')).toBe('v');
    vi.setSystemTime(1_003_000);
    expect(await client.get('long')).toBeUndefined();
    await client.close();
  });

  it('flushAll(1) takes what is written in the rest of the second too', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 2_000_000 });
    const client = new MemoryClient();
    vi.setSystemTime(2_000_100);
    await client.set('before', 'v');
    await client.flushAll(1);
    await client.set('after', 'v');
    expect(await client.get('before')).toBeUndefined();
    expect(await client.get('after')).toBeUndefined();
    vi.setSystemTime(2_001_100); // the next second
    await client.set('later', 'v');
    expect(await client.get('later')).toBe('v');
    expect(await client.get('after')).toBeUndefined();
    await client.close();
  });

  it('stats reset zeroes the counters, and an immediate flush_all takes a cas value', async () => {
    const { real, memory } = await sideBySide(server.address, async (client, key) => {
      await client.set(key, 'v');
      await client.get(key);
      await client.stats('reset');
      await client.set(key, 'w');
      await client.get(key);
      const stats = await client.stats();
      const counters = [stats.cmd_set, stats.get_hits, stats.total_items];
      const first = (await client.gets(key))!.cas;
      await client.flushAll();
      await client.set(key, 'x');
      const second = (await client.gets(key))!.cas;
      return { counters, casStep: second - first };
    });
    expect(real).toEqual({ counters: [1, 1, 1], casStep: 2n });
    expect(memory).toEqual(real);
  });
});
