import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CacheValue,
  Client,
  compressedSerde,
  defaultSerde,
  jsonSerde,
  msgpackSerde,
  pickleSerde,
  type Serde,
  structuredSerde,
} from './index.js';

// The `flags` write option ORs the application's own bits into the serde's; the serde owns
// bits 0 to 9 and decodes using only those, so the value stays readable and the bits stay
// readable through metaGet.

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

const serdes: Array<[string, Serde<CacheValue>]> = [
  ['defaultSerde', defaultSerde],
  ['jsonSerde', jsonSerde],
  ['msgpackSerde', msgpackSerde],
  ['pickleSerde', pickleSerde],
  ['structuredSerde', structuredSerde],
  ['compressedSerde', compressedSerde()],
];

describe('application bits in flags survive the round trip (real memcached)', () => {
  it("set('k', 'b', { flags: 1 << 20 }) then get('k') is 'b'", async () => {
    const client = new Client(server.address);
    try {
      expect(await client.set('k', 'b', { flags: 1 << 20 })).toBe(true);
      expect(await client.get('k')).toBe('b');
      expect(await client.getMany(['k'])).toEqual(new Map([['k', 'b']]));
      expect((await client.gets('k'))?.value).toBe('b');
      expect(await client.metaGet('k', { value: true, flags: true })).toMatchObject({
        value: 'b',
        flags: 16 | (1 << 20),
      });
      expect(await client.metaSet('m', 'c', { flags: 2 ** 31 })).toEqual({ status: 'stored' });
      expect(await client.metaGet('m', { value: true, flags: true })).toMatchObject({
        value: 'c',
        flags: 16 + 2 ** 31,
      });
    } finally {
      await client.close();
    }
  });

  for (const [name, serde] of serdes) {
    it(`${name} reads its values back with bits 10 to 31 set`, async () => {
      const client = new Client(server.address, { serde });
      try {
        const value = { text: 'x'.repeat(1000), list: [1, 2] };
        expect(await client.set(name, value, { flags: 0xfffffc00 })).toBe(true);
        expect(await client.get(name)).toEqual(value);
        const hit = await client.metaGet(name, { value: true, flags: true });
        expect(hit?.value).toEqual(value);
        expect((hit!.flags & 0xfffffc00) >>> 0).toBe(0xfffffc00);
      } finally {
        await client.close();
      }
    });
  }
});
