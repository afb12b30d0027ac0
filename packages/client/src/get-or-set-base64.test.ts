import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, MemcacheIllegalInputError } from './index.js';

let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address, { keyPrefix: 'b64:' });
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

// getOrSet is a meta method, and every meta method takes base64; getOrSet used to ignore it
// (a key with a space was refused as if base64 had not been asked for).
it('getOrSet with base64 loads once and serves any bytes as a key', async () => {
  for (const key of ['with space', new Uint8Array([0xff, 0x00, 0x20, 0x0d, 0x0a])]) {
    let loads = 0;
    const loader = async () => {
      loads++;
      return { loaded: loads };
    };
    expect(await client.getOrSet(key, loader, { ttl: 60, base64: true })).toEqual({ loaded: 1 });
    expect(await client.getOrSet(key, loader, { ttl: 60, base64: true })).toEqual({ loaded: 1 });
    expect(loads).toBe(1);
    expect(await client.metaGet(key, { value: true, base64: true })).toMatchObject({ value: { loaded: 1 } });
  }
  await expect(client.getOrSet('with space', async () => 1, { ttl: 60 })).rejects.toBeInstanceOf(
    MemcacheIllegalInputError,
  );
  await expect(
    client.getOrSet('k', async () => 1, { ttl: 60, base64: 'yes' as unknown as boolean }),
  ).rejects.toBeInstanceOf(MemcacheIllegalInputError);
});
