import { type MemcachedServer, metaEcho, onLines, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, HashClient } from './index.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

/** Runs the calls in one tick and lists them in the order they settled. */
async function settleOrder(calls: Record<string, () => Promise<unknown>>): Promise<string[]> {
  const order: string[] = [];
  await Promise.allSettled(
    Object.entries(calls).map(([name, call]) =>
      call().finally(() => {
        order.push(name);
      }),
    ),
  );
  return order;
}

describe('call order is wire order', () => {
  it('metaNoop answers after the meta requests made before it', async () => {
    const client = new Client(server.address);
    const order = await settleOrder({
      first: () => client.metaSet('order:a', 'A'),
      second: () => client.metaSet('order:b', 'B'),
      noop: () => client.metaNoop(),
    });
    expect(order.at(-1)).toBe('noop');
    await client.close();
  });

  it('verbosity, cacheMemlimit and shutdown come after the meta requests made before them', async () => {
    const lines: string[] = [];
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        lines.push(line);
        if (line.startsWith('ms ')) socket.write(line.includes(' q') ? '' : `HD${metaEcho(line)}\r\n`);
        else if (line === 'mn') socket.write('MN\r\n');
        else if (line.startsWith('verbosity') || line.startsWith('cache_memlimit')) socket.write('OK\r\n');
        else if (line === 'shutdown') socket.end();
      }),
    );
    const client = new Client(fake.address);
    try {
      await Promise.all([
        client.metaSet('a', 'A'),
        client.verbosity(1),
        client.metaSet('b', 'B'),
        client.cacheMemlimit(64),
        client.metaSet('c', 'C'),
        client.shutdown(),
      ]);
      const commands = lines.filter((line) => /^[a-z]/.test(line)).map((line) => line.split(' ')[0]);
      expect(commands).toEqual(['ms', 'verbosity', 'ms', 'cache_memlimit', 'ms', 'shutdown']);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it('metaSet then get on one key reads the new value; get then metaSet the old one', async () => {
    const client = new Client(server.address);
    await client.set('order:k', 'old');
    const [, fresh] = await Promise.all([client.metaSet('order:k', 'new'), client.get('order:k')]);
    expect(fresh).toBe('new');
    const [stale] = await Promise.all([client.get('order:k'), client.metaSet('order:k', 'newer')]);
    expect(stale).toBe('new');
    await client.close();
  });
});

describe('connections > 1', () => {
  it('keeps read-your-write order for each key', async () => {
    const client = new Client(server.address, { connections: 4 });
    let stale = 0;
    for (let round = 0; round < 200; round++) {
      const key = `ryw:${round % 10}`;
      const [, read] = await Promise.all([client.set(key, round), client.get(key)]);
      if (read !== round) stale++;
    }
    expect(stale).toBe(0);
    await client.close();
  });

  it('splits multi-key reads by socket and still answers every key', async () => {
    const client = new Client(server.address, { connections: 3 });
    const keys = Array.from({ length: 60 }, (_, index) => `split:${index}`);
    await client.setMany(Object.fromEntries(keys.map((key) => [key, key])));
    const found = await client.getMany(keys);
    expect([...found.keys()].sort()).toEqual([...keys].sort());
    for (const [key, value] of found) expect(value).toBe(key);
    await client.close();
  });

  it('HashClient with several sockets per node keeps per-key order too', async () => {
    const other = await startMemcached();
    const client = new HashClient([server.address, other.address], { connections: 3 });
    try {
      let stale = 0;
      for (let round = 0; round < 100; round++) {
        const key = `hash-ryw:${round % 7}`;
        const [, read] = await Promise.all([client.metaSet(key, round), client.get(key)]);
        if (read !== round) stale++;
      }
      expect(stale).toBe(0);
    } finally {
      await client.close();
      await other.stop();
    }
  });
});
