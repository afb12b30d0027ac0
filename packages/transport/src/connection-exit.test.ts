import net from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  commands,
  MemcacheConnectionError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
} from '@mc/protocol';
import { closedPort, type MemcachedServer, runScript, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Connection } from './connection.js';

// The child processes load the built package, as an application would.
const transport = pathToFileURL(new URL('../dist/index.js', import.meta.url).pathname).href;
const protocol = import.meta.resolve('@mc/protocol');

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

describe('process lifetime', () => {
  it('a script that never closes its connection exits once nothing is pending', async () => {
    const run = await runScript(`
      import { Connection } from '${transport}';
      import { commands } from '${protocol}';
      const connection = new Connection('${server.address}');
      await connection.send(commands.set.request('exit:k', Buffer.from('v'), 0, 0, false));
      const [hit] = await connection.send(commands.get.request(['exit:k']));
      console.log(Buffer.from(hit.value).toString());
    `);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('v');
    expect(run.code).toBe(0);
  });

  it('a request in flight keeps the process alive until its reply', async () => {
    const slow = await startFakeServer((socket) => {
      socket.once('data', () => setTimeout(() => socket.write('VERSION 9.9.9\r\n'), 400));
    });
    try {
      const run = await runScript(`
        import { Connection } from '${transport}';
        import { commands } from '${protocol}';
        const connection = new Connection('${slow.address}');
        connection.send(commands.version.request()).then((version) => console.log(version));
      `);
      expect(run.stdout.trim()).toBe('9.9.9');
      expect(run.code).toBe(0);
    } finally {
      await slow.close();
    }
  });
});

describe('close()', () => {
  it('settles within a bound against a frozen server even with timeout: 0', async () => {
    const frozen = await startFakeServer();
    try {
      const connection = new Connection(frozen.address, { timeout: 0 });
      const request = connection.send(commands.version.request());
      await connection.connect();
      const started = performance.now();
      await connection.close();
      // About 2 s (the close timeout for a connection without deadlines); unbounded, it would hang.
      expect(performance.now() - started).toBeLessThan(8000);
      await expect(request).rejects.toBeInstanceOf(MemcacheTimeoutError);
    } finally {
      await frozen.close();
    }
  });

  it('waits at most its own timeout, and not at all with force', async () => {
    const frozen = await startFakeServer();
    try {
      const bounded = new Connection(frozen.address, { timeout: 60_000 });
      const first = bounded.send(commands.version.request());
      await bounded.connect();
      let started = performance.now();
      await bounded.close({ timeout: 100 });
      // Without its own timeout, close() would wait out the request's 60 s.
      expect(performance.now() - started).toBeLessThan(10_000);
      await expect(first).rejects.toBeInstanceOf(MemcacheTimeoutError);

      const forced = new Connection(frozen.address, { timeout: 60_000 });
      const sent = forced.send(commands.version.request());
      await forced.connect();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const unsent = forced.send(commands.version.request());
      started = performance.now();
      await forced.close({ force: true });
      // Without force it, too, would wait out the request's 60 s.
      expect(performance.now() - started).toBeLessThan(5000);
      await expect(sent).rejects.toBeInstanceOf(MemcacheUnexpectedCloseError);
      await expect(unsent).rejects.toBeInstanceOf(MemcacheConnectionError);
      expect(forced.state).toBe('closed');
    } finally {
      await frozen.close();
    }
  });

  // A TLS handshake the server never answers: once the last request timed out, the sockets
  // being opened were unref'd and nothing kept the process alive, so a script awaiting
  // close() just ended (exit code 13, an unsettled top-level await) and skipped what followed.
  it('during a TLS handshake that never completes, settles once nothing is pending', async () => {
    const silent = await startFakeServer();
    try {
      const script = (wait: number) => `
        import { Connection } from '${transport}';
        import { commands } from '${protocol}';
        const connection = new Connection('${silent.address}', { tls: true, connectTimeout: 5000, timeout: 300 });
        const request = connection.send(commands.version.request()).catch((error) => error.name);
        await new Promise((resolve) => setTimeout(resolve, ${wait}));
        const started = performance.now();
        await connection.close();
        console.log(await request, 'closed', performance.now() - started < 1500);
      `;
      // close() while the request waits for the connect.
      const run = await runScript(script(100));
      expect(run.stdout.trim()).toBe('MemcacheTimeoutError closed true');
      expect(run.code).toBe(0);
      // close() after the request timed out, with the connect still going.
      const later = await runScript(script(500));
      expect(later.stdout.trim()).toBe('MemcacheTimeoutError closed true');
      expect(later.code).toBe(0);
    } finally {
      await silent.close();
    }
  });

  it('cancels a reconnect that is waiting out its backoff', async () => {
    const refused = await closedPort();
    // Not cancelled, close() would wait out the 10 s backoff (its own timeout is longer).
    const connection = new Connection(refused.address, { reconnectDelay: 10_000, timeout: 20_000 });
    await expect(connection.connect()).rejects.toBeInstanceOf(MemcacheConnectionError);
    const again = connection.connect();
    again.catch(() => {});
    const started = performance.now();
    await connection.close();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(connection.state).toBe('closed');
    await expect(again).rejects.toBeInstanceOf(MemcacheConnectionError);
  });
});

