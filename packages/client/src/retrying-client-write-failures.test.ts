import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, MemcacheTimeoutError, RetryingClient, type WriteFailure } from './index.js';

// Through a RetryingClient every failed try was reported as a write failure: a set whose
// first try timed out and whose retry stored the value resolved true, yet its key had been
// reported (an application replaying or invalidating it acted on a write that had landed),
// and a write that failed three tries was reported three times.
describe('RetryingClient: one write-failure report per call', () => {
  let server: MemcachedServer;
  beforeAll(async () => {
    server = await startMemcached();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('reports nothing when a retry stores the value', async () => {
    const failures: WriteFailure[] = [];
    const inner = new Client(server.address, {
      timeout: 200,
      onWriteFailure: (failure) => failures.push(failure),
    });
    const client = new RetryingClient(inner, { attempts: 2, retryDelay: 400 });
    try {
      expect(await client.set('k', 'first')).toBe(true);
      server.pause();
      setTimeout(() => server.resume(), 300); // after the first try's deadline, before the retry
      expect(await client.set('k', 'second')).toBe(true);
      expect(failures).toEqual([]);
      expect(await inner.get('k')).toBe('second');
    } finally {
      server.resume();
      await client.close();
    }
  });

  it('reports a call that failed every try once, with its last error', async () => {
    const failures: WriteFailure[] = [];
    const inner = new Client(server.address, {
      timeout: 150,
      onWriteFailure: (failure) => failures.push(failure),
    });
    const client = new RetryingClient(inner, { attempts: 3, retryDelay: 20 });
    try {
      expect(await client.set('k', 'v')).toBe(true);
      server.pause();
      await expect(client.set('k', 'lost')).rejects.toBeInstanceOf(MemcacheTimeoutError);
      expect(failures.map((failure) => [failure.key, failure.command])).toEqual([['k', 'set']]);
    } finally {
      server.resume();
      await client.close();
    }
  });
});
