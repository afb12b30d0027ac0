// `memcli top` in process, its frames collected as they are written, against real servers.
import { Client } from '@mc/client';
import { type MemcachedServer, startCluster } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { top } from './top.js';

let servers: MemcachedServer[];

beforeAll(async () => {
  servers = await startCluster(2);
});

afterAll(async () => {
  await Promise.all((servers ?? []).map((server) => server.stop()));
});

/** The cells of a server's line in a frame: HIT%, OPS/s, … */
function cells(frame: string, server: string): string[] | undefined {
  const line = frame.split('\n').find((text) => text.startsWith(`${server} `));
  return line?.slice(server.length).trim().split(/\s+/);
}

describe('memcli top frames', () => {
  it('shows TOTAL HIT% as the hits among all gets, on the first frame and over an interval', async () => {
    const [a, b] = servers as [MemcachedServer, MemcachedServer];
    const clientA = new Client(a.address);
    const clientB = new Client(b.address);
    try {
      for (let index = 0; index < 10; index++) await clientB.set(`hit-${index}`, 'x');
      // Ten keys, not one key ten times: concurrent gets of one key may share one request.
      const gets = async (client: Client, prefix: string) => {
        await Promise.all(Array.from({ length: 10 }, (_, index) => client.get(`${prefix}-${index}`)));
      };
      // Before top starts: 10 misses on a, 10 hits on b.
      await gets(clientA, 'missing');
      await gets(clientB, 'hit');
      // After the first frame: 1,000 sets and 10 misses on a, 10 hits on b.
      let traffic: Promise<number> | undefined;
      const frames: string[] = [];
      await top(
        {
          servers: [a.address, b.address],
          interval: 1000,
          refreshes: 2,
          screen: false,
          signal: new AbortController().signal,
        },
        {
          write(chunk: string) {
            frames.push(chunk);
            traffic ??= (async () => {
              await Promise.all(Array.from({ length: 1000 }, (_, index) => clientA.set(`k${index}`, 'v')));
              await gets(clientA, 'missing');
              await gets(clientB, 'hit');
              return Date.now();
            })();
          },
        },
      );
      expect(frames).toHaveLength(2);
      const [first, second] = frames as [string, string];
      expect(cells(first, a.address)?.[0]).toBe('0.0%');
      expect(cells(first, b.address)?.[0]).toBe('100.0%');
      expect(cells(first, 'TOTAL')?.[0]).toBe('50.0%');
      expect(await traffic).toBeDefined();
      expect(cells(second, a.address)?.[0]).toBe('0.0%');
      expect(cells(second, b.address)?.[0]).toBe('100.0%');
      expect(cells(second, 'TOTAL')?.[0]).toBe('50.0%');
    } finally {
      await clientA.close();
      await clientB.close();
    }
  });
});
