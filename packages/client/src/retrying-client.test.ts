import {
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheError,
  MemcacheIllegalInputError,
  MemcacheProtocolError,
  MemcacheServerError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
} from '@mc/protocol';
import { closedPort, startMemcached } from '@mc/test-utils';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Client } from './client.js';
import { RetryingClient } from './retrying-client.js';

/**
 * A stand-in for Client (a dependency of the thing under test, not the thing itself): its
 * calls fail with the queued errors first, then succeed, and it counts every call.
 */
class FlakyClient {
  readonly failures: unknown[];
  readonly calls: string[] = [];
  readonly callTimes: number[] = [];
  readonly keyPrefix = 'app:';
  closed = 0;

  constructor(failures: unknown[] = []) {
    this.failures = failures;
  }

  #attempt(name: string): void {
    this.calls.push(name);
    this.callTimes.push(Date.now());
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
  }

  async get(key: string): Promise<string | undefined> {
    this.#attempt('get');
    return `value of ${key}`;
  }

  async set(key: string, value: string, options?: { ttl?: number }): Promise<boolean> {
    this.#attempt(`set ${key}=${value} ttl=${options?.ttl ?? 0}`);
    return true;
  }

  async incr(_key: string, delta = 1n): Promise<bigint | undefined> {
    this.#attempt('incr');
    return 10n + delta;
  }

  /** Uses `this`, so a wrapper that loses the receiver would fail. */
  async getMany(keys: string[]): Promise<Map<string, string>> {
    this.#attempt('getMany');
    const values = new Map<string, string>();
    for (const key of keys) values.set(key, (await this.get(key))!);
    return values;
  }

  addServer(name: string): string {
    this.calls.push(`addServer ${name}`);
    if (name === 'bad') throw new MemcacheConnectionError('synchronous');
    return name;
  }

  async close(): Promise<void> {
    this.closed++;
    this.#attempt('close');
  }

  async quit(): Promise<void> {
    this.#attempt('quit');
  }
}

const connection = () => new MemcacheConnectionError('connect ECONNREFUSED');
const closed = () => new MemcacheUnexpectedCloseError('connection closed with the request outstanding');
const timeout = () => new MemcacheTimeoutError('deadline passed');

