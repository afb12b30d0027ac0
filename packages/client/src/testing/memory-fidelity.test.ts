import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '../client.js';
import { sideBySide } from '../test-support/side-by-side.js';
import { MemoryClient } from './memory-client.js';
import { MemoryStore } from './memory-store.js';

// MemoryClient against a real memcached 1.6.18, side by side: what a test that uses it as a
// stand-in reads must be what the server would say.

let server: MemcachedServer;
beforeAll(async () => {
  server = await startMemcached();
});
afterAll(async () => {
  await server?.stop();
});

const both = <T>(run: (client: Client) => Promise<T>) => sideBySide(server.address, run);

/** A store on memcached's clock: `at` is the server's `time` stat, set before each step. */
class ServerClockStore extends MemoryStore {
  at = 0;
  override now(): number {
    return this.at;
  }
}

// memcached's do_item_bump marks an item fetched on its first read and moves its last access
// only on a later one; a refused `add` only refreshes it (do_item_update), never fetched.
it('a refused add does not make the item count as fetched (mg h)', async () => {
  const { real, memory } = await both(async (client) => {
    await client.set('bump:add', 'a');
    await client.add('bump:add', 'b');
    return (await client.metaGet('bump:add', { hit: true }))?.hit;
  });
  expect(real).toBe(false);
  expect(memory).toBe(real);
});

// Whole seconds of memcached's clock and of Date.now() differ by up to one, and more on a slow
// machine; so here MemoryClient runs on memcached's clock, read in the same pipeline as each
// command, and both count the same seconds.
it('the first read of an item does not move its last access (mg l)', async () => {
  const real = new Client(server.address);
  const store = new ServerClockStore();
  const memory = new MemoryClient({ store }) as unknown as Client;
  const step = async <T>(run: (client: Client) => Promise<T>): Promise<{ real: T; memory: T }> => {
    const [stats, answer] = await Promise.all([real.stats(), run(real)]);
    store.at = Number(stats.time) * 1000;
    return { real: answer, memory: await run(memory) };
  };
  try {
    await step((client) => client.set('bump:la', 'a'));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await step((client) => client.metaGet('bump:la', { hit: true }));
    const { real: seconds, memory: modelled } = await step(
      async (client) => (await client.metaGet('bump:la', { lastAccess: true }))?.lastAccess,
    );
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect(modelled).toBe(seconds);
  } finally {
    await real.close();
    await memory.close();
  }
}, 10000);

// The general stats, all of them, so code that reads `evictions` or `total_connections` gets a
// number from MemoryClient too.
it('MemoryClient.stats() has every general stat memcached prints', async () => {
  const { real, memory } = await both((client) => client.stats());
  const names = Object.keys(real).filter((name) => name !== 'libevent');
  expect(names.filter((name) => typeof memory[name] !== typeof real[name])).toEqual([]);
  for (const name of ['evictions', 'total_connections', 'bytes_read', 'cmd_meta', 'rusage_user'])
    expect(typeof memory[name]).toBe('number');
});

// memcached (cas on, its default) sets `oldest_live = realtime(delay) - 1`: `flush_all N`
// hides items after N - 1 seconds of its clock.
it('flushAll(2) hides items after the same time as memcached', async () => {
  const { real, memory } = await both(async (client) => {
    await client.set('flush:a', 'x');
    await client.flushAll(2);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return client.get('flush:a');
  });
  expect(real).toBeUndefined();
  expect(memory).toBe(real);
}, 10000);
