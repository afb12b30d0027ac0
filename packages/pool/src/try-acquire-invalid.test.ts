import { describe, expect, it } from 'vitest';
import { Pool } from './index.js';

interface Resource {
  id: number;
  healthy: boolean;
}

/**
 * validate: "false or a throw destroys it and the pool tries another"; tryAcquire: "a
 * resource now, or undefined when it would have to wait or create".
 */
describe('Pool.tryAcquire when the first idle resource fails validation', () => {
  it('destroys the invalid one and lends the next idle, valid one', async () => {
    let made = 0;
    const destroyed: number[] = [];
    const pool = new Pool<Resource>(
      {
        create: () => ({ id: made++, healthy: true }),
        destroy: (resource) => {
          destroyed.push(resource.id);
        },
        validate: (resource) => resource.healthy,
      },
      { max: 2 },
    );
    const first = await pool.acquire();
    const second = await pool.acquire();
    pool.release(first);
    pool.release(second);
    first.healthy = false;

    // No wait and no create is needed: `second` is idle and valid.
    expect(pool.tryAcquire()).toBe(second);
    expect(destroyed).toEqual([first.id]);
    await pool.close();
  });

  it('a validate that throws is the same as false', async () => {
    let made = 0;
    const pool = new Pool<Resource>(
      {
        create: () => ({ id: made++, healthy: true }),
        destroy: () => {},
        validate: (resource) => {
          if (!resource.healthy) throw new Error('broken');
          return true;
        },
      },
      { max: 2 },
    );
    const first = await pool.acquire();
    const second = await pool.acquire();
    pool.release(first);
    pool.release(second);
    first.healthy = false;
    expect(pool.tryAcquire()).toBe(second);
    await pool.close();
  });
});
