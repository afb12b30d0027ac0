import { type FakeServer, type MemcachedServer, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashClient, RendezvousHasher } from './index.js';

let frozen: FakeServer;
let live: MemcachedServer;

beforeAll(async () => {
  // Accepts connections and never answers.
  frozen = await startFakeServer();
  live = await startMemcached();
});

afterAll(async () => {
  await frozen.close();
  await live.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * "close() is still the clean way out; it settles everything within timeout (or at once with
 * close({ force: true }))"; "close({ force: true }) fails them and closes at once".
 */
describe('HashClient.close({ force: true }) after removeServer', () => {
  it('settles at once a request still waiting on the node that was removed', async () => {
    const servers = [frozen.address, live.address];
    const placement = new RendezvousHasher(servers);
    let key = 'k0';
    for (let index = 1; placement.getNode(key) !== frozen.address; index++) key = `k${index}`;

    const client = new HashClient(servers, { timeout: 0 });
    let settled = false;
    const waiting = client.get(key).finally(() => {
      settled = true;
    });
    waiting.catch(() => {});
    await sleep(50);
    expect(settled).toBe(false);

    client.removeServer(frozen.address);
    const started = performance.now();
    await client.close({ force: true });
    // Without force, close() would wait the 2 s it gives pending requests (timeout 0), or forever.
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect.poll(() => settled, { timeout: 1_000, interval: 10 }).toBe(true);
  });
});
