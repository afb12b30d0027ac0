import {
  type FakeServer,
  type MemcachedServer,
  onLines,
  startFakeServer,
  startMemcached,
} from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, MemcacheIllegalInputError } from './index.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

describe('single-key gets made in the same tick share one request', () => {
  it('sends one multi-key get line and gives each caller its own value', async () => {
    const lines: string[] = [];
    const fake: FakeServer = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        lines.push(line);
        if (line.startsWith('get ')) {
          const keys = line.split(' ').slice(1);
          let reply = '';
          for (const key of keys)
            if (key !== 'missing') reply += `VALUE ${key} 16 ${key.length}\r\n${key}\r\n`;
          socket.write(`${reply}END\r\n`);
        }
      }),
    );
    const client = new Client(fake.address);
    const values = await Promise.all([
      client.get('a'),
      client.get('b'),
      client.get('missing'),
      client.get('a'),
    ]);
    expect(values).toEqual(['a', 'b', undefined, 'a']);
    expect(lines).toEqual(['get a b missing']);
    await client.close();
    await fake.close();
  });

  it('keeps order with other commands: a get made before a set reads the old value', async () => {
    const client = new Client(server.address);
    await client.set('ordered', 'old');
    const [before, , after] = await Promise.all([
      client.get('ordered'),
      client.set('ordered', 'new'),
      client.get('ordered'),
    ]);
    expect(before).toBe('old');
    expect(after).toBe('new');
    await client.close();
  });

  it('a bad key rejects alone; gets with cas batch too; large bursts split', async () => {
    const client = new Client(server.address);
    await client.set('fine', 'v');
    const [good, bad] = await Promise.allSettled([client.get('fine'), client.get('bad key')]);
    expect(good).toEqual({ status: 'fulfilled', value: 'v' });
    expect(bad.status === 'rejected' && bad.reason instanceof MemcacheIllegalInputError).toBe(true);
    const [first, second] = await Promise.all([client.gets('fine'), client.gets('fine')]);
    expect(first?.cas).toBe(second?.cas);
    const keys = Array.from({ length: 1_000 }, (_, index) => `burst-${index}`);
    await client.setMany(keys.map((key) => [key, key] as const));
    const read = await Promise.all(keys.map((key) => client.get(key)));
    expect(read).toEqual(keys);
    await client.close();
  });
});

describe('meta and text commands made in the same tick keep their order', () => {
  it('metaSet then get reads the new value; get then metaSet reads the old one', async () => {
    const client = new Client(server.address);
    await client.set('mixed-order', 'old');
    const [, afterMeta] = await Promise.all([
      client.metaSet('mixed-order', 'new'),
      client.get('mixed-order'),
    ]);
    expect(afterMeta).toBe('new');
    const [beforeMeta] = await Promise.all([
      client.get('mixed-order'),
      client.metaSet('mixed-order', 'newer'),
    ]);
    expect(beforeMeta).toBe('new');
    const [, flushed] = await Promise.all([client.metaSet('mixed-order', 'x'), client.flushAll()]);
    expect(flushed).toBeUndefined();
    expect(await client.get('mixed-order')).toBeUndefined();
    await client.close();
  });
});
