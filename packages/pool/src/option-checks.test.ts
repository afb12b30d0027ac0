import { MemcacheIllegalInputError, MemcacheTimeoutError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { Pool } from './pool.js';
import type { PoolFactory } from './types.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function factory(): PoolFactory<{ id: number }> & { made: number } {
  const made = {
    made: 0,
    create: () => ({ id: ++made.made }),
    destroy: () => {},
  };
  return made;
}

/** Calls `make` with input its types refuse, as a JavaScript caller could. */
function untyped<A extends unknown[], R>(make: (...args: A) => R, ...args: unknown[]): R {
  return make(...(args as A));
}

const UntypedPool = Pool as unknown as new (...args: unknown[]) => Pool<unknown>;
const newPool = (...args: unknown[]) => new UntypedPool(...args);

describe('Pool: bad input is refused with MemcacheIllegalInputError', () => {
  it('counts must be finite whole numbers', () => {
    // maxSharing: Infinity used to be accepted, and then nothing was ever created; an
    // infinite min had the constructor create forever.
    for (const options of [
      { maxSharing: Number.POSITIVE_INFINITY },
      { max: Number.POSITIVE_INFINITY },
      { min: Number.POSITIVE_INFINITY },
      { max: 0 },
      { max: 1.5 },
      { max: Number.NaN },
      { max: '2' },
      { min: -1 },
      { min: 3, max: 2 },
      { maxSharing: 0 },
    ]) {
      expect(() => newPool(factory(), options), JSON.stringify(options)).toThrow(MemcacheIllegalInputError);
    }
  });

  it('durations must be finite numbers of milliseconds', () => {
    for (const options of [
      { acquireTimeout: -1 },
      { acquireTimeout: Number.POSITIVE_INFINITY },
      { idleTimeout: Number.NaN },
      { idleTimeout: '5' },
      { createTimeout: 0 },
      { createTimeout: -5 },
    ]) {
      expect(() => newPool(factory(), options), JSON.stringify(options)).toThrow(MemcacheIllegalInputError);
    }
  });

  it('options must be an object', () => {
    expect(() => newPool(factory(), null)).toThrow(MemcacheIllegalInputError);
    expect(() => newPool(factory(), 4)).toThrow(MemcacheIllegalInputError);
  });

  it('the factory is checked when the pool is made', () => {
    // A missing factory used to be found out only by create(), which then looped forever.
    expect(() => newPool(undefined)).toThrow(MemcacheIllegalInputError);
    expect(() => newPool({})).toThrow(/create/);
    expect(() => newPool({ create: () => ({}) })).toThrow(/destroy/);
    expect(() => newPool({ create: () => ({}), destroy: () => {}, validate: true })).toThrow(/validate/);
    expect(() => newPool({ create: () => ({}), destroy: () => {} })).not.toThrow();
  });

  it('a signal that is not an AbortSignal rejects the acquire without queueing it', async () => {
    // The acquire used to reject with a TypeError after it had been queued: the next
    // release lent the resource to that ghost and threw to the releaser.
    const pool = new Pool(factory(), { max: 1 });
    const held = await pool.acquire();
    const acquire = untyped(pool.acquire.bind(pool), { signal: { aborted: false } });
    await expect(acquire).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    expect(pool.stats.waiting).toBe(0);
    expect(() => pool.release(held)).not.toThrow();
    expect(await pool.acquire()).toBe(held);
    await expect(untyped(pool.acquire.bind(pool), null)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(untyped(pool.acquire.bind(pool), { signal: 'x' })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await pool.close();
  });

  it('a bad signal leaves no timer behind to throw later', async () => {
    // With acquireTimeout, the ghost's timer used to throw an uncaught TypeError.
    const pool = new Pool(factory(), { max: 1, acquireTimeout: 10 });
    await expect(untyped(pool.acquire.bind(pool), { signal: {} })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await sleep(40);
    const held = await pool.acquire();
    await expect(pool.acquire()).rejects.toBeInstanceOf(MemcacheTimeoutError);
    pool.release(held);
    await pool.close();
  });

  it('use() checks its callback before it acquires anything', async () => {
    const made = factory();
    const pool = new Pool(made, { max: 1 });
    await expect(untyped(pool.use.bind(pool), 42)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    expect(made.made).toBe(0);
    expect(pool.stats).toMatchObject({ size: 0, borrowed: 0, pending: 0 });
    await pool.close();
  });

  it('close() checks force', async () => {
    const pool = new Pool(factory());
    await expect(untyped(pool.close.bind(pool), { force: 'yes' })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await expect(untyped(pool.close.bind(pool), null)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    // Refused input closes nothing.
    expect(await pool.acquire()).toMatchObject({ id: 1 });
    await pool.close({ force: true });
  });
});
