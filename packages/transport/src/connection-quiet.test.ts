import { commands, MemcacheClientError, MemcacheServerError } from '@mc/protocol';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from './connection.js';
import { bytes, text } from './test-support/requests.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached({ args: ['-I', '1m'] });
});

afterAll(async () => {
  await server?.stop();
});

const tooLarge = new Uint8Array(2 * 1024 * 1024);

describe('quiet meta requests through the raw Connection', () => {
  it('pins an error among quiet requests on the one that failed', async () => {
    const connection = new Connection(server.address);
    const a = connection.send(commands.metaSet.request('quiet:a', bytes('small'), { quiet: true }));
    const b = connection.send(commands.metaSet.request('quiet:b', tooLarge, { quiet: true }));
    const noop = connection.send(commands.metaNoop.request());
    const [settledA, settledB, settledNoop] = await Promise.allSettled([a, b, noop]);
    expect(settledA).toMatchObject({ status: 'fulfilled', value: { code: 'HD' } });
    expect(settledB.status).toBe('rejected');
    expect((settledB as PromiseRejectedResult).reason).toBeInstanceOf(MemcacheServerError);
    expect(settledNoop).toMatchObject({ status: 'fulfilled', value: { code: 'MN' } });
    const [hit] = await connection.send(commands.get.request(['quiet:a']));
    expect(text(hit?.value)).toBe('small');
    expect(await connection.send(commands.get.request(['quiet:b']))).toEqual([]);
    await connection.close();
  });

  it('does not hand a loud request the reply of the next one after a hidden miss', async () => {
    const connection = new Connection(server.address);
    await connection.send(commands.set.request('quiet:text', bytes('not a number'), 0, 0, false));
    await connection.send(commands.set.request('quiet:counter', bytes('41'), 0, 0, false));
    await connection.send(commands.delete.request('quiet:missing', false));
    const miss = connection.send(commands.metaGet.request('quiet:missing', { quiet: true, value: true }));
    const notNumeric = connection.send(commands.incr.request('quiet:text', 1n, false));
    const counted = connection.send(commands.incr.request('quiet:counter', 1n, false));
    const [settledMiss, settledText, settledCounter] = await Promise.allSettled([miss, notNumeric, counted]);
    expect(settledMiss).toMatchObject({ status: 'fulfilled', value: { code: 'EN' } });
    expect(settledText.status).toBe('rejected');
    expect((settledText as PromiseRejectedResult).reason).toBeInstanceOf(MemcacheClientError);
    expect(settledCounter).toEqual({ status: 'fulfilled', value: 42n });
    await connection.close();
  });

  it('matches many quiet requests with hits, misses and errors mixed', async () => {
    const connection = new Connection(server.address);
    const keys = Array.from({ length: 30 }, (_, index) => `quiet:mix:${index}`);
    await Promise.all(
      keys.map((key, index) =>
        index % 3 === 0
          ? connection.send(commands.set.request(key, bytes(`v${index}`), 0, 0, false))
          : connection.send(commands.delete.request(key, false)),
      ),
    );
    const sets = keys.map((key, index) =>
      index % 5 === 1
        ? connection.send(commands.metaSet.request(`${key}:big`, tooLarge, { quiet: true }))
        : connection.send(commands.metaGet.request(key, { quiet: true, value: true })),
    );
    const outcomes = await Promise.allSettled(sets);
    outcomes.forEach((outcome, index) => {
      if (index % 5 === 1) {
        expect(outcome.status).toBe('rejected');
      } else if (index % 3 === 0) {
        expect(outcome.status).toBe('fulfilled');
        const reply = (outcome as PromiseFulfilledResult<{ code: string; value?: Uint8Array }>).value;
        expect(reply.code).toBe('VA');
        expect(text(reply.value)).toBe(`v${index}`);
      } else {
        expect(outcome).toMatchObject({ status: 'fulfilled', value: { code: 'EN' } });
      }
    });
    await connection.close();
  });
});
