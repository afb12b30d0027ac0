import { startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcClient } from './mc-client.mjs';

describe('mc adapter', () => {
  let server;
  beforeAll(async () => {
    server = await startMemcached({ threads: 1 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('traces only during its turns, so an untraced client in the same process stays untraced', async () => {
    const client = await mcClient.open(server, { tracing: true });
    await client.get('bench:trace:a');
    expect(client.tracedMessages()).toBe(0);
    client.beginTurn();
    await client.get('bench:trace:a');
    expect(client.tracedMessages()).toBe(2); // start and end
    client.endTurn();
    await client.get('bench:trace:a');
    expect(client.tracedMessages()).toBe(2);
    await client.close();
  });

  it('opens the metrics variant with collection on from the first command', async () => {
    const client = await mcClient.open(server, { metrics: true });
    await client.get('bench:metrics:a');
    const node = Object.values(client.metrics().nodes)[0];
    expect(node.commands.get.operations).toBe(1);
    await client.close();
  });

  it('opens a HashClient over the servers it is given, and refuses the wrong count', async () => {
    const others = [await startMemcached({ threads: 1 }), await startMemcached({ threads: 1 })];
    try {
      const nodes = [server, ...others];
      const client = await mcClient.open(server, { nodes: 3, servers: nodes });
      const keys = Array.from({ length: 30 }, (_, index) => `bench:hash:${index}`);
      await Promise.all(keys.map((key) => client.set(key, key)));
      const found = await client.getMulti(keys);
      expect(keys.every((key) => client.pick(found, key) === key)).toBe(true);
      await client.close();
      await expect(mcClient.open(server, { nodes: 3, servers: [server] })).rejects.toThrow(/needs 3 servers/);
    } finally {
      await Promise.all(others.map((other) => other.stop()));
    }
  });
});