describe('reference tracking', () => {
  it('one call at a time keeps the socket referenced across calls, and unrefs it once idle', async () => {
    const connection = new Connection(server.address);
    await connection.connect();
    const ref = vi.spyOn(net.Socket.prototype, 'ref');
    const unref = vi.spyOn(net.Socket.prototype, 'unref');
    try {
      for (let call = 0; call < 200; call++) await connection.send(commands.version.request());
      // Per call it would be 200 of each; lazily, at most a few while calls run back to back.
      expect(ref.mock.calls.length).toBeLessThan(20);
      expect(unref.mock.calls.length).toBeLessThan(20);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unref.mock.calls.length).toBeGreaterThan(0); // idle now: the process may exit
      expect(unref.mock.calls.length - ref.mock.calls.length).toBeGreaterThanOrEqual(0);
    } finally {
      ref.mockRestore();
      unref.mockRestore();
      await connection.close();
    }
  });
});

describe('small defects', () => {
  it('a socket lost during authentication counts one failure for the backoff', async () => {
    const arrivals: number[] = [];
    const fake = await startFakeServer((socket) => {
      arrivals.push(performance.now());
      socket.once('data', () => socket.destroy());
    });
    try {
      const connection = new Connection(fake.address, {
        auth: { username: 'user', password: 'secret' },
        reconnectDelay: 500,
      });
      await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(
        MemcacheConnectionError,
      );
      const failed = performance.now();
      // Refused at once during the backoff: no new attempt. One failure backs off reconnectDelay
      // (500 ms); two would back off 1000 ms.
      const refused = await connection.send(commands.version.request()).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(MemcacheConnectionError);
      expect((refused as Error).message).toMatch(/after a 500 ms backoff/);
      expect(arrivals).toHaveLength(1);
      // Requests are refused without trying until the backoff runs out; then one tries again,
      // at once. After two failures, requests up to 1000 ms would still be refused.
      const refusedAt: number[] = [];
      let triedAt = 0;
      while (arrivals.length === 1 && performance.now() - failed < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        triedAt = performance.now();
        await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(
          MemcacheConnectionError,
        );
        if (arrivals.length === 1) refusedAt.push(triedAt - failed);
      }
      expect(arrivals).toHaveLength(2);
      expect(arrivals[1]! - failed).toBeLessThan(2500);
      // `failed` is read after the failure, so the backoff had run out for these.
      expect(refusedAt.filter((after) => after >= 500)).toEqual([]);
      // Waiting out another backoff first would take 500 ms.
      expect(arrivals[1]! - triedAt).toBeLessThan(400);
      connection.destroy();
    } finally {
      await fake.close();
    }
  });

  it('an abandoned request behind a slow one does not make the deadline timer spin', async () => {
    const frozen = await startFakeServer();
    const connection = new Connection(frozen.address, { timeout: 3000 });
    try {
      await connection.connect();
      const slow = connection.send(commands.version.request());
      slow.catch(() => {});
      const quick = connection.send(commands.version.request(), { timeout: 30 });
      const later = connection.send(commands.version.request(), { timeout: 60 });
      await expect(quick).rejects.toBeInstanceOf(MemcacheTimeoutError);
      await expect(later).rejects.toBeInstanceOf(MemcacheTimeoutError);
      const spy = vi.spyOn(globalThis, 'setTimeout');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const armed = spy.mock.calls.length;
      spy.mockRestore();
      expect(armed).toBeLessThan(5);
    } finally {
      connection.destroy();
      await frozen.close();
    }
  });
});
