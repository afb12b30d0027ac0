import { execFileSync } from 'node:child_process';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashClient } from './hash-client.js';

/**
 * libmemcached (through pylibmc, `ketama_weighted`: the md5/160-point ketama twemproxy also
 * uses) writes keys to IPv6 servers given as "[::1]:port"; HashClient with hasher 'ketama'
 * and the same addresses must find every one. libmemcached's ring names such a server
 * "::1:<port>" (no brackets), so its points are md5("::1:<port>-<i>").
 */
const WRITE = `
import json, sys, pylibmc
servers, keys = json.loads(sys.argv[1]), json.loads(sys.argv[2])
client = pylibmc.Client(servers, behaviors={"ketama_weighted": True})
for key in keys:
    client.set(key, b"lib")
`;

describe('ketama placement on IPv6 servers, shared with libmemcached', () => {
  let servers: MemcachedServer[];
  beforeAll(async () => {
    servers = await Promise.all([1, 2, 3].map(() => startMemcached({ host: '::1' })));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('reads every key libmemcached wrote through the same "[::1]:port" addresses', async () => {
    const addresses = servers.map((server) => server.address);
    expect(addresses.every((address) => address.startsWith('[::1]:'))).toBe(true);
    const keys = Array.from({ length: 60 }, (_, index) => `ipv6-ketama-${index}`);
    execFileSync('/usr/bin/python3', ['-c', WRITE, JSON.stringify(addresses), JSON.stringify(keys)]);
    const client = new HashClient(addresses, { hasher: 'ketama' });
    try {
      const found = await client.getMany(keys);
      expect(keys.filter((key) => !found.has(key))).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
