import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, MemcacheClientError } from './index.js';

let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  server = await startMemcached({ memoryMb: 256 });
  client = new Client(server.address, { timeout: 20_000 });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

const COUNT = 100_001;

// The contract: "`setMany(entries, opts?)` | `string[]`, the keys that were not stored" and
// "`deleteMany(keys, opts?)` | `number` of keys deleted". A healthy, idle memcached stores
// and deletes 100,001 small items without complaint; the batch calls must report that, not
// fail half-way through (having stored most of the batch) with an error that says the server
// answered CLIENT_ERROR ("MemcacheClientError: the server said `CLIENT_ERROR`").
describe('batch calls of more than 100,000 keys against a healthy server', () => {
  it('setMany stores every entry and resolves with no failed keys', async () => {
    const entries = new Map<string, string>();
    for (let index = 0; index < COUNT; index++) entries.set(`big:${index}`, 'v');
    const outcome = await client.setMany(entries).catch((error: unknown) => error);
    expect(outcome).not.toBeInstanceOf(MemcacheClientError);
    expect(outcome).toEqual([]);
    expect(await client.get(`big:${COUNT - 1}`)).toBe('v');
  }, 60_000);

  it('deleteMany deletes every key and counts them', async () => {
    const keys: string[] = [];
    for (let index = 0; index < COUNT; index++) keys.push(`del:${index}`);
    // Store them in slices the client accepts, so only deleteMany is under test.
    for (let start = 0; start < COUNT; start += 50_000) {
      expect(
        await client.setMany(keys.slice(start, start + 50_000).map((key) => [key, 'v'] as const)),
      ).toEqual([]);
    }
    const outcome = await client.deleteMany(keys).catch((error: unknown) => error);
    expect(outcome).toBe(COUNT);
  }, 60_000);
});
