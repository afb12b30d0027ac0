import { describe, expect, it } from 'vitest';
import { Pool } from './index.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// The pool README: `min` resources are "kept alive even when idle, made in the background at
// start and after a loss". A server that is down when the pool starts is the common case of a
// warm-up that fails: once it is back, the pool must hold its `min` again without an acquire.
describe('Pool: min resources after a failed warm-up', () => {
  it('are made again once the factory succeeds', async () => {
    let calls = 0;
    const pool = new Pool<{ id: number }>(
      {
        create: async () => {
          calls++;
          if (calls <= 2) throw new Error(`server down (${calls})`);
          return { id: calls };
        },
        destroy: () => {},
      },
      { min: 1, max: 2 },
    );
    try {
      // Retries after 250 and 500 ms; never re-made, it would wait forever.
      const deadline = Date.now() + 10_000;
      while (pool.stats.idle < 1 && Date.now() < deadline) await sleep(20);
      expect(pool.stats.idle).toBe(1);
      expect(calls).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('stop with close()', async () => {
    let calls = 0;
    const pool = new Pool<object>(
      {
        create: async () => {
          calls++;
          throw new Error('server down');
        },
        destroy: () => {},
      },
      { min: 1 },
    );
    const deadline = Date.now() + 10_000;
    while (calls <= 1 && Date.now() < deadline) await sleep(20);
    expect(calls).toBeGreaterThan(1); // retried while open
    await pool.close();
    const after = calls;
    await sleep(1200);
    expect(calls).toBe(after);
  });
});
