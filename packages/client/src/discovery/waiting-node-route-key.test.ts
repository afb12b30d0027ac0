import net from 'node:net';
import {
  type ConfigEndpoint,
  type MemcachedServer,
  startConfigEndpoint,
  startMemcached,
} from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashClient } from '../index.js';
import { keySlot } from '../key-slot.js';

// The client README: `connections` — "sockets to this server ...; each key always uses the same one"
// (ConnectionGroup: so every command for one key travels in call order). With discovery, a
// command made before the first node list waits in waitingNode, which then sends it without
// its route key: it goes out on socket 0 whatever its key, while the same key's later commands
// ride socket keySlot(key). One key, two sockets, and no order between them.
describe('discovery: commands made before the first list keep their key’s socket', () => {
  let memcached: MemcachedServer;
  let proxy: net.Server;
  let accepted = 0;
  let endpoint: ConfigEndpoint;
  let client: HashClient;

  beforeAll(async () => {
    memcached = await startMemcached();
    proxy = net.createServer((socket) => {
      accepted++;
      socket.on('error', () => {});
      const upstream = net.connect(memcached.port, '127.0.0.1');
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as net.AddressInfo).port;
    endpoint = await startConfigEndpoint([{ host: 'localhost', ip: '127.0.0.1', port }]);
  });

  afterAll(async () => {
    await client?.close({ force: true });
    await endpoint.stop();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await memcached.stop();
  });

  it('one key uses one socket, before and after the list is known', async () => {
    // A key that the group puts on a socket other than the first.
    let key = 'k0';
    for (let index = 0; keySlot(key, 4) === 0; index++) key = `k${index}`;
    client = new HashClient([], {
      connections: 4,
      timeout: 2000,
      discovery: { endpoint: endpoint.address, interval: 60_000 },
    });
    await client.set(key, 'v1'); // waits for the first list, then goes out
    expect(await client.get(key)).toBe('v1');
    await client.set(key, 'v2');
    // Every command was for one key: one socket should have carried them all.
    expect(accepted).toBe(1);
  });
});
