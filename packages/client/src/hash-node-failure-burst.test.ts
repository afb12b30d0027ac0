import { type MemcachedServer, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashClient, MemcacheUnexpectedCloseError } from './index.js';

// HashClient counted every failed request towards `retryAttempts`. Requests are pipelined, so
// one socket lost with 20 requests in flight failed 20 requests at once and marked the node
// dead for `deadTimeout` (60 s by default), though memcached was back within milliseconds: a
// restart under load cost a minute of misses and refused writes. Failures that arrive together
// are one failure of the node.
describe('HashClient: requests failed together are one failure of their node', () => {
  let stable: MemcachedServer;
  let victim: MemcachedServer;
  beforeAll(async () => {
    [stable, victim] = await Promise.all([startMemcached(), startMemcached()]);
  });
  afterAll(async () => {
    await Promise.all([stable.stop(), victim.stop()]);
  });

  it.each([1, 4])(
    'a restart with many requests in flight does not mark the node dead (connections: %i)',
    async (connections) => {
      const client = new HashClient([stable.address, victim.address], {
        connections,
        // Keys named v:… live on the victim, the rest on the stable node.
        hasher: { getNode: (key: string) => (key.startsWith('v:') ? victim.address : stable.address) },
        timeout: 5_000,
      });
      try {
        // Every socket open, so the restart drops them all.
        for (let index = 0; index < 20; index++) expect(await client.set(`v:${index}`, 'before')).toBe(true);
        victim.pause(); // so the requests are surely in flight when it dies
        const inFlight = Array.from({ length: 20 }, (_, index) => client.get(`v:${index}`));
        const settled = Promise.allSettled(inFlight);
        await new Promise((resolve) => setTimeout(resolve, 50));
        // SIGKILL while stopped: the server dies without answering (kill() resumes it first).
        victim.process.kill('SIGKILL');
        await victim.kill();
        for (const outcome of await settled) {
          expect(outcome.status).toBe('rejected');
          expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(MemcacheUnexpectedCloseError);
        }
        await victim.restart();

        // One failure of the node, not 20: the next write reaches the restarted server.
        expect(await client.set('v:key', 'after')).toBe(true);
        expect(await client.get('v:key')).toBe('after');
      } finally {
        await client.close({ force: true });
      }
    },
  );

  it('two failures apart still mark the node dead', async () => {
    const client = new HashClient([stable.address, victim.address], {
      hasher: { getNode: (key: string) => (key.startsWith('v:') ? victim.address : stable.address) },
      timeout: 5_000,
      deadTimeout: 60_000,
    });
    try {
      expect(await client.set('v:key', 'x')).toBe(true);
      await victim.kill();
      // The socket's loss, then the refused reconnect: two failures within retryTimeout.
      await expect(client.get('v:key')).rejects.toThrow();
      await expect(client.get('v:key')).rejects.toThrow();
      await victim.restart();
      // Dead now: its keys are misses answered without touching the (restarted) server.
      await expect(client.set('v:key', 'refused')).rejects.toThrow(/marked dead/);
    } finally {
      await client.close({ force: true });
    }
  });

  // Counting one deadline's requests as one failure (as one lost socket's are) kept a frozen
  // server alive for good under load: each deadline counted once, and with the default
  // retryTimeout (1 s) shorter than the timeout, two never fell in one window.
  it('a frozen server under load is marked dead', async () => {
    const frozen = await startMemcached();
    const client = new HashClient([stable.address, frozen.address], {
      hasher: { getNode: (key: string) => (key.startsWith('v:') ? frozen.address : stable.address) },
      timeout: 1_500,
    });
    try {
      expect(await client.set('v:key', 'x')).toBe(true);
      frozen.pause();
      const gets = await Promise.allSettled(
        Array.from({ length: 20 }, (_, index) => client.get(`v:${index}`)),
      );
      expect(gets.every((outcome) => outcome.status === 'rejected')).toBe(true);
      await expect(client.set('v:key', 'refused')).rejects.toThrow(/marked dead/);
    } finally {
      frozen.resume();
      await client.close({ force: true });
      await frozen.stop();
    }
  });

  // The same for a server whose connect never completes: the refusals during the backoff
  // carried the connect timeout's own error object, and were not counted again.
  it('a server that never completes a connect is marked dead', async () => {
    const silent = await startFakeServer();
    const client = new HashClient([stable.address, silent.address], {
      hasher: { getNode: (key: string) => (key.startsWith('v:') ? silent.address : stable.address) },
      tls: true,
      connectTimeout: 300,
    });
    try {
      const gets = await Promise.allSettled(
        Array.from({ length: 5 }, (_, index) => client.get(`v:${index}`)),
      );
      expect(gets.every((outcome) => outcome.status === 'rejected')).toBe(true);
      await expect(client.set('v:key', 'refused')).rejects.toThrow(/marked dead/);
    } finally {
      await client.close({ force: true });
      await silent.close();
    }
  });
});
