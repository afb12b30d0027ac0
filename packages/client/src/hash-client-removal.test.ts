import { type MemcachedServer, startCluster } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, HashClient } from './index.js';

let nodes: MemcachedServer[];

beforeAll(async () => {
  nodes = await startCluster(2);
});

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.stop()));
});

/** A key that the client places on `server`, found by asking that server itself. */
async function keyOn(client: HashClient, server: string): Promise<string> {
  const direct = new Client(server);
  try {
    for (let index = 0; ; index++) {
      const key = `removal-${index}`;
      await client.set(key, server);
      if ((await direct.get(key)) === server) return key;
    }
  } finally {
    await direct.close();
  }
}

describe('HashClient.removeServer with requests already made', () => {
  it('still answers a read made in the same tick, before the removal', async () => {
    const client = new HashClient(nodes.map((node) => node.address));
    const [gone] = nodes.map((node) => node.address);
    const key = await keyOn(client, gone!);
    // Gathered single-key reads leave in a microtask: the removal must not strand them.
    const read = client.get(key);
    const readWithCas = client.gets(key);
    client.removeServer(gone!);
    await expect(read).resolves.toBe(gone);
    await expect(readWithCas).resolves.toMatchObject({ value: gone });
    await client.close();
  });

  it('still answers a meta request made in the same tick, before the removal', async () => {
    const client = new HashClient(nodes.map((node) => node.address));
    const [gone] = nodes.map((node) => node.address);
    const key = await keyOn(client, gone!);
    const read = client.metaGet(key, { value: true });
    client.removeServer(gone!);
    await expect(read).resolves.toMatchObject({ value: gone });
    await client.close();
  });
});
