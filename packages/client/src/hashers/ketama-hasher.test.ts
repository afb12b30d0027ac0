import net from 'node:net';
import { MemcacheIllegalInputError } from '@mc/protocol';
import { type MemcachedServer, startCluster, startMemcached, startNutcracker } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KetamaHasher } from './ketama-hasher.js';

interface Target {
  host: string;
  port: number;
}

/** Sends `request` on a fresh raw socket and resolves with the reply once `complete` says so. */
function exchange(target: Target, request: string, complete: (reply: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(target.port, target.host);
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`incomplete reply from ${target.host}:${target.port}: ${reply.slice(-200)}`));
    }, 10_000);
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      reply += data;
      if (complete(reply)) {
        clearTimeout(timer);
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.write(request);
  });
}

/** Stores every key through the proxy with plain `set` commands, pipelined. */
async function storeThrough(proxy: Target, keys: string[]): Promise<void> {
  const reply = await exchange(
    proxy,
    keys.map((key) => `set ${key} 0 0 1\r\nx\r\n`).join(''),
    (text) => text.split('\r\n').length > keys.length,
  );
  expect(reply.split('\r\n').slice(0, keys.length)).toEqual(keys.map(() => 'STORED'));
}

/** Asks each node directly which of the keys it holds. */
async function whereStored(
  nodes: MemcachedServer[],
  names: string[],
  keys: string[],
): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const [index, node] of nodes.entries()) {
    const reply = await exchange(node, `get ${keys.join(' ')}\r\n`, (text) => text.endsWith('END\r\n'));
    for (const match of reply.matchAll(/^VALUE (\S+) /gm)) {
      expect(owners.has(match[1]!)).toBe(false);
      owners.set(match[1]!, names[index]!);
    }
  }
  return owners;
}

