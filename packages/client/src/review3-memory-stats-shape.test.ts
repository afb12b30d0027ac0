import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from './client.js';
import { MemoryClient } from './testing/memory-client.js';

// MemoryStore.stats() answers only a dozen of memcached 1.6.18's general stats, so code under
// test that reads e.g. `evictions` or `total_connections` gets undefined from MemoryClient.

let server: MemcachedServer;
beforeAll(async () => {
  server = await startMemcached();
});
afterAll(async () => {
  await server?.stop();
});

it('MemoryClient.stats() has the general stats a monitoring helper reads', async () => {
  const real = new Client(server.address);
  const memory = new MemoryClient();
  const [r, m] = [await real.stats(), await memory.stats()];
  await real.close();
  await memory.close();
  const wanted = ['evictions', 'total_connections', 'bytes_read', 'bytes_written', 'cmd_meta', 'expired_unfetched', 'reclaimed', 'max_connections', 'rusage_user'];
  for (const name of wanted) expect(typeof r[name]).toBe('number');
  expect(wanted.filter((name) => typeof m[name] !== typeof r[name])).toEqual([]);
});
