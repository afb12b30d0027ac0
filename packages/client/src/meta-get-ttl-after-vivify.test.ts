import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client } from './index.js';

let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address);
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

beforeEach(async () => {
  await client.flushAll();
});

// memcached 1.6.18 answers return flags in the order they were asked: `mg k t N30` says
// `t-1` (the item before vivify set its exptime) while `mg k N30 t` says `t30`.
describe('metaGet ttl together with vivify or touch', () => {
  it('a vivified item that expires in 30 s is not reported as never expiring (ttl -1)', async () => {
    const created = await client.metaGet('fresh', { vivify: 30, ttl: true });
    expect(created?.won).toBe(true);
    // "ttl is -1 for an item that never expires": this one expires in 30 seconds.
    const after = await client.metaGet('fresh', { ttl: true });
    expect(after?.ttl).toBeGreaterThan(25);
    expect(created?.ttl).toBeGreaterThan(25);
  });

  it('the ttl returned with touch is the one the item now has', async () => {
    await client.set('touched', 'v', { ttl: 1000 });
    const touched = await client.metaGet('touched', { touch: 30, ttl: true });
    expect((await client.metaGet('touched', { ttl: true }))?.ttl).toBeLessThanOrEqual(30);
    expect(touched?.ttl).toBeLessThanOrEqual(30);
  });
});
