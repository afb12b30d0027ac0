import net from 'node:net';
import {
  commands,
  MemcacheConnectionError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
  MemcacheUnknownCommandError,
} from '@mc/protocol';
import { closedPort, startFakeServer, startMemcached } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';
import { bytes, text, waitFor } from './test-support/requests.js';

describe('Connection lifecycle', () => {
  it('settles quiet meta requests whose replies the server left out', async () => {
    const server = await startMemcached();
    try {
      const connection = new Connection(server.address);
      await connection.send(commands.set.request('present', bytes('here'), 0, 0, false));
      const [present, missing, alsoMissing, noop] = await Promise.all([
        connection.send(commands.metaGet.request('present', { value: true, quiet: true })),
        connection.send(commands.metaGet.request('missing', { value: true, quiet: true })),
        connection.send(commands.metaGet.request('missing2', { value: true, quiet: true })),
        connection.send(commands.metaNoop.request()),
      ]);
      expect(present.code).toBe('VA');
      expect(text(present.value)).toBe('here');
      expect(missing.code).toBe('EN');
      expect(alsoMissing.code).toBe('EN');
      expect(noop.code).toBe('MN');
      expect(connection.pending).toBe(0);
      await connection.close();
    } finally {
      await server.stop();
    }
  });

  it('a shutdown in flight succeeds when the server closes', async () => {
    const server = await startMemcached({ args: ['-A'] });
    try {
      const connection = new Connection(server.address);
      await connection.connect();
      await expect(connection.send(commands.shutdown.request(false))).resolves.toBeUndefined();
      await new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
      connection.destroy();
    } finally {
      await server.stop();
    }
  });

  it('a refused shutdown (no -A) keeps the connection working for the requests after it', async () => {
    const server = await startMemcached();
    try {
      const connection = new Connection(server.address, { timeout: 2000 });
      await connection.connect();
      const [shutdown, version] = await Promise.allSettled([
        connection.send(commands.shutdown.request(false)),
        connection.send(commands.version.request()),
      ]);
      expect(shutdown.status === 'rejected' && shutdown.reason).toBeInstanceOf(MemcacheUnknownCommandError);
      expect(version).toEqual({ status: 'fulfilled', value: expect.stringMatching(/^\d/) });
      await expect(connection.send(commands.version.request())).resolves.toMatch(/^\d/);
      await connection.close();
    } finally {
      await server.stop();
    }
  });

  it('close() while connecting finishes the accepted requests, then closes', async () => {
    const server = await startMemcached();
    try {
      const connection = new Connection(server.address);
      const version = connection.send(commands.version.request());
      expect(connection.state).toBe('connecting');
      const closed = connection.close();
      await expect(version).resolves.toMatch(/^\d/);
      await closed;
      expect(connection.state).toBe('closed');
    } finally {
      await server.stop();
    }
  });

  it('close() while a connect attempt fails resolves and rejects the waiting requests', async () => {
    const { address } = await closedPort();
    const connection = new Connection(address);
    const request = connection.send(commands.version.request());
    const closed = connection.close();
    await expect(request).rejects.toBeInstanceOf(MemcacheConnectionError);
    await closed;
    expect(connection.state).toBe('closed');
  });

  it('destroy() while connecting rejects the waiting requests and stands the attempt down', async () => {
    const fake = await startFakeServer();
    try {
      const connection = new Connection(fake.address, { tls: true });
      const request = connection.send(commands.version.request());
      const connecting = connection.connect();
      await waitFor(() => fake.sockets.length === 1);
      connection.destroy();
      await expect(request).rejects.toBeInstanceOf(MemcacheConnectionError);
      await expect(connecting).rejects.toBeInstanceOf(MemcacheConnectionError);
      expect(connection.state).toBe('closed');
      expect(connection.pending).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('close() gives up on a frozen peer only through the request deadlines', async () => {
    const fake = await startFakeServer();
    try {
      const connection = new Connection(fake.address, { timeout: 100 });
      const request = connection.send(commands.version.request());
      await connection.connect();
      const closed = connection.close();
      await expect(request).rejects.toBeInstanceOf(MemcacheTimeoutError);
      await closed;
      expect(connection.state).toBe('closed');
    } finally {
      await fake.close();
    }
  });

  it('refuses requests at once while it waits reconnectDelay after a failure, then tries again', async () => {
    const { address } = await closedPort();
    const connection = new Connection(address, { reconnectDelay: 2000, timeout: 5000 });
    await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(MemcacheConnectionError);
    const failed = performance.now();
    // The server was unreachable a moment ago: a request now fails at once with that, not
    // after waiting out the 2 s backoff for nothing (or, with a shorter timeout, timing out).
    const refused = await connection.send(commands.version.request()).catch((error: unknown) => error);
    expect(performance.now() - failed).toBeLessThan(1000);
    expect(refused).toBeInstanceOf(MemcacheConnectionError);
    expect((refused as Error).message).toMatch(/ECONNREFUSED.*2000 ms backoff/);
    expect(connection.state).toBe('idle');
    // Past the backoff by the clock the connection reads (a timer may fire a little early).
    while (performance.now() - failed < 2050) await new Promise((resolve) => setTimeout(resolve, 20));
    // The backoff has run out: the next request makes a new attempt, at once.
    const retry = connection.send(commands.version.request());
    expect(connection.state).toBe('connecting');
    await expect(retry).rejects.toBeInstanceOf(MemcacheConnectionError);
    connection.destroy();
  });

  it('a server that comes back is used by the first request after the backoff', async () => {
    const { address, port } = await closedPort();
    const connection = new Connection(address, { reconnectDelay: 100 });
    await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(MemcacheConnectionError);
    const failed = performance.now();
    const back = net.createServer((socket) => socket.on('data', () => socket.write('VERSION 9\r\n')));
    await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
    try {
      // Past the backoff by the clock the connection reads (a timer may fire a little early).
      while (performance.now() - failed < 120) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await connection.send(commands.version.request())).toBe('9');
    } finally {
      connection.destroy();
      await new Promise((resolve) => back.close(resolve));
    }
  });

  it('requests written before the server closed fail; requests sent after reconnect', async () => {
    const fake = await startFakeServer((socket) => {
      socket.once('data', () => socket.destroy());
    });
    try {
      const connection = new Connection(fake.address);
      const closes: Array<Error | undefined> = [];
      connection.on('close', (error) => closes.push(error));
      await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(
        MemcacheUnexpectedCloseError,
      );
      expect(closes).toHaveLength(1);
      expect(closes[0]).toBeInstanceOf(MemcacheUnexpectedCloseError);
      expect(connection.state).toBe('idle');
      connection.destroy();
    } finally {
      await fake.close();
    }
  });
});
