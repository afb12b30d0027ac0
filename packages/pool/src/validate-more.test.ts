import { describe, expect, it } from 'vitest';
import { Pool } from './pool.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Resource {
  id: number;
  dead: boolean;
}

describe('Pool: validate', () => {
  it('after an asynchronous validation passes, a shared resource serves the rest of the queue', async () => {
    // The queue used to stay put: the acquires that arrived during the validation waited
    // although the resource had room for them.
    let next = 0;
    const pool = new Pool<Resource>(
      {
        create: () => ({ id: ++next, dead: false }),
        destroy: () => {},
        validate: () => sleep(10).then(() => true),
      },
      { max: 1, maxSharing: 4 },
    );
    pool.release(await pool.acquire());
    const first = pool.acquire();
    const others = [pool.acquire(), pool.acquire()];
    expect(pool.stats.waiting).toBe(2);
    const resource = await first;
    const got = await Promise.race([Promise.all(others), sleep(500).then(() => 'still waiting')]);
    expect(got).toEqual([resource, resource]);
    expect(pool.stats).toMatchObject({ borrowed: 3, waiting: 0 });
    await pool.close();
  });

  it('checks a resource kept warm by min before its first loan', async () => {
    // A resource made ahead of demand counted as "just made" for as long as it sat idle.
    let validated = 0;
    let next = 0;
    const pool = new Pool<Resource>(
      {
        create: () => ({ id: ++next, dead: false }),
        destroy: () => {},
        validate: (resource) => {
          validated++;
          return !resource.dead;
        },
      },
      { min: 1, max: 1 },
    );
    await sleep(5);
    expect(pool.stats.idle).toBe(1);
    for (const resource of pool.resources()) resource.dead = true; // the server closed it
    const resource = await pool.acquire();
    expect(resource.dead).toBe(false);
    expect(resource.id).toBe(2);
    expect(validated).toBe(1);
    await pool.close();
  });

  it('does not check a resource handed straight from its create to the acquire', async () => {
    let validated = 0;
    const pool = new Pool<Resource>(
      {
        create: async () => ({ id: 1, dead: false }),
        destroy: () => {},
        validate: () => {
          validated++;
          return true;
        },
      },
      { max: 1 },
    );
    await pool.acquire();
    expect(validated).toBe(0);
    await pool.close();
  });

  it('a truthy answer keeps the resource, a falsy one drops it, also for tryAcquire', async () => {
    // A truthy answer that was not `true` used to be taken for a promise, and then for
    // "invalid": the resource was destroyed, and tryAcquire could not lend it at all.
    let next = 0;
    const answers = new Map<number, unknown>();
    const pool = new Pool<Resource>(
      {
        create: () => ({ id: ++next, dead: false }),
        destroy: () => {},
        validate: (resource) => answers.get(resource.id) as boolean,
      },
      { max: 1 },
    );
    const first = await pool.acquire();
    pool.release(first);
    answers.set(first.id, 1);
    expect(await pool.acquire()).toBe(first);
    pool.release(first);
    answers.set(first.id, 'yes');
    expect(pool.tryAcquire()).toBe(first);
    pool.release(first);
    answers.set(first.id, 0);
    const second = await pool.acquire();
    expect(second.id).toBe(2);
    pool.release(second);
    answers.set(second.id, Promise.resolve('ok'));
    expect(await pool.acquire()).toBe(second);
    await pool.close();
  });
});
