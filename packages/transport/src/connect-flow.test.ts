import type net from 'node:net';
import { MemcacheClientError, MemcacheConnectionError, MemcacheTimeoutError } from '@mc/protocol';
import { closedPort, type MemcachedServer, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectFlow, type ConnectFlowHost, type ConnectFlowOptions } from './connect-flow.js';
import { parseAddress } from './parse-address.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

const socketOptions = { tls: undefined, noDelay: true, keepAlive: true };

/** A flow whose host records each call; `handshake` decides how the handshake goes. */
function flowTo(
  address: string,
  options: Partial<ConnectFlowOptions> = {},
  handshake: ConnectFlowHost['handshake'] = async () => {},
) {
  const events: string[] = [];
  const sockets: net.Socket[] = [];
  const errors: Error[] = [];
  const flow = new ConnectFlow(
    parseAddress(address),
    { socket: socketOptions, connectTimeout: 2000, reconnectDelay: 50, ...options },
    {
      handshake(socket, signal) {
        events.push('handshake');
        sockets.push(socket);
        return handshake(socket, signal);
      },
      connected() {
        events.push('connected');
      },
      failed(error) {
        events.push('failed');
        errors.push(error);
      },
    },
  );
  return { flow, events, sockets, errors };
}

describe('ConnectFlow', () => {
  it('opens a socket to memcached, hands it to the handshake, then reports the connection ready', async () => {
    const { flow, events, sockets } = flowTo(server.address);
    flow.start(true);
    await flow.settled;
    expect(events).toEqual(['handshake', 'connected']);
    expect(flow.failures).toBe(0);
    const socket = sockets[0]!;
    const reply = new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))));
    socket.write('version\r\n');
    expect(await reply).toMatch(/^VERSION \d/);
    socket.destroy();
  });

  it('reports a refused port as one MemcacheConnectionError, and waits reconnectDelay before the next try', async () => {
    const refused = await closedPort();
    const { flow, events, errors } = flowTo(refused.address, { reconnectDelay: 1500 });
    flow.start(true);
    await expect(flow.settled).rejects.toBeInstanceOf(MemcacheConnectionError);
    expect(events).toEqual(['failed']);
    expect(errors[0]!.message).toContain(`cannot connect to ${refused.address}`);
    expect(flow.failures).toBe(1);
    expect(flow.delay).toBe(1500);
    const started = performance.now();
    flow.start(true);
    expect(flow.backingOff).toBe(true);
    await expect(flow.settled).rejects.toBeInstanceOf(MemcacheConnectionError);
    // Without the backoff the refusal takes a few ms; the margin allows for a timer that
    // counts from an event loop clock read before `started`.
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    expect(events).toEqual(['failed', 'failed']);
    expect(flow.failures).toBe(2);
  });

  it('doubles the backoff per failure up to 1 s (or reconnectDelay, if longer), and forgets it once connected', async () => {
    const doubling = flowTo(server.address, { reconnectDelay: 50 }).flow;
    const delays: number[] = [];
    for (let failure = 0; failure < 7; failure++) {
      delays.push(doubling.delay);
      doubling.countFailure();
    }
    expect(delays).toEqual([0, 50, 100, 200, 400, 800, 1000]);
    const long = flowTo(server.address, { reconnectDelay: 3000 }).flow;
    long.countFailure();
    long.countFailure();
    expect(long.delay).toBe(3000);
    const { flow, sockets } = flowTo(server.address, { reconnectDelay: 10 });
    flow.countFailure();
    flow.start(true);
    await flow.settled;
    expect(flow.failures).toBe(0);
    sockets[0]!.destroy();
  });

  it('the connect deadline covers the handshake: a silent server is a MemcacheTimeoutError', async () => {
    const silent = await startFakeServer();
    try {
      const { flow, events, sockets } = flowTo(
        silent.address,
        { connectTimeout: 150 },
        (_socket, signal) =>
          new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      );
      const started = performance.now();
      flow.start(true);
      const failure = await flow.settled!.catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MemcacheTimeoutError);
      expect((failure as Error).message).toMatch(/timed out after 150 ms/);
      // Without the deadline the handshake would hang.
      expect(performance.now() - started).toBeLessThan(5000);
      expect(events).toEqual(['handshake', 'failed']);
      sockets[0]!.destroy();
    } finally {
      await silent.close();
    }
  });

  it('a refused authentication is a MemcacheConnectionError that names the server and keeps the reply', async () => {
    const refusal = new MemcacheClientError('CLIENT_ERROR authentication failure', {
      response: 'CLIENT_ERROR authentication failure',
    });
    const { flow, errors, sockets } = flowTo(server.address, {}, async () => {
      throw refusal;
    });
    flow.start(true);
    const failure = await flow.settled!.catch((error: unknown) => error);
    expect(failure).toBe(errors[0]);
    expect(errors[0]).toBeInstanceOf(MemcacheConnectionError);
    expect(errors[0]!.message).toBe(
      `authentication with ${server.address} failed: CLIENT_ERROR authentication failure`,
    );
    expect(errors[0]!.cause).toBe(refusal);
    expect((errors[0] as MemcacheConnectionError).response).toBe('CLIENT_ERROR authentication failure');
    sockets[0]!.destroy();
  });

  it('cancel() during the backoff stops the attempt: no socket, nothing reported, settled rejects', async () => {
    const { flow, events } = flowTo(server.address, { reconnectDelay: 3000 });
    flow.countFailure();
    flow.start(false);
    const settled = flow.settled!;
    const cause = new MemcacheConnectionError('closed');
    flow.cancel(cause);
    expect(flow.backingOff).toBe(false);
    await expect(settled).rejects.toBe(cause);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([]);
  });

  it('an attempt cancelled during its handshake stands down even if the handshake then succeeds', async () => {
    let finish!: () => void;
    const { flow, events, sockets } = flowTo(
      server.address,
      {},
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    );
    flow.start(true);
    while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const settled = flow.settled!;
    flow.cancel(new MemcacheConnectionError('destroyed'));
    finish();
    await expect(settled).rejects.toBeInstanceOf(MemcacheConnectionError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(['handshake']);
    sockets[0]!.destroy();
  });
});
