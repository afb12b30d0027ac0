import {
  closedPort,
  configNode,
  type MemcachedServer,
  startConfigEndpoint,
  startMemcached,
} from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashClient, MemcacheConnectionError, MemcacheTimeoutError } from './index.js';

let node: MemcachedServer;

beforeAll(async () => {
  node = await startMemcached();
});

afterAll(async () => {
  await node.stop();
});

/**
 * Discovery: "The servers argument may be empty: a command made before the first list waits
 * for it, at most connectTimeout, and fails with MemcacheConnectionError (or
 * MemcacheTimeoutError) if the endpoint cannot give one." metaNoop is `mn` on the servers.
 */
describe('HashClient discovery: metaNoop made before the first node list', () => {
  it('fails typed when the endpoint is down, as get() and version() do', async () => {
    const down = await closedPort();
    const client = new HashClient([], { discovery: { endpoint: down.address }, connectTimeout: 500 });
    try {
      const typed = (error: unknown) =>
        error instanceof MemcacheConnectionError || error instanceof MemcacheTimeoutError;
      expect(typed(await client.get('k').catch((error: unknown) => error))).toBe(true);
      expect(typed(await client.version().catch((error: unknown) => error))).toBe(true);
      expect(
        typed(
          await client.metaNoop().then(
            () => 'resolved',
            (error: unknown) => error,
          ),
        ),
      ).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('waits for the list and reaches the discovered node', async () => {
    const endpoint = await startConfigEndpoint([configNode(node)]);
    const client = new HashClient([], { discovery: { endpoint: endpoint.address }, metrics: true });
    try {
      await client.metaNoop();
      expect(client.nodes()).toEqual([node.address]);
      expect(client.metrics().nodes[node.address]?.commands.mn?.operations).toBe(1);
    } finally {
      await client.close();
      await endpoint.stop();
    }
  });
});