function testKeys(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}:${(index * 2654435761) % 1000003}`);
}

describe('KetamaHasher agrees with twemproxy (hash: md5, distribution: ketama)', () => {
  let nodes: MemcachedServer[] = [];

  beforeAll(async () => {
    nodes = await startCluster(3);
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  });

  it('predicts the node nutcracker stores each of 200 keys on', async () => {
    const proxy = await startNutcracker(nodes);
    try {
      const keys = testKeys(200, 'ketama:');
      await storeThrough(proxy, keys);
      const names = nodes.map((node) => node.address);
      const owners = await whereStored(nodes, names, keys);
      expect(owners.size).toBe(keys.length);
      const hasher = new KetamaHasher(names);
      for (const key of keys) expect(hasher.getNode(key)).toBe(owners.get(key));
      // Every node got some keys, or the check above proves little.
      expect(new Set(owners.values()).size).toBe(3);
    } finally {
      await proxy.stop();
    }
  });

  it('predicts placement with uneven weights', async () => {
    const weights = [1, 3, 7];
    const proxy = await startNutcracker(nodes, { weights });
    try {
      const keys = testKeys(200, 'weighted:');
      await storeThrough(proxy, keys);
      const names = nodes.map((node) => node.address);
      const owners = await whereStored(nodes, names, keys);
      const hasher = new KetamaHasher(names.map((name, index) => ({ name, weight: weights[index]! })));
      for (const key of keys) expect(hasher.getNode(key)).toBe(owners.get(key));
    } finally {
      await proxy.stop();
    }
  });
});

describe('KetamaHasher on the default port', () => {
  // twemproxy and libmemcached leave ":11211" out of the point names. Checking that needs two
  // servers on port 11211, which only other loopback addresses can give; skipped when taken.
  let nodes: MemcachedServer[] = [];
  let reason = '';

  beforeAll(async () => {
    try {
      nodes = [
        await startMemcached({ host: '127.0.0.2', port: 11211 }),
        await startMemcached({ host: '127.0.0.3', port: 11211 }),
      ];
    } catch (error) {
      reason = String(error);
    }
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  });

  it('hashes host:11211 as host, as nutcracker does', async (context) => {
    if (nodes.length < 2) context.skip(`cannot listen on 127.0.0.2/3:11211: ${reason}`);
    const proxy = await startNutcracker(nodes);
    try {
      const keys = testKeys(200, 'default-port:');
      await storeThrough(proxy, keys);
      const names = nodes.map((node) => node.address);
      expect(names).toEqual(['127.0.0.2:11211', '127.0.0.3:11211']);
      const owners = await whereStored(nodes, names, keys);
      const hasher = new KetamaHasher(names);
      for (const key of keys) expect(hasher.getNode(key)).toBe(owners.get(key));
    } finally {
      await proxy.stop();
    }
  });
});

describe('KetamaHasher', () => {
  const keys = testKeys(10_000, 'spread:');

  function placement(hasher: KetamaHasher): Map<string, number> {
    const counts = new Map<string, number>();
    for (const key of keys) {
      const node = hasher.getNode(key)!;
      counts.set(node, (counts.get(node) ?? 0) + 1);
    }
    return counts;
  }

  it('spreads keys roughly evenly at equal weights', () => {
    const counts = placement(new KetamaHasher(['a:1', 'b:1', 'c:1', 'd:1']));
    for (const count of counts.values()) expect(Math.abs(count - 2_500)).toBeLessThan(750);
  });

  it('gives a node with twice the weight about twice the keys', () => {
    const counts = placement(new KetamaHasher([{ name: 'a:1' }, { name: 'b:1', weight: 2 }, 'c:1']));
    const ratio = counts.get('b:1')! / ((counts.get('a:1')! + counts.get('c:1')!) / 2);
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(2.7);
  });

  it('removing one of n nodes moves only its keys, about 1/n of them', () => {
    const hasher = new KetamaHasher(['a:1', 'b:1', 'c:1', 'd:1']);
    const before = keys.map((key) => hasher.getNode(key));
    hasher.removeNode('b:1');
    expect(hasher.nodes()).toEqual(['a:1', 'c:1', 'd:1']);
    const after = keys.map((key) => hasher.getNode(key));
    let moved = 0;
    keys.forEach((_, index) => {
      if (before[index] !== after[index]) {
        moved++;
        expect(before[index]).toBe('b:1');
      }
    });
    expect(moved / keys.length).toBeGreaterThan(0.15);
    expect(moved / keys.length).toBeLessThan(0.35);
  });

  it('hashes the key as sent: the prefix changes the node', () => {
    const hasher = new KetamaHasher(['a:1', 'b:1', 'c:1']);
    const differs = keys.slice(0, 200).some((key) => hasher.getNode(`app:${key}`) !== hasher.getNode(key));
    expect(differs).toBe(true);
    const bytes = new TextEncoder().encode('ключ');
    expect(hasher.getNode(bytes)).toBe(hasher.getNode('ключ'));
  });

  it('names a node host:11211 by its host, as libmemcached does', () => {
    const withPort = new KetamaHasher(['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11212']);
    const bare = new KetamaHasher(['10.0.0.1', '10.0.0.2', '10.0.0.3:11212']);
    for (const key of keys.slice(0, 500)) {
      expect(withPort.getNode(key)?.replace(':11211', '')).toBe(bare.getNode(key));
    }
  });

  it('handles no nodes, re-weighting and unknown removals', () => {
    const hasher = new KetamaHasher();
    expect(hasher.getNode('key')).toBeUndefined();
    hasher.addNode('a:1');
    expect(hasher.getNode('key')).toBe('a:1');
    hasher.addNode('b:1');
    hasher.addNode('b:1', 3);
    expect(hasher.nodes()).toEqual(['a:1', 'b:1']);
    hasher.removeNode('zzz:1');
    hasher.removeNode('a:1');
    hasher.removeNode('b:1');
    expect(hasher.getNode('key')).toBeUndefined();
  });

  it('refuses weights that are not positive integers', () => {
    const hasher = new KetamaHasher();
    expect(() => hasher.addNode('a:1', 0)).toThrow(MemcacheIllegalInputError);
    expect(() => hasher.addNode('a:1', 1.5)).toThrow(MemcacheIllegalInputError);
    expect(() => new KetamaHasher([{ name: 'a:1', weight: -1 }])).toThrow(MemcacheIllegalInputError);
  });
});
