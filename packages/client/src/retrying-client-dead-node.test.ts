import { closedPort } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { HashClient, MemcacheConnectionError, RetryingClient } from './index.js';

// A node HashClient holds dead refuses at once, and keeps refusing until deadTimeout: a
// RetryingClient around it retried those refusals, waiting retryDelay between tries only to
// be refused again (a set with attempts: 3 and retryDelay: 1000 took 1–3 s to fail).
describe('RetryingClient around a HashClient with a dead node', () => {
  it('does not retry the refusal of a node held dead', async () => {
    const down = await closedPort();
    const cluster = new HashClient([down.address], { retryAttempts: 1, deadTimeout: 60_000 });
    const client = new RetryingClient(cluster, { attempts: 3, retryDelay: 1_000 });
    try {
      await expect(cluster.set('k', 'v')).rejects.toBeInstanceOf(MemcacheConnectionError); // now dead
      const started = performance.now();
      await expect(client.set('k', 'v')).rejects.toThrow(/marked dead/);
      expect(performance.now() - started).toBeLessThan(500);
    } finally {
      await client.close();
    }
  });

  it('still retries the failure that marks a node dead, so failover can move the key', async () => {
    const down = await closedPort();
    const cluster = new HashClient([down.address], { retryAttempts: 5, connectTimeout: 200 });
    const client = new RetryingClient(cluster, { attempts: 2, retryDelay: 400 });
    try {
      const started = performance.now();
      await expect(client.set('k', 'v')).rejects.toBeInstanceOf(MemcacheConnectionError);
      expect(performance.now() - started).toBeGreaterThanOrEqual(190); // waited once (200–600 ms)
    } finally {
      await client.close();
    }
  });
});
