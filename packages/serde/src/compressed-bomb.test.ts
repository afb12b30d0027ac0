import zlib from 'node:zlib';
import { MemcacheDeserializeError } from '@mc/protocol';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foreignInflateLimit } from './compression.js';
import { defaultSerde } from './default-serde.js';
import { FLAG_COMPRESSED, FLAG_PICKLE } from './flags.js';
import { rawGet, rawSet } from './test-support/raw-memcached.js';

let server: MemcachedServer;
beforeAll(async () => {
  server = await startMemcached();
});
afterAll(async () => {
  await server?.stop();
});

/**
 * A pickle of `count` EMPTY_LIST opcodes and a STOP: every byte pushes a fresh JavaScript
 * array (tens of bytes of heap each) that stays on the unpickler's stack until the end. zlib
 * squeezes the run of identical bytes about 1000:1, so a value of a few kilobytes inflated to
 * 64 MiB (the old cap for every serde) would build millions of objects: seconds of blocked
 * event loop and gigabytes of heap (64 KB → 3.6 GB RSS, 16 s). A serde that does not compress
 * now inflates at most 32 times the stored size (at least 1 MiB).
 */
function compressedListBomb(megabytes: number): Uint8Array {
  const raw = Buffer.alloc(megabytes * 1024 * 1024, 0x5d); // EMPTY_LIST
  raw[raw.length - 1] = 0x2e; // STOP
  return new Uint8Array(zlib.deflateSync(raw, { level: 9 }));
}

describe('a compressed pickle that amplifies memory', () => {
  it('a 64 KB cached value is refused quickly, not turned into millions of objects', async () => {
    const bomb = compressedListBomb(64);
    expect(bomb.length).toBeLessThan(80_000);
    await rawSet(server.port, 'bomb', bomb, FLAG_PICKLE | FLAG_COMPRESSED);
    const stored = await rawGet(server.port, 'bomb');
    expect(stored?.flags).toBe(9);

    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    let outcome: unknown;
    try {
      outcome = defaultSerde.deserialize('bomb', stored!.value, stored!.flags);
    } catch (error) {
      outcome = error;
    }
    const elapsed = performance.now() - started;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    // A value of 64 KB must not cost seconds of CPU or gigabytes of heap to refuse. (Inflated
    // in full it takes over 15 s here; the bound leaves room for a machine under load.)
    expect({ elapsedUnder3s: elapsed < 3000, heapGrowthMb: Math.round(heapGrowth / 1e6) }).toEqual({
      elapsedUnder3s: true,
      heapGrowthMb: expect.any(Number),
    });
    expect(outcome).toBeInstanceOf(MemcacheDeserializeError);
  }, 60_000);

  it('a pickle of 25 million empty dicts, padded to pass the 32-times cap, is refused by its count', async () => {
    // Before MAX_DECODED_CONTAINERS, this value (under 1 MB stored) ran for tens of seconds and
    // crashed the process on its heap limit: each byte `}` became a dict. The noise after STOP,
    // which the reader never reaches, only lets the value inflate that far.
    const count = 25_000_000;
    const raw = Buffer.alloc(count + 3 + Math.ceil(count / 31) + 65_536);
    raw.fill(0x7d, 1, count + 1); // EMPTY_DICT
    raw.set([0x28], 0); // MARK
    raw.set([0x6c, 0x2e], count + 1); // LIST, STOP
    let state = 1;
    for (let index = count + 3; index < raw.length; index++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      raw[index] = state >>> 24;
    }
    const bomb = new Uint8Array(zlib.deflateSync(raw));
    expect(bomb.length).toBeLessThan(1_000_000);
    expect(raw.length).toBeLessThanOrEqual(foreignInflateLimit(bomb.length));
    await rawSet(server.port, 'bomb-dicts', bomb, FLAG_PICKLE | FLAG_COMPRESSED);
    const stored = await rawGet(server.port, 'bomb-dicts');

    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    let outcome: unknown;
    try {
      outcome = defaultSerde.deserialize('bomb-dicts', stored!.value, stored!.flags);
    } catch (error) {
      outcome = error;
    }
    expect(performance.now() - started).toBeLessThan(3000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
    expect(outcome).toBeInstanceOf(MemcacheDeserializeError);
    expect((outcome as Error).message).toMatch(/MAX_DECODED_CONTAINERS/);
  }, 60_000);
});
