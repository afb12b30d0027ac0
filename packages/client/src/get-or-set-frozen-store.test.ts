import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from './index.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  server.resume();
  await server.stop();
});

// A server that froze while the loader ran used to hold the caller for two deadlines: the
// store timed out, and then the caller waited for the release of the win as well, which was
// bound to time out too and is only best effort (the placeholder expires after lockTtl).
it('resolves the loaded value one deadline after the server froze during the loader, not two', async () => {
  const timeout = 2_000;
  const client = new Client(server.address, { timeout });
  try {
    let started = 0;
    const value = await client.getOrSet(
      'frozen-store',
      async () => {
        server.pause();
        started = performance.now();
        return 'loaded';
      },
      { ttl: 60 },
    );
    const waited = performance.now() - started;
    expect(value).toBe('loaded');
    // One deadline is 2 s; two were 4 s.
    expect(waited).toBeLessThan(3_000);
  } finally {
    server.resume();
    await client.close();
  }
});
