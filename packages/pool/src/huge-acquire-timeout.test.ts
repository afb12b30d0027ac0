import { describe, expect, it } from 'vitest';
import { Pool } from './pool.js';

// acquireTimeout is "milliseconds an acquire may wait", validated as any finite number ≥ 0.
// Node's setTimeout cannot wait more than 2^31-1 ms and fires a longer delay after 1 ms
// (TimeoutOverflowWarning), so an acquireTimeout of 2^31 ms (24.8 days) rejects the acquire
// with MemcacheTimeoutError at once instead of letting it wait for the release.
describe('Pool: acquireTimeout above what a Node timer holds', () => {
  it('an acquire waits for the release, not 1 ms', async () => {
    const pool = new Pool({ create: () => ({}), destroy: () => {} }, { max: 1, acquireTimeout: 2 ** 31 });
    const first = await pool.acquire();
    const second = pool.acquire();
    setTimeout(() => pool.release(first), 50);
    await expect(second).resolves.toBe(first);
    await pool.close();
  });
});
