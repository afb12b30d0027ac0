import { describe, expect, it } from 'vitest';
import { Pool } from './pool.js';

/**
 * Each create for the queue used to look for its waiter by walking the queue from its head
 * past every waiter that already had a create: quadratic. 20,000 acquires with max 20,000
 * took about 5 s on a fast machine; they take a few tens of milliseconds now.
 */
describe('Pool: a long queue of acquires that each need a create', () => {
  it('queues in linear time', async () => {
    const n = 20_000;
    const finish: Array<() => void> = [];
    const pool = new Pool<object>(
      {
        create: () => new Promise<object>((resolve) => finish.push(() => resolve({}))),
        destroy: () => {},
      },
      { max: n },
    );
    const started = performance.now();
    const acquires: Promise<object>[] = [];
    for (let index = 0; index < n; index++) acquires.push(pool.acquire());
    const elapsed = performance.now() - started;
    expect(pool.stats).toMatchObject({ waiting: n, pending: n });
    for (const done of finish) done();
    expect(await Promise.all(acquires)).toHaveLength(n);
    // Half the old time, still far above what a slow machine needs for linear work.
    expect(elapsed).toBeLessThan(2500);
    await pool.close();
  }, 30_000);
});
