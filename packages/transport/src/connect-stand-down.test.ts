import net from 'node:net';
import tls from 'node:tls';
import { commands } from '@mc/protocol';
import { makeCertificates, onLines, startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';

function settledWithin(promise: Promise<unknown>, ms: number): Promise<string> {
  return Promise.race([
    promise.then(
      () => 'resolved',
      () => 'rejected',
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

describe('a connect stood down while close() waits for it', () => {
  // "connecting ──close()──► (once ready) closing": a close() made while connecting either
  // drains once connected or ends when the connect fails; it never goes back to idle.
  it('close() settles when the connect attempt ends, and the state is never idle after close()', async () => {
    // A TLS connect to a server that accepts TCP and never answers the ClientHello: the
    // connect hangs until its deadline (300 ms).
    const fake = await startFakeServer();
    const connection = new Connection(fake.address, {
      tls: { rejectUnauthorized: false },
      connectTimeout: 300,
      timeout: 8000,
    });
    try {
      const controller = new AbortController();
      const request = connection
        .send(commands.version.request(), { signal: controller.signal })
        .catch((error: unknown) => error);
      await fake.nextConnection();
      const closed = connection.close();
      controller.abort(new Error('the caller gave up'));
      await request;
      await new Promise((resolve) => setTimeout(resolve, 50));
      // The connection was asked to close: it is closing (or closed), not idle.
      expect.soft(connection.state).not.toBe('idle');
      // The connect attempt ends by 300 ms; close() must not wait for the 8 s close timeout.
      expect(await settledWithin(closed, 4000)).toBe('resolved');
    } finally {
      connection.destroy();
      await fake.close();
    }
  }, 20000);
});

describe('a slow connect and requests that time out one after another', () => {
  // "connectTimeout: Milliseconds to open the socket (DNS, TCP, TLS and auth together);
  // default 2000" and "timeout: Milliseconds for each command's reply, counted from send()".
  // A connect that needs longer than one request's deadline (here a TLS handshake that takes
  // 300 ms) but less than connectTimeout must still finish, so that later requests are served.
  it('a connect slower than one request deadline still completes when requests keep coming', async () => {
    const { pem } = makeCertificates();
    const secure = tls.createServer({ cert: pem.cert, key: pem.key }, (socket) => {
      socket.on('error', () => {});
      onLines(socket, (line) => {
        if (line === 'version') socket.write('VERSION 1.6.18\r\n');
      });
    });
    // Every TLS handshake waits 300 ms before the server starts reading it.
    const plain = net.createServer((socket) => {
      socket.on('error', () => {});
      setTimeout(() => secure.emit('connection', socket), 300);
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const { port } = plain.address() as net.AddressInfo;
    const connection = new Connection(
      { host: '127.0.0.1', port },
      { tls: { ca: pem.ca }, connectTimeout: 3000, timeout: 150 },
    );
    try {
      const outcomes: string[] = [];
      // One request at a time, the next 50 ms after the last one settled (a polling loop,
      // or a retry after a short delay), until one is served (a few seconds at most).
      for (let attempt = 0; attempt < 30 && !outcomes.includes('ok 1.6.18'); attempt++) {
        outcomes.push(
          await connection.send(commands.version.request()).then(
            (version) => `ok ${version}`,
            (error: Error) => error.name,
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The first connect (300 ms) is well inside connectTimeout (3000 ms).
      expect(outcomes).toContain('ok 1.6.18');
    } finally {
      connection.destroy();
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  }, 20000);
});