describe('RetryingClient', () => {
  it('keeps the wrapped client’s methods and types', async () => {
    const client = new RetryingClient(new FlakyClient());
    expectTypeOf(client.get).toEqualTypeOf<(key: string) => Promise<string | undefined>>();
    expectTypeOf(client.set).parameters.toEqualTypeOf<[string, string, { ttl?: number }?]>();
    expect(await client.get('k')).toBe('value of k');
    expect(await client.set('k', 'v', { ttl: 5 })).toBe(true);
    expect(await client.incr('n', 5n)).toBe(15n);
    expect(client.keyPrefix).toBe('app:');
    expect('get' in client).toBe(true);
    expect(client).toBeInstanceOf(RetryingClient);
  });

  it.each([
    ['MemcacheConnectionError', connection],
    ['MemcacheUnexpectedCloseError', closed],
    ['MemcacheTimeoutError', timeout],
  ])('retries %s by default', async (_name, makeError) => {
    const flaky = new FlakyClient([makeError()]);
    const client = new RetryingClient(flaky, { retryDelay: 0 });
    expect(await client.get('k')).toBe('value of k');
    expect(flaky.calls).toEqual(['get', 'get']);
  });

  it.each([
    ['MemcacheIllegalInputError', () => new MemcacheIllegalInputError('key too long')],
    ['MemcacheClientError', () => new MemcacheClientError('bad data chunk')],
    ['MemcacheServerError', () => new MemcacheServerError('out of memory')],
    ['MemcacheProtocolError', () => new MemcacheProtocolError('garbage')],
    ['a plain Error', () => new Error('bug')],
  ])('does not retry %s by default', async (_name, makeError) => {
    const error = makeError();
    const flaky = new FlakyClient([error]);
    const client = new RetryingClient(flaky, { retryDelay: 0, attempts: 5 });
    await expect(client.get('k')).rejects.toBe(error);
    expect(flaky.calls).toEqual(['get']);
  });

  it('counts every try in attempts (default 2) and rejects with the last error', async () => {
    const errors = [connection(), timeout(), closed(), connection()];
    const flaky = new FlakyClient([...errors]);
    const client = new RetryingClient(flaky, { retryDelay: 0 });
    await expect(client.get('k')).rejects.toBe(errors[1]);
    expect(flaky.calls).toEqual(['get', 'get']);

    const moreFlaky = new FlakyClient([...errors]);
    const patient = new RetryingClient(moreFlaky, { retryDelay: 0, attempts: 4 });
    await expect(patient.get('k')).rejects.toBe(errors[3]);
    expect(moreFlaky.calls).toHaveLength(4);

    const once = new FlakyClient([connection()]);
    await expect(new RetryingClient(once, { attempts: 1 }).get('k')).rejects.toBeInstanceOf(
      MemcacheConnectionError,
    );
    expect(once.calls).toHaveLength(1);
  });

  it('stops at the first error that is not retryable', async () => {
    const illegal = new MemcacheIllegalInputError('bad key');
    const flaky = new FlakyClient([connection(), illegal, connection()]);
    const client = new RetryingClient(flaky, { retryDelay: 0, attempts: 5 });
    await expect(client.get('k')).rejects.toBe(illegal);
    expect(flaky.calls).toHaveLength(2);
  });

  it('retryFor replaces the default set', async () => {
    const flaky = new FlakyClient([new MemcacheServerError('busy'), connection()]);
    const client = new RetryingClient(flaky, { retryDelay: 0, attempts: 3, retryFor: [MemcacheServerError] });
    await expect(client.get('k')).rejects.toBeInstanceOf(MemcacheConnectionError);
    expect(flaky.calls).toHaveLength(2);
  });

  it('doNotRetryFor wins over retryFor, subclasses included', async () => {
    const flaky = new FlakyClient([new MemcacheUnexpectedCloseError('closed')]);
    const client = new RetryingClient(flaky, {
      retryDelay: 0,
      retryFor: [MemcacheError],
      doNotRetryFor: [MemcacheServerError],
    });
    await expect(client.get('k')).rejects.toBeInstanceOf(MemcacheUnexpectedCloseError);
    expect(flaky.calls).toHaveLength(1);

    const other = new FlakyClient([new MemcacheProtocolError('garbage')]);
    const broad = new RetryingClient(other, { retryDelay: 0, retryFor: [MemcacheError] });
    expect(await broad.get('k')).toBe('value of k');
    expect(other.calls).toHaveLength(2);
  });

  it('never retries illegal input, even when retryFor names its parent class', async () => {
    const flaky = new FlakyClient([new MemcacheIllegalInputError('bad ttl')]);
    const client = new RetryingClient(flaky, {
      retryDelay: 0,
      retryFor: [MemcacheClientError, MemcacheError],
    });
    await expect(client.set('k', 'v')).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    expect(flaky.calls).toHaveLength(1);
  });

  it('waits about retryDelay between tries', async () => {
    const flaky = new FlakyClient([connection(), connection()]);
    const client = new RetryingClient(flaky, { retryDelay: 40, attempts: 3 });
    expect(await client.get('k')).toBe('value of k');
    const [first, second, third] = flaky.callTimes;
    // At least half the delay (the jitter is ±50%); no upper bound, timers can run late.
    expect(second! - first!).toBeGreaterThanOrEqual(15);
    expect(third! - second!).toBeGreaterThanOrEqual(15);
  });

  it('passes the same arguments on every try and keeps `this`', async () => {
    const flaky = new FlakyClient([timeout()]);
    const client = new RetryingClient(flaky, { retryDelay: 0 });
    expect(await client.set('k', 'v', { ttl: 30 })).toBe(true);
    expect(flaky.calls).toEqual(['set k=v ttl=30', 'set k=v ttl=30']);
    const many = await client.getMany(['a', 'b']);
    expect([...many.values()]).toEqual(['value of a', 'value of b']);
  });

  it('passes close and quit through without retrying', async () => {
    const flaky = new FlakyClient([connection(), connection()]);
    const client = new RetryingClient(flaky, { retryDelay: 0, attempts: 5 });
    await expect(client.close()).rejects.toBeInstanceOf(MemcacheConnectionError);
    await expect(client.quit()).rejects.toBeInstanceOf(MemcacheConnectionError);
    expect(flaky.calls).toEqual(['close', 'quit']);
    expect(flaky.closed).toBe(1);
  });

  it('stops retrying once closed: a call waiting for its next try settles at close()', async () => {
    const { address } = await closedPort();
    const client = new RetryingClient(new Client(address, { connectTimeout: 500 }), {
      attempts: 5,
      retryDelay: 10_000,
    });
    const started = Date.now();
    const read = client.get('k').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the first try has failed
    await client.close();
    expect(await read).toBeInstanceOf(MemcacheConnectionError);
    expect(Date.now() - started).toBeLessThan(2_500); // not after the next wait of 5 to 15 s
  });

  it('after quit, a call in its retry wait settles with the last error and tries no more', async () => {
    const server = await startMemcached();
    try {
      const { address } = await closedPort();
      const down = new RetryingClient(new Client(address, { connectTimeout: 500 }), {
        attempts: 3,
        retryDelay: 10_000,
      });
      const read = down.get('k').catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      await down.quit();
      expect(await read).toBeInstanceOf(MemcacheConnectionError);
      expect(Date.now() - started).toBeLessThan(2_500); // not after the next wait of 5 to 15 s
      // A client that was never closed still retries as before.
      const up = new RetryingClient(new Client(server.address), { attempts: 2, retryDelay: 10 });
      expect(await up.set('k', 'v')).toBe(true);
      await up.close();
    } finally {
      await server.stop();
    }
  });

  it('leaves synchronous methods alone', () => {
    const flaky = new FlakyClient();
    const client = new RetryingClient(flaky, { retryDelay: 0 });
    expect(client.addServer('b:1')).toBe('b:1');
    expect(() => client.addServer('bad')).toThrow(MemcacheConnectionError);
    expect(flaky.calls).toEqual(['addServer b:1', 'addServer bad']);
  });

  it('returns the same function for a method each time', () => {
    const client = new RetryingClient(new FlakyClient());
    expect(client.get).toBe(client.get);
  });

  it('rejects bad options', () => {
    const flaky = new FlakyClient();
    expect(() => new RetryingClient(flaky, { attempts: 0 })).toThrow(MemcacheIllegalInputError);
    expect(() => new RetryingClient(flaky, { attempts: 1.5 })).toThrow(MemcacheIllegalInputError);
    expect(() => new RetryingClient(flaky, { retryDelay: -1 })).toThrow(MemcacheIllegalInputError);
    expect(() => new RetryingClient(flaky, { retryDelay: Number.POSITIVE_INFINITY })).toThrow(
      MemcacheIllegalInputError,
    );
    expect(() => new RetryingClient(flaky, { attempts: '3' as never })).toThrow(MemcacheIllegalInputError);
    expect(() => new RetryingClient(flaky, { retryFor: MemcacheTimeoutError as never })).toThrow(
      MemcacheIllegalInputError,
    );
    expect(() => new RetryingClient(flaky, { doNotRetryFor: ['timeout'] as never })).toThrow(
      MemcacheIllegalInputError,
    );
    expect(() => new RetryingClient(flaky, 'quick' as never)).toThrow(MemcacheIllegalInputError);
    expect(() => new RetryingClient(null as never)).toThrow(MemcacheIllegalInputError);
  });
});
