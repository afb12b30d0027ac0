import diagnosticsChannel from 'node:diagnostics_channel';
import { closedPort, type MemcachedServer, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  HashClient,
  MemcacheConnectionError,
  MemcacheTimeoutError,
  type WriteFailure,
  writeFailureChannel,
} from '../index.js';

let server: MemcachedServer;
const clients: Array<{ close(options?: { force?: boolean }): Promise<void> }> = [];
function track<C extends { close(options?: { force?: boolean }): Promise<void> }>(client: C): C {
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close({ force: true })));
  await server?.stop();
});

describe('write failures', () => {
  it('reports each failed write with its key when the server is down, also under ignoreErrors', async () => {
    const closed = await closedPort();
    const failures: WriteFailure[] = [];
    const client = track(
      new Client(closed.address, {
        keyPrefix: 'app:',
        ignoreErrors: true,
        connectTimeout: 500,
        reconnectDelay: 0,
        onWriteFailure: (failure) => failures.push(failure),
      }),
    );
    expect(await client.set('a', 'v')).toBe(false);
    expect(await client.add('b', 'v')).toBe(false);
    expect(await client.replace('c', 'v')).toBe(false);
    expect(await client.cas('d', 'v', 1n)).toBe('not_found');
    expect(await client.append('e', 'x')).toBe(false);
    expect(await client.prepend('f', 'x')).toBe(false);
    expect(await client.delete('g')).toBe(false);
    expect(await client.touch('h', 10)).toBe(false);
    expect(await client.incr('i')).toBeUndefined();
    expect(await client.decr('j')).toBeUndefined();
    expect((await client.metaSet('k', 'v')).status).toBe('not_stored');
    expect((await client.metaDelete('l')).status).toBe('not_found');
    expect((await client.metaArithmetic('m')).status).toBe('not_found');
    expect(await client.setMany({ n1: 'v', n2: 'v' })).toEqual(['n1', 'n2']);
    expect(await client.deleteMany(['o1', 'o2'])).toBe(0);
    // reads are not writes
    expect(await client.get('p')).toBeUndefined();
    expect(await client.metaGet('q')).toBeUndefined();

    const seen = failures.map((failure) => [failure.key, failure.command]);
    expect(seen.sort()).toEqual(
      [
        ['a', 'set'],
        ['b', 'add'],
        ['c', 'replace'],
        ['d', 'cas'],
        ['e', 'append'],
        ['f', 'prepend'],
        ['g', 'delete'],
        ['h', 'touch'],
        ['i', 'incr'],
        ['j', 'decr'],
        ['k', 'ms'],
        ['l', 'md'],
        ['m', 'ma'],
        ['n1', 'set'],
        ['n2', 'set'],
        ['o1', 'delete'],
        ['o2', 'delete'],
      ].sort(),
    );
    for (const failure of failures) {
      expect(failure.server).toBe(closed.address);
      expect(failure.error).toBeInstanceOf(MemcacheConnectionError);
    }
    expect(client.metrics().writeFailures).toBe(0); // counted only from the first metrics() call
    await client.set('after', 'v');
    expect(client.metrics().writeFailures).toBe(1);
  });

  it('reports a write that timed out on a frozen server, and the caller still gets the error', async () => {
    const frozen = await startFakeServer();
    const failures: WriteFailure[] = [];
    const client = track(
      new Client(frozen.address, { timeout: 200, onWriteFailure: (failure) => failures.push(failure) }),
    );
    await expect(client.set('slow', 'v')).rejects.toBeInstanceOf(MemcacheTimeoutError);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ key: 'slow', command: 'set', server: frozen.address });
    expect(failures[0]!.error).toBeInstanceOf(MemcacheTimeoutError);
    await client.close({ force: true });
    await frozen.close();
  });

  it('reports writes to a node HashClient holds dead, on mc:write:failure too', async () => {
    const down = await closedPort();
    const failures: WriteFailure[] = [];
    const published: WriteFailure[] = [];
    const subscriber = (message: unknown) => published.push(message as WriteFailure);
    diagnosticsChannel.subscribe('mc:write:failure', subscriber);
    try {
      const client = track(
        new HashClient([down.address], {
          retryAttempts: 1,
          connectTimeout: 500,
          onWriteFailure: (failure) => failures.push(failure),
        }),
      );
      await expect(client.set('first', 'v')).rejects.toBeInstanceOf(MemcacheConnectionError);
      // now dead: refused without touching the network, and still reported
      await expect(client.delete('second')).rejects.toBeInstanceOf(MemcacheConnectionError);
      expect(failures.map((failure) => failure.key)).toEqual(['first', 'second']);
      expect(published.map((failure) => failure.key)).toEqual(['first', 'second']);
      expect(writeFailureChannel.name).toBe('mc:write:failure');
    } finally {
      diagnosticsChannel.unsubscribe('mc:write:failure', subscriber);
    }
  });

  it('does not report successful writes, nor not_stored, exists or not_found answers', async () => {
    const failures: WriteFailure[] = [];
    const client = track(new Client(server.address, { onWriteFailure: (failure) => failures.push(failure) }));
    expect(await client.set('w', 'v')).toBe(true);
    expect(await client.add('w', 'v')).toBe(false);
    expect(await client.replace('never-set', 'v')).toBe(false);
    const read = await client.gets('w');
    await client.set('w', 'changed');
    expect(await client.cas('w', 'v', read!.cas)).toBe('exists');
    expect(await client.delete('never-set')).toBe(false);
    expect(await client.incr('never-set')).toBeUndefined();
    expect((await client.metaSet('w', 'v', { mode: 'add' })).status).toBe('not_stored');
    expect((await client.metaDelete('never-set')).status).toBe('not_found');
    expect(await client.setMany({ x: 1, y: 2 })).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('a throwing listener becomes a warning; the caller still gets the write error', async () => {
    const frozen = await startFakeServer();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const client = track(
        new Client(frozen.address, {
          timeout: 100,
          onWriteFailure: () => {
            throw new Error('listener bug');
          },
        }),
      );
      await expect(client.delete('k')).rejects.toBeInstanceOf(MemcacheTimeoutError);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((warning) => warning.message)).toEqual([
        'onWriteFailure threw: Error: listener bug',
      ]);
      await client.close({ force: true });
    } finally {
      process.off('warning', onWarning);
      await frozen.close();
    }
  });

  it('refuses an onWriteFailure that is not a function', () => {
    expect(() => new Client(server.address, { onWriteFailure: 'no' as never })).toThrow(/onWriteFailure/);
  });
});
