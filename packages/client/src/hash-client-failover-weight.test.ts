import { closedPort, type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashClient, MemcacheConnectionError, MemcacheIllegalInputError } from './index.js';

let live: MemcachedServer;

beforeAll(async () => {
  live = await startMemcached();
});

afterAll(async () => {
  await live.stop();
});

/** Marks `address` dead (retryAttempts 1): one set of a key it owns fails. */
async function killNode(client: HashClient, address: string): Promise<void> {
  for (let index = 0; index < 200; index++) {
    const outcome = await client.set(`w-${index}`, 'x').catch((error: unknown) => error);
    if (outcome instanceof MemcacheConnectionError && client.metrics().nodes[address]?.dead) return;
  }
  throw new Error(`${address} was never marked dead`);
}

/**
 * Illegal input "rejects with MemcacheIllegalInputError before a single byte is sent"; a
 * ketama weight must be a positive integer and rendezvous has no weights. addServer of a
 * server that is already there "changes its weight", so the same check applies to it.
 */
describe('HashClient.addServer: a bad weight for a node failover took off the ring', () => {
  it('ketama: weight 0 is refused for a dead node as it is for a live one', async () => {
    const down = await closedPort();
    const client = new HashClient([live.address, down.address], {
      hasher: 'ketama',
      failover: true,
      retryAttempts: 1,
      deadTimeout: 60_000,
      timeout: 500,
      metrics: true,
    });
    try {
      expect(() => client.addServer(live.address, 0)).toThrow(MemcacheIllegalInputError);
      await killNode(client, down.address);
      expect(() => client.addServer(down.address, 0)).toThrow(MemcacheIllegalInputError);
    } finally {
      await client.close();
    }
  });

  it('rendezvous: a weight is refused for a dead node as it is for a live one', async () => {
    const down = await closedPort();
    const client = new HashClient([live.address, down.address], {
      failover: true,
      retryAttempts: 1,
      deadTimeout: 60_000,
      timeout: 500,
      metrics: true,
    });
    try {
      expect(() => client.addServer(live.address, 2)).toThrow(MemcacheIllegalInputError);
      await killNode(client, down.address);
      expect(() => client.addServer(down.address, 2)).toThrow(MemcacheIllegalInputError);
    } finally {
      await client.close();
    }
  });
});
