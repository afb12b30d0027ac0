import {
  closedPort,
  type FakeServer,
  type MemcachedServer,
  onLines,
  startCluster,
  startFakeServer,
  startNutcracker,
} from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, HashClient, MemcacheConnectionError, MemcacheError } from './index.js';

let nodes: MemcachedServer[];
let direct: Client[];

beforeAll(async () => {
  nodes = await startCluster(3);
  direct = nodes.map((node) => new Client(node.address));
});

afterAll(async () => {
  await Promise.all(direct.map((client) => client.close()));
  await Promise.all(nodes.map((node) => node.stop()));
});

beforeEach(async () => {
  await Promise.all(direct.map((client) => client.flushAll()));
});

/** Which node holds each key, asked of every node directly. */
async function owners(keys: string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const [index, client] of direct.entries()) {
    for (const key of (await client.getMany(keys)).keys()) result.set(key, nodes[index]!.address);
  }
  return result;
}

describe('HashClient', () => {
  it('spreads keys over every node and reads them back, single and multi', async () => {
    const client = new HashClient(nodes.map((node) => node.address));
    const keys = Array.from({ length: 300 }, (_, index) => `key-${index}`);
    expect(await client.setMany(keys.map((key) => [key, `v:${key}`] as const))).toEqual([]);
    const placement = await owners(keys);
    expect(placement.size).toBe(300);
    const perNode = new Set(placement.values());
    expect(perNode.size).toBe(3);
    for (const key of keys.slice(0, 20)) expect(await client.get(key)).toBe(`v:${key}`);
    const all = await client.getMany([...keys, 'missing']);
    expect(all.size).toBe(300);
    expect(await client.deleteMany(keys.slice(0, 10))).toBe(10);
    const versions = await client.version();
    expect([...versions.keys()].sort()).toEqual(nodes.map((node) => node.address).sort());
    const stats = await client.stats();
    expect(stats.size).toBe(3);
    for (const perNodeStats of stats.values()) expect(typeof perNodeStats.curr_items).toBe('number');
    await client.close();
  });

  it('keyPrefix does not change rendezvous placement, as in pymemcache', async () => {
    const plain = new HashClient(nodes.map((node) => node.address));
    const prefixed = new HashClient(
      nodes.map((node) => node.address),
      { keyPrefix: 'app:' },
    );
    await plain.set('same', 'x');
    await prefixed.set('same', 'y');
    const holders = direct.map((client) => client.getMany(['same', 'app:same']));
    const found = (await Promise.all(holders)).findIndex((values) => values.size === 2);
    expect(found).toBeGreaterThanOrEqual(0);
    await plain.close();
    await prefixed.close();
  });

  it("'ketama' places keys exactly where twemproxy does", async () => {
    const proxy = await startNutcracker(nodes);
    const viaProxy = new Client(proxy.address);
    const client = new HashClient(
      nodes.map((node) => node.address),
      { hasher: 'ketama' },
    );
    const keys = Array.from({ length: 200 }, (_, index) => `ketama-${index}`);
    for (const key of keys) await client.set(key, 'by hash client');
    const placement = await owners(keys);
    // Reading through the proxy finds every key, so both agree on every node.
    const throughProxy = await Promise.all(keys.map((key) => viaProxy.get(key)));
    expect(throughProxy.every((value) => value === 'by hash client')).toBe(true);
    expect(new Set(placement.values()).size).toBe(3);
    await viaProxy.close();
    await client.close();
    await proxy.stop();
  });

  it('asks the nodes in parallel: a slow path to every node costs one delay', async () => {
    // Six nodes: one after the other would take 6 s, in parallel 1 s.
    const delay = 1_000;
    const slow: FakeServer[] = await Promise.all(
      Array.from({ length: 6 }, () =>
        startFakeServer((socket) =>
          onLines(socket, (line) => {
            if (line.startsWith('get ')) setTimeout(() => socket.write('END\r\n'), delay);
          }),
        ),
      ),
    );
    const client = new HashClient(slow.map((server) => server.address));
    const keys = Array.from({ length: 60 }, (_, index) => `k${index}`);
    const started = performance.now();
    expect(await client.getMany(keys)).toEqual(new Map());
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(delay - 20);
    expect(elapsed).toBeLessThan(delay * 3);
    await client.close();
    await Promise.all(slow.map((server) => server.close()));
  });

  it('a killed node: only its keys miss, fast; it is used again after it returns', async () => {
    const [victim] = await startCluster(1);
    const survivors = nodes.slice(0, 2);
    const addresses = [...survivors.map((node) => node.address), victim!.address];
    const client = new HashClient(addresses, {
      ignoreErrors: true,
      retryAttempts: 1,
      deadTimeout: 300,
      // Long enough that a survivor never times out, and that a request waiting on the dead
      // node for its deadline would take seconds.
      timeout: 5_000,
    });
    const keys = Array.from({ length: 150 }, (_, index) => `life-${index}`);
    await client.setMany(keys.map((key) => [key, key] as const));
    const victimKeys = new Set((await new Client(victim!.address).getMany(keys)).keys());
    expect(victimKeys.size).toBeGreaterThan(0);

    await victim!.kill();
    const first = await client.getMany(keys);
    expect(first.size).toBe(150 - victimKeys.size);
    for (const key of victimKeys) expect(first.has(key)).toBe(false);
    // Marked dead: its keys answer at once without touching the network.
    const started = performance.now();
    for (const key of victimKeys) expect(await client.get(key)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await client.set([...victimKeys][0]!, 'x')).toBe(false);

    await victim!.restart();
    await new Promise((resolve) => setTimeout(resolve, 350));
    let back = false;
    for (const deadline = Date.now() + 10_000; !back && Date.now() < deadline; ) {
      back = await client.set([...victimKeys][0]!, 'again');
      if (!back) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(back).toBe(true);
    expect(await client.get([...victimKeys][0]!)).toBe('again');
    await client.close();
    await victim!.stop();
  });

  it("without ignoreErrors a dead node's keys are misses for reads and typed errors for writes; with failover they move", async () => {
    const [victim] = await startCluster(1);
    const addresses = [nodes[0]!.address, victim!.address];
    // A 5 s timeout: a request that waited on the dead node would take seconds.
    const strict = new HashClient(addresses, { retryAttempts: 1, deadTimeout: 10_000, timeout: 5_000 });
    const moving = new HashClient(addresses, {
      retryAttempts: 1,
      deadTimeout: 10_000,
      timeout: 5_000,
      failover: true,
    });
    const keys = Array.from({ length: 40 }, (_, index) => `fo-${index}`);
    await strict.setMany(keys.map((key) => [key, key] as const));
    const onVictim = [...(await new Client(victim!.address).getMany(keys)).keys()];
    expect(onVictim.length).toBeGreaterThan(0);
    await victim!.kill();
    // The failure that marks the node dead surfaces (a refused connection or the old socket
    // closing); once it is dead its keys are misses for reads, typed errors for writes.
    await expect(strict.get(onVictim[0]!)).rejects.toBeInstanceOf(MemcacheError);
    const started = performance.now();
    expect(await strict.get(onVictim[0]!)).toBeUndefined();
    expect(await strict.gets(onVictim[0]!)).toBeUndefined();
    expect(await strict.gat(onVictim[0]!, 60)).toBeUndefined();
    expect(await strict.metaGet(onVictim[0]!, { value: true })).toBeUndefined();
    const many = await strict.getMany(keys);
    expect([...many.keys()].sort()).toEqual(keys.filter((key) => !onVictim.includes(key)).sort());
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(strict.set(onVictim[0]!, 'lost')).rejects.toBeInstanceOf(MemcacheConnectionError);
    await expect(strict.delete(onVictim[0]!)).rejects.toBeInstanceOf(MemcacheConnectionError);

    await expect(moving.set(onVictim[0]!, 'moved')).rejects.toBeInstanceOf(MemcacheError);
    expect(await moving.set(onVictim[0]!, 'moved')).toBe(true);
    expect(await direct[0]!.get(onVictim[0]!)).toBe('moved');
    await strict.close();
    await moving.close();
  });

  it('stats() and version() leave out a node that is down under ignoreErrors, and reject without it', async () => {
    const { address: down } = await closedPort();
    const lenient = new HashClient([nodes[0]!.address, down], { ignoreErrors: true, connectTimeout: 500 });
    const strict = new HashClient([nodes[0]!.address, down], { connectTimeout: 500 });
    try {
      const stats = await lenient.stats();
      expect([...stats.keys()]).toEqual([nodes[0]!.address]);
      expect(stats.get(nodes[0]!.address)?.pid).toBeDefined();
      expect([...(await lenient.version()).keys()]).toEqual([nodes[0]!.address]);
      await expect(strict.stats()).rejects.toBeInstanceOf(MemcacheConnectionError);
      await expect(strict.version()).rejects.toBeInstanceOf(MemcacheConnectionError);
      // A server-wide write is not absorbed: a flush that did not reach a node must be known.
      await expect(lenient.flushAll()).rejects.toBeInstanceOf(MemcacheConnectionError);
    } finally {
      await lenient.close();
      await strict.close();
    }
  });

  it('addServer and removeServer at run time', async () => {
    const client = new HashClient([nodes[0]!.address]);
    await client.set('a', 1);
    expect(await direct[0]!.get('a')).toBe(1);
    client.addServer(nodes[1]!.address);
    client.addServer(nodes[2]!.address);
    expect(client.servers.length).toBe(3);
    const keys = Array.from({ length: 90 }, (_, index) => `grow-${index}`);
    await client.setMany(keys.map((key) => [key, key] as const));
    expect(new Set((await owners(keys)).values()).size).toBe(3);
    client.removeServer(nodes[2]!.address);
    expect(client.servers).toEqual([nodes[0]!.address, nodes[1]!.address]);
    const after = await client.getMany(keys);
    const placement = await owners(keys);
    for (const [key, owner] of placement) {
      if (owner !== nodes[2]!.address) expect(after.get(key)).toBe(key);
    }
    await client.close();
  });

  it('accepts a custom hasher', async () => {
    const target = nodes[1]!.address;
    const client = new HashClient(
      nodes.map((node) => node.address),
      { hasher: { getNode: () => target } },
    );
    await client.set('custom', 'here');
    expect(await direct[1]!.get('custom')).toBe('here');
    await client.close();
  });
});
