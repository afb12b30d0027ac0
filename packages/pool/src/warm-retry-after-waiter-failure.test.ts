import { describe, expect, it } from 'vitest';
import { Pool } from './index.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// A failed warm-up is tried again "until min resources are held". The retry timer only looks
// at what is being created when it fires: if a create made for a waiter is under way then,
// the timer does nothing, and when that create fails too (the server still down) no retry is
// armed, because only a create made ahead of demand arms one. The pool then stays below
// `min` for good, however long the server has been back.
describe('Pool: warm-up retry while a create for a waiter is under way', () => {
  it('still brings the pool back to min once the factory succeeds', async () => {
    const creates: Array<{ resolve: (value: object) => void; reject: (error: Error) => void }> = [];
    let serverUp = false;
    const pool = new Pool<object>(
      {
        create: () =>
          serverUp
            ? Promise.resolve({})
            : new Promise<object>((resolve, reject) => creates.push({ resolve, reject })),
        destroy: () => {},
      },
      { min: 1, max: 1 },
    );
    try {
      // The warm-up create fails: a retry is armed for 250 ms later.
      expect(creates).toHaveLength(1);
      creates[0]!.reject(new Error('server down'));
      // Microtasks only, so the retry timer cannot fire before the acquire below.
      for (let turn = 0; turn < 100 && pool.stats.pending > 0; turn++) await Promise.resolve();
      expect(pool.stats.pending).toBe(0);
      // A caller wants a resource meanwhile: a create for it starts and hangs (a slow connect).
      const acquired = pool.acquire().catch((error: unknown) => error);
      await sleep(10);
      expect(creates).toHaveLength(2);
      // The retry fires while that create is under way, and does nothing.
      await sleep(600);
      // The caller's create fails too; then the server comes back.
      creates[1]!.reject(new Error('server still down'));
      expect(await acquired).toBeInstanceOf(Error);
      serverUp = true;
      // The next retry comes 500 ms later; without one, the pool would stay empty for good.
      const deadline = Date.now() + 10_000;
      while (pool.stats.size < 1 && Date.now() < deadline) await sleep(20);
      expect(pool.stats.size).toBe(1);
    } finally {
      await pool.close();
    }
  }, 20000);
});
