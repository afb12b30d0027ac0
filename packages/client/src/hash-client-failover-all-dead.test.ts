import { closedPort } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { HashClient, MemcacheConnectionError } from './index.js';

/**
 * "While a node is dead its keys are answered at once without touching the network: reads
 * (get, gets, gat, gats, getMany, metaGet) are misses, so a getMany still returns what the
 * other nodes hold, and writes reject with a MemcacheConnectionError."
 */
describe('HashClient failover when every node is dead', () => {
  it('reads of a dead node are misses with failover as without it', async () => {
    const down = await closedPort();
    const plain = new HashClient([down.address], { retryAttempts: 1, deadTimeout: 60_000, timeout: 500 });
    const moving = new HashClient([down.address], {
      retryAttempts: 1,
      deadTimeout: 60_000,
      timeout: 500,
      failover: true,
    });
    try {
      for (const client of [plain, moving]) {
        // The failure that marks the node dead reaches its caller as usual.
        await expect(client.get('k')).rejects.toBeInstanceOf(MemcacheConnectionError);
      }
      // Without failover: a miss, at once.
      expect(await plain.get('k')).toBeUndefined();
      expect(await plain.getMany(['k', 'j'])).toEqual(new Map());
      // With failover the dead node has left the ring and no node is left: still a miss.
      expect(await moving.get('k')).toBeUndefined();
      expect(await moving.getMany(['k', 'j'])).toEqual(new Map());
    } finally {
      await plain.close();
      await moving.close();
    }
  });
});
