import { describe, expect, it } from 'vitest';
import { Pool } from './pool.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Resource {
  id: number;
}

function factory() {
  let next = 0;
  const destroyed: Resource[] = [];
  return {
    destroyed,
    create: (): Resource => ({ id: ++next }),
    destroy: (resource: Resource) => {
      destroyed.push(resource);
    },
  };
}

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await sleep(ms);
  return settled;
}

/**
 * `release(resource)` cannot tell two holders of the same object apart: a stray second
 * release after the resource was lent again used to give back the new holder's borrow, and
 * the resource was then lent to a third caller while the second still held it. A lease is
 * one borrow with its own identity.
 */
describe('Pool.lease()', () => {
  it('a second release of a lease does not give back the next holder’s borrow', async () => {
    const pool = new Pool(factory(), { max: 1 });
    const a = await pool.lease();
    const b = pool.lease();
    a.release();
    const held = await b;
    expect(held.resource).toBe(a.resource);
    a.release(); // stray: ignored
    expect(pool.stats).toMatchObject({ borrowed: 1, idle: 0 });
    const c = pool.lease();
    expect(await settlesWithin(c, 20)).toBe(false);
    held.release();
    expect((await c).resource).toBe(a.resource);
    await pool.close();
  });

  it('destroy() after release() does not destroy what the next holder borrowed', async () => {
    const made = factory();
    const pool = new Pool(made, { max: 1 });
    const a = await pool.lease();
    const b = pool.lease();
    a.release();
    const held = await b;
    await a.destroy();
    expect(made.destroyed).toEqual([]);
    expect(pool.stats).toMatchObject({ size: 1, borrowed: 1 });
    await held.destroy();
    expect(made.destroyed).toEqual([held.resource]);
    held.release(); // after its destroy: nothing left to give back
    expect(pool.stats).toMatchObject({ size: 0, borrowed: 0 });
    await pool.close();
  });

  it('takes the same options as acquire', async () => {
    const pool = new Pool(factory(), { max: 1 });
    const held = await pool.lease();
    const controller = new AbortController();
    const waiting = pool.lease({ signal: controller.signal });
    controller.abort(new Error('not needed'));
    await expect(waiting).rejects.toThrow('not needed');
    held.release();
    await pool.close();
  });
});

describe('Pool.release(resource)', () => {
  it('a release of a resource nobody holds is ignored', async () => {
    const pool = new Pool(factory(), { max: 1, maxSharing: 2 });
    const resource = await pool.acquire();
    pool.release(resource);
    pool.release(resource);
    expect(pool.stats).toMatchObject({ borrowed: 0, idle: 1 });
    const again = await pool.acquire();
    expect(pool.stats).toMatchObject({ borrowed: 1 });
    pool.release(again);
    await pool.close();
  });

  it('a stray release while the resource is validated for the next acquire is ignored', async () => {
    // The stray release used to count as the pool's own borrow for that acquire: once
    // validated, the resource went to that acquire and, at the same time, to the next one.
    const answers: Array<(valid: boolean) => void> = [];
    const pool = new Pool<Resource>(
      {
        ...factory(),
        validate: () => new Promise<boolean>((resolve) => answers.push(resolve)),
      },
      { max: 1 },
    );
    const resource = await pool.acquire();
    pool.release(resource);
    const second = pool.acquire();
    await sleep(1);
    expect(answers).toHaveLength(1);
    pool.release(resource); // stray
    answers[0]!(true);
    expect(await second).toBe(resource);
    const third = pool.acquire();
    expect(await settlesWithin(third, 20)).toBe(false);
    expect(pool.stats).toMatchObject({ borrowed: 1, waiting: 1 });
    await pool.close();
    await third.catch(() => {});
  });
});
