import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from './index.js';

let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address);
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// memcached's clock ticks whole seconds, so an item given `N1` lives anywhere from 0 to 1 s.
// The placeholder of a getOrSet with `lockTtl: 1` used to be sent as N1, and a second caller
// often found it gone while a 400 ms loader still ran, and loaded as well (about 4 trials in
// 10). The placeholder now lives at least lockTtl.
it('a loader well inside lockTtl runs once, wherever memcached’s clock stands', async () => {
  const runs: number[] = [];
  for (let trial = 0; trial < 10; trial++) {
    let loads = 0;
    const loader = async () => {
      loads++;
      await sleep(400);
      return `value ${trial}`;
    };
    const first = client.getOrSet(`lock-clock:${trial}`, loader, { ttl: 60, lockTtl: 1 });
    await sleep(200);
    const second = client.getOrSet(`lock-clock:${trial}`, loader, { ttl: 60, lockTtl: 1 });
    expect(await Promise.all([first, second])).toEqual([`value ${trial}`, `value ${trial}`]);
    runs.push(loads);
  }
  expect(runs).toEqual(Array.from({ length: 10 }, () => 1));
});
