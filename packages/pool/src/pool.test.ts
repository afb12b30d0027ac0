import { MemcacheConnectionError, MemcacheIllegalInputError, MemcacheTimeoutError } from '@mc/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Pool } from './pool.js';
import type { PoolFactory } from './types.js';

interface Fake {
  id: number;
  healthy: boolean;
}

interface FakeFactoryOptions {
  /** These create() calls (1-based) fail. */
  failing?: number[];
  /** Milliseconds each create() takes. */
  delay?: number;
  validate?: (resource: Fake) => boolean | Promise<boolean>;
}

/** The injectable factory's reason to exist: a pool driven by fakes, counting what it did. */
function fakeFactory(options: FakeFactoryOptions = {}) {
  let calls = 0;
  const created: Fake[] = [];
  const destroyed: Fake[] = [];
  const factory: PoolFactory<Fake> = {
    create: async () => {
      calls++;
      const call = calls;
      if (options.delay) await sleep(options.delay);
      if (options.failing?.includes(call)) throw new MemcacheConnectionError(`create ${call} failed`);
      const resource = { id: call, healthy: true };
      created.push(resource);
      return resource;
    },
    destroy: (resource) => {
      destroyed.push(resource);
    },
  };
  if (options.validate) factory.validate = options.validate;
  return { factory, created, destroyed, calls: () => calls };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lets every pending promise callback and immediate run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Records the order in which promises settle. */
function track<T>(promise: Promise<T>, label: string, log: string[]): Promise<T | undefined> {
  return promise.then(
    (value) => {
      log.push(label);
      return value;
    },
    () => {
      log.push(`${label}:rejected`);
      return undefined;
    },
  );
}

const pools: Pool<Fake>[] = [];
function makePool(factory: PoolFactory<Fake>, options: ConstructorParameters<typeof Pool>[1] = {}) {
  const pool = new Pool(factory, options);
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

describe('Pool', () => {
  it('lends one resource and reuses it after release', async () => {
    const fake = fakeFactory();
    const pool = makePool(fake.factory);
    const first = await pool.acquire();
    pool.release(first);
    const second = await pool.acquire();
    expect(second).toBe(first);
    expect(fake.calls()).toBe(1);
  });

  it('serves waiters in FIFO order and never creates past max', async () => {
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const log: string[] = [];
    const waiters = [1, 2, 3, 4].map((index) => track(pool.acquire(), `w${index}`, log));
    await flush();
    expect(pool.stats).toEqual({ size: 2, idle: 0, borrowed: 2, waiting: 4, pending: 0 });
    pool.release(b);
    pool.release(a);
    await flush();
    expect(log).toEqual(['w1', 'w2']);
    const [w1, w2] = await Promise.all([waiters[0], waiters[1]]);
    pool.release(w2!);
    await flush();
    pool.release(w1!);
    await flush();
    expect(log).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect(await waiters[2]).toBe(w2);
    expect(await waiters[3]).toBe(w1);
    expect(fake.calls()).toBe(2);
  });

  it('creates in parallel for a queue of exclusive waiters, up to max', async () => {
    const fake = fakeFactory({ delay: 5 });
    const pool = makePool(fake.factory, { max: 3 });
    const acquires = [1, 2, 3, 4, 5].map(() => pool.acquire());
    expect(pool.stats.pending).toBe(3);
    const three = await Promise.all(acquires.slice(0, 3));
    expect(new Set(three.map((resource) => resource.id))).toEqual(new Set([1, 2, 3]));
    expect(pool.stats.waiting).toBe(2);
    for (const resource of three) pool.release(resource);
    await Promise.all(acquires.slice(3));
    expect(fake.calls()).toBe(3);
  });

  it('shares a resource up to maxSharing, least-loaded first, then waits', async () => {
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 2, maxSharing: 3 });
    const borrowed = await Promise.all([1, 2, 3, 4, 5, 6].map(() => pool.acquire()));
    const perResource = new Map<number, number>();
    for (const resource of borrowed) perResource.set(resource.id, (perResource.get(resource.id) ?? 0) + 1);
    expect([...perResource.values()]).toEqual([3, 3]);
    expect(pool.stats).toMatchObject({ size: 2, borrowed: 6, idle: 0 });
    expect(pool.tryAcquire()).toBeUndefined();

    const seventh = pool.acquire();
    await flush();
    expect(pool.stats.waiting).toBe(1);
    const second = borrowed.find((resource) => resource.id === 2)!;
    pool.release(second);
    expect((await seventh).id).toBe(2);
    expect(fake.calls()).toBe(2);
  });

  it('tryAcquire picks the least-loaded resource and grows in the background', async () => {
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 2, maxSharing: 10 });
    expect(pool.tryAcquire()).toBeUndefined();
    const first = await pool.acquire();
    // Every resource is busy and the pool may grow: the call shares, and a second is made.
    expect(pool.tryAcquire()).toBe(first);
    expect(pool.stats.pending).toBe(1);
    await flush();
    expect(pool.stats.size).toBe(2);
    const next = pool.tryAcquire();
    expect(next?.id).toBe(2);
    expect(pool.stats.borrowed).toBe(3);
    pool.release(first);
    pool.release(first);
    pool.release(next!);
    expect(pool.stats).toMatchObject({ borrowed: 0, idle: 2 });
  });

  it('a release goes to a queued waiter, not to a later tryAcquire', async () => {
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 1 });
    const held = await pool.acquire();
    const waiter = pool.acquire();
    pool.release(held);
    // The release went straight to the waiter.
    expect(pool.tryAcquire()).toBeUndefined();
    pool.release(await waiter);
    expect(pool.tryAcquire()).toBe(held);
  });

  it('rejects an acquire that waits past acquireTimeout with MemcacheTimeoutError, leaving others queued', async () => {
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 1, acquireTimeout: 1000 });
    const held = await pool.acquire();
    const started = Date.now();
    const first = pool.acquire();
    await expect(first).rejects.toBeInstanceOf(MemcacheTimeoutError);
    // Not at once: the margin allows for a timer that counts from an event loop clock read
    // before `started`.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(pool.stats.waiting).toBe(0);
    const second = pool.acquire();
    pool.release(held);
    expect(await second).toBe(held);
  });

  it('an aborted acquire leaves the queue without disturbing the others', async () => {
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 1 });
    const held = await pool.acquire();
    const log: string[] = [];
    const controller = new AbortController();
    const first = track(pool.acquire(), 'first', log);
    const middle = pool.acquire({ signal: controller.signal });
    const last = track(pool.acquire(), 'last', log);
    controller.abort(new Error('no longer needed'));
    await expect(middle).rejects.toThrow('no longer needed');
    expect(pool.stats.waiting).toBe(2);
    pool.release(held);
    pool.release((await first)!);
    await last;
    expect(log).toEqual(['first', 'last']);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const pool = makePool(fakeFactory().factory);
    await expect(pool.acquire({ signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow(
      'already',
    );
    expect(pool.stats.waiting).toBe(0);
  });

  it('destroys idle resources above min after idleTimeout, oldest first', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 3, min: 1, idleTimeout: 1_000 });
    const resources = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    expect(pool.stats.size).toBe(3);
    pool.release(resources[0]!);
    vi.advanceTimersByTime(500);
    pool.release(resources[1]!);
    pool.release(resources[2]!);
    vi.advanceTimersByTime(500);
    // resources[0] has been idle 1000 ms; the others 500 ms.
    expect(fake.destroyed.map((resource) => resource.id)).toEqual([resources[0]!.id]);
    vi.advanceTimersByTime(500);
    // Down to min: one stays.
    expect(fake.destroyed).toHaveLength(2);
    expect(pool.stats.size).toBe(1);
    vi.advanceTimersByTime(5_000);
    expect(pool.stats.size).toBe(1);
  });

  it('a resource borrowed again is not reaped', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 1, idleTimeout: 100 });
    const resource = await pool.acquire();
    pool.release(resource);
    vi.advanceTimersByTime(50);
    expect(pool.tryAcquire()).toBe(resource);
    vi.advanceTimersByTime(200);
    expect(fake.destroyed).toHaveLength(0);
    pool.release(resource);
    vi.advanceTimersByTime(100);
    expect(fake.destroyed).toEqual([resource]);
  });

  it('keeps min resources warm, also after one is destroyed', async () => {
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 4, min: 2 });
    expect(pool.stats.pending).toBe(2);
    await flush();
    expect(pool.stats).toMatchObject({ size: 2, idle: 2, pending: 0 });
    const resource = await pool.acquire();
    await pool.destroy(resource);
    await flush();
    expect(pool.stats).toMatchObject({ size: 2, idle: 2 });
    expect(fake.calls()).toBe(3);
  });

  it('drain rejects queued acquires, waits for borrowed resources, then destroys everything', async () => {
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    pool.release(b);
    const idleBefore = pool.stats.idle;
    expect(idleBefore).toBe(1);
    const held = await pool.acquire();
    const queued = pool.acquire();
    let drained = false;
    const drain = pool.drain().then(() => {
      drained = true;
    });
    await expect(queued).rejects.toBeInstanceOf(MemcacheConnectionError);
    await expect(pool.acquire()).rejects.toThrow(/draining/);
    expect(pool.tryAcquire()).toBeUndefined();
    await flush();
    expect(drained).toBe(false);
    pool.release(a);
    await flush();
    expect(drained).toBe(false);
    pool.release(held);
    await drain;
    expect(fake.destroyed).toHaveLength(2);
    expect(pool.stats).toEqual({ size: 0, idle: 0, borrowed: 0, waiting: 0, pending: 0 });
    await expect(pool.acquire()).rejects.toThrow(/closed/);
  });

  it('drain waits for a resource being created and destroys it', async () => {
    const fake = fakeFactory({ delay: 10 });
    const pool = makePool(fake.factory);
    const acquire = pool.acquire();
    const drain = pool.drain();
    await expect(acquire).rejects.toBeInstanceOf(MemcacheConnectionError);
    await drain;
    expect(fake.destroyed).toHaveLength(1);
  });

  it('close with force resolves without waiting for slow destruction', async () => {
    let finish: (() => void) | undefined;
    const pool = makePool({
      create: async () => ({ id: 1, healthy: true }),
      destroy: () => new Promise<void>((resolve) => (finish = resolve)),
    });
    await pool.acquire();
    let closed = false;
    const graceful = pool.close().then(() => (closed = true));
    await sleep(20);
    expect(closed).toBe(false);
    await pool.close({ force: true });
    finish!();
    await graceful;
  });

  it('close rejects every waiter at once and destroys borrowed resources too', async () => {
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 1 });
    const held = await pool.acquire();
    const waiters = [pool.acquire(), pool.acquire(), pool.acquire()];
    await pool.close();
    for (const waiter of waiters) await expect(waiter).rejects.toThrow(/closed/);
    expect(fake.destroyed).toEqual([held]);
    // A late release of a destroyed resource is harmless.
    pool.release(held);
    expect(pool.stats).toEqual({ size: 0, idle: 0, borrowed: 0, waiting: 0, pending: 0 });
    await pool.close();
  });

  it('close during drain settles both', async () => {
    const pool = makePool(fakeFactory().factory);
    await pool.acquire();
    const drain = pool.drain();
    await pool.close();
    await drain;
  });

  it('a failing create rejects one waiter, not all, and the pool stays usable', async () => {
    const fake = fakeFactory({ failing: [1] });
    const pool = makePool(fake.factory, { max: 1 });
    const first = pool.acquire();
    const second = pool.acquire();
    await expect(first).rejects.toThrow('create 1 failed');
    const resource = await second;
    expect(resource.id).toBe(2);
    pool.release(resource);
    expect(await pool.acquire()).toBe(resource);
  });

  it('a factory that throws synchronously is handled like a rejection', async () => {
    let calls = 0;
    const pool = new Pool<Fake>({
      create: () => {
        calls++;
        if (calls === 1) throw new Error('sync failure');
        return { id: calls, healthy: true };
      },
      destroy: () => {},
    });
    await expect(pool.acquire()).rejects.toThrow('sync failure');
    expect((await pool.acquire()).id).toBe(2);
    await pool.close();
  });

  it('validates an idle resource on borrow and replaces one that fails', async () => {
    const fake = fakeFactory({ validate: (resource) => resource.healthy });
    const pool = makePool(fake.factory, { max: 1 });
    const first = await pool.acquire();
    pool.release(first);
    first.healthy = false;
    const second = await pool.acquire();
    expect(second.id).toBe(2);
    expect(fake.destroyed).toEqual([first]);
    pool.release(second);
    expect(pool.tryAcquire()).toBe(second);
  });

  it('supports an asynchronous validate, and one that throws counts as invalid', async () => {
    const fake = fakeFactory({
      validate: async (resource) => {
        await sleep(1);
        if (resource.id === 2) throw new Error('cannot tell');
        return resource.healthy;
      },
    });
    const pool = makePool(fake.factory, { max: 1 });
    const first = await pool.acquire();
    pool.release(first);
    first.healthy = false;
    const second = await pool.acquire();
    expect(second.id).toBe(2);
    pool.release(second);
    const third = await pool.acquire();
    expect(third.id).toBe(3);
    expect(fake.destroyed.map((resource) => resource.id)).toEqual([1, 2]);
    pool.release(third);
    // tryAcquire cannot wait for an asynchronous validate.
    expect(pool.tryAcquire()).toBeUndefined();
  });

  it('tryAcquire drops a resource that fails a synchronous validate', async () => {
    const fake = fakeFactory({ validate: (resource) => resource.healthy });
    const pool = makePool(fake.factory, { max: 1 });
    const first = await pool.acquire();
    pool.release(first);
    first.healthy = false;
    expect(pool.tryAcquire()).toBeUndefined();
    expect(fake.destroyed).toEqual([first]);
    expect(pool.stats.size).toBe(0);
  });

  it('a waiter that times out during validation hands the resource back', async () => {
    let release: (answer: boolean) => void = () => {};
    const fake = fakeFactory({
      validate: () =>
        new Promise<boolean>((resolve) => {
          release = resolve;
        }),
    });
    const pool = makePool(fake.factory, { max: 1, acquireTimeout: 20 });
    const resource = await pool.acquire();
    pool.release(resource);
    await expect(pool.acquire()).rejects.toBeInstanceOf(MemcacheTimeoutError);
    release(true);
    await flush();
    expect(pool.stats).toMatchObject({ size: 1, idle: 1, borrowed: 0 });
  });

  it('destroy removes a broken resource and a waiter gets a new one', async () => {
    const fake = fakeFactory();
    const pool = makePool(fake.factory, { max: 1 });
    const broken = await pool.acquire();
    const waiter = pool.acquire();
    await pool.destroy(broken);
    const replacement = await waiter;
    expect(replacement.id).toBe(2);
    expect(fake.destroyed).toEqual([broken]);
    // Releasing what was destroyed, or releasing twice, changes nothing.
    pool.release(broken);
    pool.release(replacement);
    pool.release(replacement);
    expect(pool.stats).toEqual({ size: 1, idle: 1, borrowed: 0, waiting: 0, pending: 0 });
  });

  it('use releases the resource whether fn resolves or throws', async () => {
    const pool = makePool(fakeFactory().factory);
    expect(await pool.use((resource) => resource.id)).toBe(1);
    await expect(
      pool.use(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(pool.stats.borrowed).toBe(0);
  });

  it('lists its resources', async () => {
    const pool = makePool(fakeFactory().factory, { max: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect([...pool.resources()]).toEqual([a, b]);
  });

  it('swallows errors from destroy', async () => {
    const pool = new Pool<Fake>({
      create: () => ({ id: 1, healthy: true }),
      destroy: () => {
        throw new Error('destroy failed');
      },
    });
    await pool.acquire();
    await pool.close();
  });

  it('rejects bad options with MemcacheIllegalInputError', () => {
    const factory = fakeFactory().factory;
    expect(() => new Pool(factory, { max: 0 })).toThrow(MemcacheIllegalInputError);
    expect(() => new Pool(factory, { max: 1.5 })).toThrow(MemcacheIllegalInputError);
    expect(() => new Pool(factory, { min: 3, max: 2 })).toThrow(MemcacheIllegalInputError);
    expect(() => new Pool(factory, { maxSharing: 0 })).toThrow(MemcacheIllegalInputError);
    expect(() => new Pool(factory, { acquireTimeout: -1 })).toThrow(MemcacheIllegalInputError);
    expect(() => new Pool(factory, { idleTimeout: Number.NaN })).toThrow(MemcacheIllegalInputError);
    expect(() => new Pool(factory, { maxSharing: Number.POSITIVE_INFINITY })).toThrow(
      MemcacheIllegalInputError,
    );
  });
});
