import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import Keyv6 from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyvMemcached } from './index.js';

// setMany and deleteMany ran their writes in one Promise.all, so one refused entry (a value
// over memcached's item size) answered false for every entry, though the others were stored.
describe('setMany and deleteMany with one entry refused', () => {
  let server: MemcachedServer;
  beforeAll(async () => {
    server = await startMemcached();
  });
  afterAll(async () => {
    await server.stop();
  });

  const tooLarge = 'x'.repeat(2 * 1024 * 1024); // memcached's default item size is 1 MB

  it('answers per entry, and reports the refusal as an error event', async () => {
    const store = new KeyvMemcached(server.address);
    const errors: unknown[] = [];
    store.on('error', (error) => errors.push(error));
    try {
      const stored = await store.setMany([
        { key: 'small', value: 'ok' },
        { key: 'big', value: tooLarge },
        { key: 'other', value: 'fine' },
      ]);
      expect(stored).toEqual([true, false, true]);
      expect(errors).toHaveLength(1);
      expect(await store.get('small')).toBe('ok');
    } finally {
      await store.disconnect();
    }
  });

  it('through Keyv 6', async () => {
    const store = new KeyvMemcached(server.address);
    const keyv = new Keyv6({ store });
    const errors: unknown[] = [];
    keyv.on('error', (error: unknown) => errors.push(error));
    try {
      const stored = await keyv.setMany([
        { key: 'a', value: 'one' },
        { key: 'b', value: tooLarge },
      ]);
      expect(stored).toEqual([true, false]);
      expect(await keyv.get('a')).toBe('one');
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await keyv.disconnect();
    }
  });
});

// A store that made its own client with a keyPrefix over 50 bytes composed keys for a 50-byte
// prefix: a 178-character key reached 257 bytes and was refused (set false, an error event).
describe('a store with a long keyPrefix of its own', () => {
  let server: MemcachedServer;
  beforeAll(async () => {
    server = await startMemcached();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('sizes its keys to the room the prefix leaves', async () => {
    const store = new KeyvMemcached(server.address, { keyPrefix: 'p'.repeat(60) });
    const errors: unknown[] = [];
    store.on('error', (error) => errors.push(error));
    try {
      for (const length of [10, 150, 178, 185, 400]) {
        const key = 'k'.repeat(length);
        expect(await store.set(key, `value ${length}`), `key of ${length}`).toBe(true);
        expect(await store.get(key)).toBe(`value ${length}`);
      }
      expect(errors).toEqual([]);
    } finally {
      await store.disconnect();
    }
  });
});
