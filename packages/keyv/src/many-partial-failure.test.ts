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
