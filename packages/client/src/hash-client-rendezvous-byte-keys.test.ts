import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashClient } from './hash-client.js';

/**
 * A key is a string (sent UTF-8 encoded) or bytes: 'ключ' and its UTF-8 bytes are the same
 * memcached key on the wire, so they must reach the same node. With the default
 * 'rendezvous' hasher a string is hashed one low byte per character (as pymemcache hashes a
 * str), but a byte key one character per byte, so a non-ASCII key written as a string is
 * looked for on another node when read as bytes (and vice versa).
 */
describe('rendezvous placement of a key given as a string or as its UTF-8 bytes', () => {
  let servers: MemcachedServer[];
  beforeAll(async () => {
    servers = await Promise.all([1, 2, 3].map(() => startMemcached()));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('reads as bytes every non-ASCII key written as a string', async () => {
    const client = new HashClient(servers.map((server) => server.address));
    try {
      const keys = Array.from({ length: 30 }, (_, index) => `ключ-${index}`);
      expect(await client.setMany(keys.map((key) => [key, 'v'] as const))).toEqual([]);
      const missing: string[] = [];
      for (const key of keys) {
        if ((await client.get(new TextEncoder().encode(key))) === undefined) missing.push(key);
      }
      expect(missing).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
