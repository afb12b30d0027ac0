import { describe, expect, it } from 'vitest';
import { Pool } from './pool.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A create() that threw synchronously used to be handled synchronously too: the pool's count
 * of creates in flight dropped before the loop that had started it looked again, so that
 * loop (for the queue, or for `min`) called create() again at once, forever, at 100% CPU.
 * These factories give up throwing after LIMIT calls (they return a create that never
 * settles), so that the old behaviour shows as a call count instead of a hang.
 */
const LIMIT = 1000;

function throwingFactory(message: string) {
  const factory = {
    calls: 0,
    create(): Promise<object> {
      factory.calls++;
      if (factory.calls > LIMIT) return new Promise<object>(() => {});
      throw new Error(message);
    },
    destroy(): void {},
  };
  return factory;
}

describe('Pool: a create() that throws synchronously', () => {
  it('rejects the one acquire that needed it with the factory error, calling create once', async () => {
    const factory = throwingFactory('ECONNREFUSED');
    const pool = new Pool(factory, { max: 2 });
    await expect(pool.acquire()).rejects.toThrow('ECONNREFUSED');
    expect(factory.calls).toBe(1);
    expect(pool.stats).toMatchObject({ waiting: 0, pending: 0 });
    await pool.close();
  });

  it('fails each queued acquire once, in order, and the pool stays usable', async () => {
    let calls = 0;
    const pool = new Pool<{ id: number }>(
      {
        create: () => {
          calls++;
          if (calls > LIMIT) return new Promise<{ id: number }>(() => {});
          if (calls <= 2) throw new Error(`down ${calls}`);
          return { id: calls };
        },
        destroy: () => {},
      },
      { max: 1 },
    );
    const outcomes = await Promise.all(
      [pool.acquire(), pool.acquire()].map((acquired) =>
        acquired.then(
          (resource) => `got ${resource.id}`,
          (error: Error) => error.message,
        ),
      ),
    );
    expect(outcomes).toEqual(['down 1', 'down 2']);
    expect(calls).toBe(2);
    expect((await pool.acquire()).id).toBe(3);
    await pool.close();
  });

  it('warming up to min, backs off before trying again instead of spinning', async () => {
    const factory = throwingFactory('server down');
    const started = Date.now();
    const pool = new Pool(factory, { min: 1, max: 1 });
    try {
      expect(factory.calls).toBe(1);
      const deadline = Date.now() + 5000;
      while (factory.calls < 2 && Date.now() < deadline) await sleep(10);
      expect(factory.calls).toBe(2);
      // The first retry comes after 250 ms; allow half of it for a coarse clock.
      expect(Date.now() - started).toBeGreaterThanOrEqual(125);
    } finally {
      await pool.close();
    }
  });

  it('does not lend a shared resource past maxSharing when a nested dispatch ran', async () => {
    // Create 1 succeeds; 2 (made ahead of demand) rejects a little later; 3 throws
    // synchronously; later ones never settle. The throw used to run a second dispatch
    // inside the first, after which the first lent the resource it had picked once more.
    let calls = 0;
    const pool = new Pool<{ id: number }>(
      {
        create: () => {
          calls++;
          if (calls === 1) return { id: 1 };
          if (calls === 2) return sleep(20).then(() => Promise.reject(new Error('async failure')));
          if (calls === 3) throw new Error('sync failure');
          return new Promise<{ id: number }>(() => {});
        },
        destroy: () => {},
      },
      { max: 2, maxSharing: 3 },
    );
    let holders = 0;
    const hold = (acquired: Promise<{ id: number }>) =>
      acquired.then(
        () => holders++,
        () => {},
      );
    await hold(pool.acquire());
    await hold(pool.acquire()); // shares resource 1; create 2 starts ahead of demand
    expect(calls).toBe(2);
    // Resource 1 has room, but with a create on its way these two wait for it.
    const queued = [hold(pool.acquire()), hold(pool.acquire())];
    expect(pool.stats.waiting).toBe(2);
    const deadline = Date.now() + 5000;
    while (calls < 4 && Date.now() < deadline) await sleep(5);
    await sleep(5);
    expect(holders).toBe(3);
    expect(pool.stats).toMatchObject({ size: 1, borrowed: 3, waiting: 1 });
    void queued;
    await pool.close();
  });
});
