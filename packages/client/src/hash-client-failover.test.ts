import { type MemcachedServer, startCluster } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, HashClient, KetamaHasher } from './index.js';

let nodes: MemcachedServer[];

beforeAll(async () => {
  nodes = await startCluster(3);
});

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.stop()));
});

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Sets every key once; resolves how many sets rejected. */
async function failedSets(client: HashClient, keys: string[]): Promise<number> {
  const outcomes = await Promise.allSettled(keys.map((key) => client.set(key, key)));
  return outcomes.filter((outcome) => outcome.status === 'rejected').length;
}

/** Which node holds each key, asked of every node directly. */
async function owners(keys: string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const node of nodes) {
    const direct = new Client(node.address);
    for (const key of (await direct.getMany(keys)).keys()) result.set(key, node.address);
    await direct.close();
  }
  return result;
}

async function flushAll(): Promise<void> {
  for (const node of nodes) {
    const direct = new Client(node.address);
    await direct.flushAll();
    await direct.close();
  }
}

describe('HashClient failover', () => {
  it('keeps failing over after failed probes, and takes the node back only once it answers', async () => {
    const weights = [1, 1, 3];
    // A timeout a live node always answers within, so only the killed node ever fails.
    const client = new HashClient([], { hasher: 'ketama', failover: true, deadTimeout: 500, timeout: 5_000 });
    for (const [index, node] of nodes.entries()) client.addServer(node.address, weights[index]);
    const victim = nodes[2]!;
    const keys = Array.from({ length: 60 }, (_, index) => `fo-${index}`);
    try {
      await victim.kill();
      // Until the node is marked dead (two failures), its keys fail.
      for (let round = 0; round < 5 && (await failedSets(client, keys)) > 0; round++);
      expect(await failedSets(client, keys)).toBe(0);
      // Several dead timeouts pass, each with a failed probe: its keys stay on the others.
      for (let round = 0; round < 3; round++) {
        await sleep(650);
        expect(await failedSets(client, keys)).toBe(0);
      }

      await victim.restart();
      await flushAll();
      // The next probe succeeds and the node returns with its weight: keys land where a
      // fresh ketama ring with the same weights puts them.
      const expected = new KetamaHasher(
        nodes.map((node, index) => ({ name: node.address, weight: weights[index] })),
      );
      let placed = false;
      for (const deadline = Date.now() + 10_000; !placed && Date.now() < deadline; ) {
        await sleep(100);
        await flushAll();
        expect(await failedSets(client, keys)).toBe(0);
        const placement = await owners(keys);
        placed = keys.every((key) => placement.get(key) === expected.getNode(key));
      }
      expect(placed).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('addServer after removeServer keeps the weight the node had', async () => {
    await flushAll();
    const client = new HashClient([nodes[0]!.address, nodes[1]!.address], { hasher: 'ketama' });
    client.addServer(nodes[2]!.address, 3);
    client.removeServer(nodes[2]!.address);
    client.addServer(nodes[2]!.address);
    const expected = new KetamaHasher([
      nodes[0]!.address,
      nodes[1]!.address,
      { name: nodes[2]!.address, weight: 3 },
    ]);
    const keys = Array.from({ length: 100 }, (_, index) => `w-${index}`);
    try {
      expect(await failedSets(client, keys)).toBe(0);
      const placement = await owners(keys);
      expect(keys.filter((key) => placement.get(key) !== expected.getNode(key))).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
