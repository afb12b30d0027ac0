import { startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureMemory } from './measure-memory.mjs';

describe('measureMemory', () => {
  let server;
  beforeAll(async () => {
    server = await startMemcached({ threads: 1 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('measures a client per idle connection and per request in flight in a child process', async () => {
    const result = await measureMemory('raw', server);
    // A socket with its handle and buffers, and a pending promise with its entry: not nothing,
    // and nowhere near a megabyte each.
    expect(result.idle.heap).toBeGreaterThan(500);
    expect(result.idle.heap).toBeLessThan(1_000_000);
    expect(result.inFlight.heap).toBeGreaterThan(50);
    expect(result.inFlight.heap).toBeLessThan(100_000);
  });

  it('rejects with the reason when the child fails', async () => {
    await expect(measureMemory('no-such-client', server)).rejects.toThrow(/unknown client no-such-client/);
  });
});
