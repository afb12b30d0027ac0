import { describe, expect, it } from 'vitest';
import { Pool } from './index.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * create(): "a failure rejects the one acquire that needed it, and the pool stays usable";
 * acquire: "a resource, waiting in FIFO order when none is free".
 */
describe('Pool: a create that fails for a later acquire', () => {
  it('rejects that later acquire, not the first one, whose own create succeeds', async () => {
    let calls = 0;
    const pool = new Pool<{ id: number }>(
      {
        create: async () => {
          calls++;
          const call = calls;
          // The first create is slow and succeeds; the second fails fast.
          if (call === 1) {
            await sleep(50);
            return { id: call };
          }
          await sleep(5);
          throw new Error(`create ${call} failed`);
        },
        destroy: () => {},
      },
      { max: 2 },
    );
    const log: string[] = [];
    const first = pool.acquire().then(
      (resource) => log.push(`first got ${resource.id}`),
      (error: Error) => log.push(`first rejected: ${error.message}`),
    );
    const second = pool.acquire().then(
      (resource) => log.push(`second got ${resource.id}`),
      (error: Error) => log.push(`second rejected: ${error.message}`),
    );
    expect(pool.stats.pending).toBe(2);
    await Promise.all([first, second]);
    expect(log).toEqual(['second rejected: create 2 failed', 'first got 1']);
    await pool.close();
  });
});
