import { type MemcachedServer, startCluster } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashClient, MemcacheConnectionError } from './index.js';

// Calls made on a HashClient after close() were counted as failures of its nodes: the second
// one marked each live node dead, and from then on reads resolved as misses and the rest
// rejected with "is marked dead", hiding the use after close. Every call now gets the same
// "is closed" error that Client gives.
describe('HashClient after close()', () => {
  let servers: MemcachedServer[];
  beforeAll(async () => {
    servers = await startCluster(2);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('rejects every call as closed and marks no node dead', async () => {
    const client = new HashClient(servers.map((server) => server.address));
    expect(await client.set('k', 'v')).toBe(true);
    await client.close();
    for (let round = 0; round < 5; round++) {
      await expect(client.get('k')).rejects.toThrow(/closed/);
      await expect(client.get('k')).rejects.toBeInstanceOf(MemcacheConnectionError);
      await expect(client.getMany(['k', 'l', 'm'])).rejects.toThrow(/closed/);
      await expect(client.metaGet('k', { value: true })).rejects.toThrow(/closed/);
      await expect(client.set('k', 'w')).rejects.toThrow(/closed/);
      await expect(client.version()).rejects.toThrow(/closed/);
    }
    const nodes = client.metrics().nodes;
    for (const node of Object.values(nodes)) expect(node.markedDead).toBe(0);
  });
});
