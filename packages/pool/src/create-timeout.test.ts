import { MemcacheTimeoutError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { Pool } from './pool.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const HANG = Symbol('hang');
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof HANG> {
  return Promise.race([promise, sleep(ms).then((): typeof HANG => HANG)]);
}

/**
 * A create() that never settled (a connect to a host that drops the SYN, with no connect
 * timeout) used to hold its place under `max` for good, and drain() never resolved.
 */
describe('Pool: createTimeout', () => {
  it('fails the acquire of a create that hangs, frees its place, and destroys a late resource', async () => {
    let calls = 0;
    let deliver: ((resource: { id: number }) => void) | undefined;
    const destroyed: number[] = [];
    const pool = new Pool<{ id: number }>(
      {
        create: () => {
          calls++;
          if (calls === 1) return new Promise((resolve) => (deliver = resolve));
          return { id: calls };
        },
        destroy: (resource) => {
          destroyed.push(resource.id);
        },
      },
      { max: 1, createTimeout: 50 },
    );
    const first = pool.acquire().catch((error: unknown) => error);
    expect(await within(first, 2000)).toBeInstanceOf(MemcacheTimeoutError);
    expect(pool.stats.pending).toBe(0);
    // Its place is free again: the next acquire gets a resource of its own.
    const second = await within(pool.acquire(), 2000);
    expect(second).toEqual({ id: 2 });
    // The hung create finally delivers: nobody wants it, and max must hold.
    deliver!({ id: 1 });
    await sleep(5);
    expect(destroyed).toEqual([1]);
    expect(pool.stats).toMatchObject({ size: 1, borrowed: 1 });
    await pool.close();
  });

  it('lets drain() finish while a create hangs', async () => {
    const pool = new Pool<object>(
      { create: () => new Promise<object>(() => {}), destroy: () => {} },
      { max: 1, createTimeout: 50 },
    );
    const acquired = pool.acquire().catch((error: unknown) => error);
    const drained = pool.drain();
    expect(await within(drained, 2000)).not.toBe(HANG);
    expect(await acquired).toBeInstanceOf(Error);
  });

  it('a warm-up create that hangs is tried again', async () => {
    let calls = 0;
    const pool = new Pool<{ id: number }>(
      {
        create: () => {
          calls++;
          return calls === 1 ? new Promise<{ id: number }>(() => {}) : { id: calls };
        },
        destroy: () => {},
      },
      { min: 1, max: 1, createTimeout: 20 },
    );
    try {
      const deadline = Date.now() + 5000;
      while (pool.stats.idle < 1 && Date.now() < deadline) await sleep(10);
      expect(pool.stats).toMatchObject({ size: 1, idle: 1, pending: 0 });
      expect(calls).toBe(2);
    } finally {
      await pool.close();
    }
  });
});
