import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from './client.js';
import { MemoryClient } from './testing/memory-client.js';

// MemoryClient's bump() does not follow memcached 1.6.18's do_item_bump / do_item_update:
// a refused `add` marks the item fetched, and the first read moves the last-access time.

let server: MemcachedServer;
beforeAll(async () => {
  server = await startMemcached();
});
afterAll(async () => {
  await server?.stop();
});

async function both<T>(run: (client: Client) => Promise<T>): Promise<{ real: T; memory: T }> {
  const real = new Client(server.address);
  const memory = new MemoryClient() as unknown as Client;
  try {
    const [a, b] = await Promise.all([run(real), run(memory)]);
    return { real: a, memory: b };
  } finally {
    await real.close();
    await memory.close();
  }
}

it('a refused add does not make the item count as fetched (mg h)', async () => {
  const { real, memory } = await both(async (client) => {
    await client.set('bump:add', 'a');
    await client.add('bump:add', 'b');
    return (await client.metaGet('bump:add', { hit: true }))?.hit;
  });
  expect(real).toBe(false);
  expect(memory).toBe(real);
});

it('the first read of an item does not move its last access (mg l)', async () => {
  const { real, memory } = await both(async (client) => {
    await client.set('bump:la', 'a');
    await new Promise((resolve) => setTimeout(resolve, 2200));
    await client.metaGet('bump:la', { hit: true });
    return (await client.metaGet('bump:la', { lastAccess: true }))?.lastAccess;
  });
  expect(real).toBeGreaterThanOrEqual(2);
  expect(memory).toBe(real);
}, 10000);
