// The README: "Values are stored as Keyv hands them over (Keyv serializes them to strings;
// with Keyv's serialization turned off, the client's serde encodes them), so bytes and any
// Unicode text round-trip unchanged." With Keyv's serialization off, Keyv hands the store its
// raw envelope `{ value, expires }`; Keyv's own in-memory store gives a Buffer back as a
// Buffer. Through this adapter (its own HashClient, default serde) the envelope is JSON-encoded
// and a Buffer comes back as `{ type: 'Buffer', data: [...] }`.
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import Keyv6 from 'keyv';
import Keyv5 from 'keyv5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyvMemcached } from './index.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server.stop();
});

describe("Keyv's serialization turned off", () => {
  it("Keyv 6 (serialization: false): a Buffer value comes back as the same bytes, as with Keyv's own store", async () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    // What Keyv itself does with its default in-memory store.
    const reference = new Keyv6({ serialization: false });
    await reference.set('bytes', bytes);
    expect(Buffer.isBuffer(await reference.get('bytes'))).toBe(true);

    const keyv = new Keyv6({
      store: new KeyvMemcached(server.address),
      namespace: `off6-${Date.now()}`,
      serialization: false,
    });
    expect(await keyv.set('bytes', bytes, 60_000)).toBe(true);
    const read = await keyv.get('bytes');
    await keyv.disconnect();
    expect(Buffer.isBuffer(read)).toBe(true);
    expect(Buffer.from(read as Buffer).equals(bytes)).toBe(true);
  });

  it('Keyv 5 (serialize/deserialize undefined): a Buffer value comes back as the same bytes', async () => {
    const bytes = Buffer.from('bytes \u00e9');
    const reference = new Keyv5({ serialize: undefined, deserialize: undefined });
    await reference.set('bytes', bytes);
    expect(Buffer.isBuffer(await reference.get('bytes'))).toBe(true);

    const keyv = new Keyv5({
      store: new KeyvMemcached(server.address),
      namespace: `off5-${Date.now()}`,
      serialize: undefined,
      deserialize: undefined,
    });
    await keyv.set('bytes', bytes, 60_000);
    const read = await keyv.get('bytes');
    await keyv.disconnect();
    expect(Buffer.isBuffer(read)).toBe(true);
    expect(Buffer.from(read as Buffer).equals(bytes)).toBe(true);
  });
});
