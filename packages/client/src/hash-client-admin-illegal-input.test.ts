import { closedPort } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { HashClient, MemcacheConnectionError, MemcacheIllegalInputError } from './index.js';

/**
 * "illegal input still rejects" (even with ignoreErrors); Client refuses a negative or
 * fractional flushAll delay with MemcacheIllegalInputError before anything is sent.
 * HashClient "has every Client method".
 */
describe('HashClient.flushAll with an illegal delay', () => {
  it('is illegal input even when the node is marked dead', async () => {
    const down = await closedPort();
    const client = new HashClient([down.address], { retryAttempts: 1, deadTimeout: 60_000 });
    try {
      await expect(client.set('k', 'v')).rejects.toBeInstanceOf(MemcacheConnectionError);
      // The node is dead now; a bad delta or key is still illegal input here...
      await expect(client.incr('k', -1)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      // ...and so is a bad flushAll delay.
      await expect(client.flushAll(-1)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      await expect(client.flushAll(1.5)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    } finally {
      await client.close();
    }
  });

  it('is illegal input on a HashClient with no server yet', async () => {
    const client = new HashClient([]);
    try {
      await expect(client.flushAll(-1)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      await expect(client.verbosity(-1)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      await expect(client.cacheMemlimit(-1)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    } finally {
      await client.close();
    }
  });

  // stats() built its request only per node, so with no node its arguments went unchecked:
  // an injected line resolved an empty Map (or, with discovery down, a connection error).
  it('stats() refuses an illegal argument with no server yet, under ignoreErrors too', async () => {
    const down = await closedPort();
    const clients = [
      new HashClient([]),
      new HashClient([], { ignoreErrors: true }),
      new HashClient([], { discovery: { endpoint: down.address }, connectTimeout: 200 }),
      new HashClient([], { discovery: { endpoint: down.address }, connectTimeout: 200, ignoreErrors: true }),
    ];
    try {
      for (const client of clients) {
        await expect(client.stats('bad\r\nflush_all')).rejects.toBeInstanceOf(MemcacheIllegalInputError);
        await expect(client.stats('two words')).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      }
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});
