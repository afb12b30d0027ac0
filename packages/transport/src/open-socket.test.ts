import net from 'node:net';
import { MemcacheConnectionError, MemcacheTimeoutError } from '@mc/protocol';
import { closedPort, startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { adoptSocket, openSocket, type SocketOptions } from './open-socket.js';
import { parseAddress } from './parse-address.js';

const plain: SocketOptions = { tls: false, noDelay: true, keepAlive: true };

describe('openSocket', () => {
  it('tries every resolved address in turn until one accepts', async () => {
    const fake = await startFakeServer();
    const dead = await closedPort();
    try {
      // The name resolves to a dead IPv6 address first, then to the live IPv4 one.
      const tried: string[] = [];
      const lookup = async (host: string) => {
        tried.push(host);
        return ['::1', '127.0.0.1'];
      };
      // Port `fake.port` is closed on ::1 (the fake listens on 127.0.0.1 only).
      const socket = await openSocket(
        parseAddress(`cache.test:${fake.port}`),
        { ...plain, lookup },
        AbortSignal.timeout(5000),
      );
      expect(tried).toEqual(['cache.test']);
      expect(socket.remoteAddress).toBe('127.0.0.1');
      socket.destroy();

      const failure = await openSocket(
        parseAddress(`cache.test:${dead.port}`),
        { ...plain, lookup: async () => ['127.0.0.1', '127.0.0.1'] },
        AbortSignal.timeout(5000),
      ).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MemcacheConnectionError);
      expect((failure as Error).cause).toBeInstanceOf(AggregateError);
      expect((failure as Error).message).toMatch(
        /127\.0\.0\.1: .*ECONNREFUSED.*; 127\.0\.0\.1: .*ECONNREFUSED/,
      );
    } finally {
      await fake.close();
    }
  });

  it('holds an error emitted after the handover until the owner adopts the socket', async () => {
    // Deno delivers a TLS server's "certificate required" alert in the read that completes the
    // handshake, before the caller's continuation runs: nobody may be left without a listener.
    const fake = await startFakeServer();
    try {
      const socket = await openSocket(parseAddress(fake.address), plain, AbortSignal.timeout(5000));
      const listeners = socket.listenerCount('error');
      expect(listeners).toBeGreaterThan(0);
      expect(() => socket.emit('error', new Error('early alert'))).not.toThrow();
      socket.emit('error', new Error('a second one'));
      expect(adoptSocket(socket)?.message).toBe('early alert');
      expect(socket.listenerCount('error')).toBe(listeners - 1);
      expect(adoptSocket(socket)).toBeUndefined();
      socket.destroy();
    } finally {
      await fake.close();
    }
  });

  it('resolves names through the system resolver by default', async () => {
    const fake = await startFakeServer();
    try {
      const socket = await openSocket(
        parseAddress(`localhost:${fake.port}`),
        plain,
        AbortSignal.timeout(5000),
      );
      expect(socket).toBeInstanceOf(net.Socket);
      socket.destroy();
    } finally {
      await fake.close();
    }
  });

  it('reports a name that resolves to nothing', async () => {
    await expect(
      openSocket(
        parseAddress('cache.test:1'),
        { ...plain, lookup: async () => [] },
        AbortSignal.timeout(5000),
      ),
    ).rejects.toBeInstanceOf(MemcacheConnectionError);
    await expect(
      openSocket(
        parseAddress('cache.test:1'),
        {
          ...plain,
          lookup: async () => {
            throw new Error('SERVFAIL');
          },
        },
        AbortSignal.timeout(5000),
      ),
    ).rejects.toThrow(/cannot resolve cache\.test: SERVFAIL/);
  });

  it('gives up with the abort reason when the signal fires during a slow lookup', async () => {
    const controller = new AbortController();
    const reason = new MemcacheTimeoutError('too slow');
    const pending = openSocket(
      parseAddress('cache.test:1'),
      { ...plain, lookup: () => new Promise<string[]>(() => {}) },
      controller.signal,
    );
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('a missing UNIX socket is a MemcacheConnectionError', async () => {
    await expect(
      openSocket(parseAddress('/nonexistent/memcached.sock'), plain, AbortSignal.timeout(5000)),
    ).rejects.toBeInstanceOf(MemcacheConnectionError);
  });
});
