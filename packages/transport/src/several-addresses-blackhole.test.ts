import dns from 'node:dns';
import net from 'node:net';
import { commands } from '@mc/protocol';
import { startMemcached } from '@mc/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Connection } from './connection.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a host name that resolves to several addresses', () => {
  // "A host name that resolves to several addresses is tried address by address until one
  // accepts." A dead host whose SYNs go unanswered (powered off, firewalled) is the common
  // way for one address of several to be dead.
  it('reaches the second address when the first one never answers the TCP handshake', async () => {
    // The first address: a listener whose backlog is full and whose process is frozen, so
    // the kernel drops further SYNs and a connect to it hangs.
    const dead = await startMemcached({ host: '::1', args: ['-b', '1'] });
    const alive = await startMemcached({ host: '127.0.0.1', port: dead.port });
    const fillers: net.Socket[] = [];
    try {
      dead.pause();
      for (let index = 0; index < 4; index++) {
        const filler = net.connect({ host: '::1', port: dead.port });
        filler.on('error', () => {});
        fillers.push(filler);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Proof that the first address is a black hole: a plain connect does not complete.
      const probe = net.connect({ host: '::1', port: dead.port });
      probe.on('error', () => {});
      const probed = await Promise.race([
        new Promise((resolve) => probe.once('connect', () => resolve('connected'))),
        new Promise((resolve) => setTimeout(() => resolve('hanging'), 500)),
      ]);
      probe.destroy();
      expect(probed).toBe('hanging');

      vi.spyOn(dns.promises, 'lookup').mockResolvedValue([
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ] as never);
      // Stuck on the first address, the connect would end at its deadline.
      const connection = new Connection(`cache.example:${dead.port}`, { connectTimeout: 5000 });
      try {
        await expect(connection.send(commands.version.request())).resolves.toBe('1.6.18');
      } finally {
        connection.destroy();
      }
    } finally {
      for (const filler of fillers) filler.destroy();
      await dead.stop();
      await alive.stop();
    }
  });
});
