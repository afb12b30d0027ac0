import { onLines, startConfigEndpoint, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, HashClient } from './index.js';

// `connectTimeout`, `timeout` and close()'s `timeout` take any number of ms ≥ 0 (0 or
// Infinity: none), and a huge one is the usual way to say "effectively no deadline". Node's
// timers cannot wait more than 2^31-1 ms: a longer delay is set to 1 ms (TimeoutOverflowWarning).
// The transport hands these durations to setTimeout unclamped, so a 2^31 ms (24.8 day)
// deadline fires after 1 ms: the connect is aborted, close() abandons the requests at once,
// and discovery (interval validated only as positive and finite) polls its endpoint every ms.
const HUGE = 2 ** 31;

describe('durations above what a Node timer holds', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  /** A memcached stand-in that answers `get` after `delay` ms, and asks for auth like -Y. */
  async function slowServer(delay: number) {
    const server = await startFakeServer((socket) => {
      let authenticated = false;
      let expectingCredentials = false;
      onLines(socket, (line) => {
        setTimeout(() => {
          if (socket.destroyed) return;
          if (expectingCredentials) {
            expectingCredentials = false;
            authenticated = true;
            socket.write('STORED\r\n');
          } else if (line.startsWith('set ')) expectingCredentials = true;
          else if (line === 'version' && !authenticated) socket.write('CLIENT_ERROR unauthenticated\r\n');
          else if (line.startsWith('get ')) socket.write(`VALUE ${line.slice(4)} 0 2\r\nhi\r\nEND\r\n`);
          else socket.write('ERROR\r\n');
        }, delay);
      });
    });
    closers.push(() => server.close());
    return server;
  }

  it('a connect (with its auth handshake) is not aborted after 1 ms by connectTimeout: 2^31', async () => {
    const server = await slowServer(30);
    const client = new Client(server.address, {
      connectTimeout: HUGE,
      timeout: 5_000,
      auth: { username: 'alice', password: 's3cret' },
    });
    closers.push(() => client.close({ force: true }));
    expect(Buffer.from((await client.get('a')) as Uint8Array).toString()).toBe('hi');
  });

  it('close({ timeout: 2^31 }) waits for the reply in flight instead of giving up at once', async () => {
    const server = await slowServer(100);
    const client = new Client(server.address, { timeout: 5_000 });
    closers.push(() => client.close({ force: true }));
    const read = client.get('a');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = client.close({ timeout: HUGE });
    expect(Buffer.from((await read) as Uint8Array).toString()).toBe('hi');
    await closed;
  });

  it('discovery with interval: 2^31 asks the endpoint once, not every millisecond', async () => {
    const memcached = await startMemcached();
    closers.push(() => memcached.stop());
    const endpoint = await startConfigEndpoint([
      { host: 'localhost', ip: memcached.host, port: memcached.port },
    ]);
    closers.push(() => endpoint.stop());
    const client = new HashClient([], { discovery: { endpoint: endpoint.address, interval: HUGE } });
    closers.push(() => client.close({ force: true }));
    await client.set('a', '1');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(endpoint.requests.length).toBeLessThanOrEqual(2);
  });
});
