import { execFileSync } from 'node:child_process';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashClient } from './hash-client.js';

/**
 * libmemcached (here through pylibmc, `ketama_weighted`: md5, 160 points, the twemproxy-
 * compatible ketama) writes keys to UNIX-socket servers; HashClient with hasher 'ketama' and
 * the same socket paths must find every one. libmemcached names a socket server
 * "<path>:0" on its ring (its port is 0, not 11211), so its points are md5("<path>:0-<i>").
 */
const WRITE = `
import json, sys, pylibmc
servers, keys = json.loads(sys.argv[1]), json.loads(sys.argv[2])
client = pylibmc.Client(servers, behaviors={"ketama_weighted": True})
for key in keys:
    client.set(key, b"lib")
`;

describe('ketama placement on UNIX-socket servers, shared with libmemcached', () => {
  let servers: MemcachedServer[];
  beforeAll(async () => {
    servers = await Promise.all([1, 2, 3].map(() => startMemcached({ unixSocket: true })));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('reads every key libmemcached wrote through the same socket paths', async () => {
    const paths = servers.map((server) => server.path!);
    const keys = Array.from({ length: 60 }, (_, index) => `socket-key-${index}`);
    execFileSync('/usr/bin/python3', ['-c', WRITE, JSON.stringify(paths), JSON.stringify(keys)]);
    const client = new HashClient(paths, { hasher: 'ketama' });
    try {
      const found = await client.getMany(keys);
      expect(keys.filter((key) => !found.has(key))).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
