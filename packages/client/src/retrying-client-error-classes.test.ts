import { MemcacheConnectionError, MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { RetryingClient, type RetryingClientOptions } from './retrying-client.js';

/** A stand-in client whose every call fails with a connection error. */
class DownClient {
  calls = 0;
  async get(_key: string): Promise<string | undefined> {
    this.calls++;
    throw new MemcacheConnectionError('connect ECONNREFUSED');
  }
}

/**
 * retryFor / doNotRetryFor take error classes ("retryFor replaces that list and doNotRetryFor
 * excludes classes"); an option that is not one must be refused when the client is made
 * (MemcacheIllegalInputError), or at worst leave the caller's own error untouched. It must
 * never turn the caller's MemcacheConnectionError into a TypeError from `instanceof`.
 */
describe('RetryingClient with a function that is not a class in retryFor/doNotRetryFor', () => {
  const notAClass = (() => true) as unknown as abstract new () => Error;
  const cases: Record<string, RetryingClientOptions> = {
    retryFor: { retryFor: [notAClass] },
    doNotRetryFor: { doNotRetryFor: [notAClass] },
  };
  for (const [name, options] of Object.entries(cases)) {
    it(`${name}: [() => true]`, async () => {
      const inner = new DownClient();
      let retrying: DownClient;
      try {
        retrying = new RetryingClient(inner, { ...options, retryDelay: 0 });
      } catch (error) {
        expect(error).toBeInstanceOf(MemcacheIllegalInputError);
        return;
      }
      await expect(retrying.get('k')).rejects.toBeInstanceOf(MemcacheConnectionError);
    });
  }
});
