import net from 'node:net';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './index.js';
import { keySlot } from './key-slot.js';

// With `connections: n`, keyless commands (flushAll, and likewise verbosity, cacheMemlimit,
// stats) go out on socket 0 alone, with no barrier against what the other sockets already
// carry (SingleServerClient.flushAll → ConnectionGroup.send without a route key; only `mn` is
// made a barrier there). A noreply write resolves once sent, so the natural sequence
//   await client.set(k, v, { noreply: true }); await client.flushAll(); await client.get(k)
// can read v back: the set on socket keySlot(k) reaches memcached after the flush on socket 0.
// With one connection the same code always flushes the value. Here the proxy holds the
// bytes of every socket but the first for 100 ms, to make the race deterministic.
describe('flushAll with connections > 1', () => {
  let memcached: MemcachedServer;
  let proxy: net.Server;
  let port = 0;
  let accepted = 0;
  const clients: Client[] = [];

  beforeAll(async () => {
    memcached = await startMemcached();
    proxy = net.createServer((socket) => {
      const delay = accepted++ === 0 ? 0 : 100;
      socket.on('error', () => {});
      const upstream = net.connect(memcached.port, '127.0.0.1');
      upstream.on('error', () => socket.destroy());
      socket.on('data', (data) => {
        if (delay === 0) upstream.write(data);
        else setTimeout(() => upstream.write(data), delay);
      });
      upstream.pipe(socket);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    port = (proxy.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close({ force: true })));
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await memcached.stop();
  });

  it('flushes a noreply write that was sent before it', async () => {
    const client = new Client(`127.0.0.1:${port}`, { connections: 4, timeout: 2000 });
    clients.push(client);
    await client.version(); // opens socket 0 first
    let key = 'flush-0';
    for (let index = 1; keySlot(key, 4) === 0; index++) key = `flush-${index}`;
    await client.set(key, 'before the flush', { noreply: true });
    await client.flushAll();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await client.get(key)).toBeUndefined();
  });
});
