import { execFileSync } from 'node:child_process';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashClient } from './hash-client.js';

/**
 * pymemcache's HashClient, given the same address strings, writes each key; HashClient
 * ('rendezvous') must then find every one of them. pymemcache names an IPv6 server
 * "::1:port" (normalize_server_spec strips the brackets), so that is the name it hashes.
 */
const WRITE = `
import json, sys
from pymemcache.client.hash import HashClient
servers, keys = json.loads(sys.argv[1]), json.loads(sys.argv[2])
client = HashClient(servers)
for key in keys:
    client.set(key, b'py')
client.close()
`;

describe('rendezvous placement with IPv6 servers, shared with pymemcache', () => {
  let servers: MemcachedServer[];
  beforeAll(async () => {
    servers = await Promise.all([startMemcached({ host: '::1' }), startMemcached({ host: '::1' })]);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('reads every key pymemcache wrote through the same "[::1]:port" addresses', async () => {
    const addresses = servers.map((server) => server.address);
    expect(addresses.every((address) => address.startsWith('[::1]:'))).toBe(true);
    const keys = Array.from({ length: 40 }, (_, index) => `ipv6-key-${index}`);
    execFileSync('/usr/bin/python3', ['-c', WRITE, JSON.stringify(addresses), JSON.stringify(keys)]);
    const client = new HashClient(addresses);
    try {
      const found = await client.getMany(keys);
      const missing = keys.filter((key) => !found.has(key));
      expect(missing).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
