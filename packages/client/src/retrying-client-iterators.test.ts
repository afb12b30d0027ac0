import net from 'node:net';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './client.js';
import { RetryingClient } from './retrying-client.js';

// getMany/setMany/deleteMany take any Iterable (see the client README), e.g. `map.keys()` or
// `map.entries()`, which are single-use iterators. RetryingClient re-applies the same
// arguments on its next try: the first try consumed the iterator, so the retry sends no key
// and "succeeds": setMany claims every entry was stored although none was, getMany claims
// every key is missing.
describe('RetryingClient retrying a multi-key call given an iterator', () => {
  let memcached: MemcachedServer;
  let proxy: net.Server;
  let proxyPort = 0;
  /** Connections still to reset before the proxy starts forwarding. */
  let resets = 0;
  const clients: Client[] = [];

  beforeAll(async () => {
    memcached = await startMemcached();
    proxy = net.createServer((socket) => {
      socket.on('error', () => {});
      if (resets > 0) {
        resets--;
        socket.resetAndDestroy();
        return;
      }
      const upstream = net.connect(memcached.port, '127.0.0.1');
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyPort = (proxy.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close({ force: true })));
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await memcached.stop();
  });

  function flakyClient(): Client {
    resets = 1; // the first connection fails: a retryable error
    const client = new Client(`127.0.0.1:${proxyPort}`, { timeout: 2000, reconnectDelay: 0 });
    clients.push(client);
    return client;
  }

  it('setMany(map.entries()) stores the entries on the retry, or says they were not stored', async () => {
    const retrying = new RetryingClient(flakyClient(), { attempts: 3, retryDelay: 10 });
    const entries = new Map([
      ['iter:a', 'A'],
      ['iter:b', 'B'],
    ]);
    const notStored = await retrying.setMany(entries.entries());
    const direct = new Client(memcached.address);
    clients.push(direct);
    const stored = await direct.getMany(['iter:a', 'iter:b']);
    // Whatever the retry did, the answer must agree with the server.
    expect(notStored.length + stored.size).toBe(2);
    expect(stored.size).toBe(2);
  });

  it('getMany(map.keys()) reads the keys on the retry', async () => {
    const direct = new Client(memcached.address);
    clients.push(direct);
    await direct.set('iter:c', 'C');
    await direct.set('iter:d', 'D');
    const retrying = new RetryingClient(flakyClient(), { attempts: 3, retryDelay: 10 });
    const keys = new Map([
      ['iter:c', 1],
      ['iter:d', 2],
    ]).keys();
    expect(await retrying.getMany(keys)).toEqual(
      new Map([
        ['iter:c', 'C'],
        ['iter:d', 'D'],
      ]),
    );
  });
});
