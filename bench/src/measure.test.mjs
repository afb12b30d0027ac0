import { describe, expect, it } from 'vitest';
import { makeKeySpace } from './key-space.mjs';
import { measure } from './measure.mjs';
import { WORKLOADS } from './workloads.mjs';

/** A client that keeps values in a Map and answers on the next turn of the event loop. */
function memoryClient({ corrupt = false } = {}) {
  const store = new Map();
  const later = (value) => new Promise((resolve) => setImmediate(() => resolve(value)));
  return {
    get: (key) => later(corrupt ? 'garbage' : store.get(key)),
    set: (key, value) => {
      store.set(key, value);
      return later(true);
    },
    getMulti: (keys) =>
      later(new Map(keys.filter((key) => store.has(key)).map((key) => [key, store.get(key)]))),
    pick: (result, key) => result.get(key),
    close: async () => {},
  };
}

const settings = { warmupMs: 20, durationMs: 100, serverPid: process.pid };
const workload = (id) => WORKLOADS.find((candidate) => candidate.id === id);

describe('measure', () => {
  it('counts operations, latency and CPU for a correct client', async () => {
    const result = await measure(memoryClient(), workload('get'), makeKeySpace('m1'), settings);
    expect(result.problems).toBe(0);
    expect(result.operations).toBeGreaterThan(0);
    expect(result.opsPerSecond).toBeGreaterThan(0);
    expect(result.p99).toBeGreaterThanOrEqual(result.p50);
    expect(result.cpuPerOp).toBeGreaterThan(0);
  });

  it('counts keys, not calls, for a multi-get', async () => {
    const result = await measure(memoryClient(), workload('multi-get'), makeKeySpace('m2'), settings);
    expect(result.problems).toBe(0);
    expect(result.opsPerSecond * result.seconds).toBeCloseTo(result.operations * 100, 0);
  });

  it('fails a client that answers with the wrong value', async () => {
    const result = await measure(
      memoryClient({ corrupt: true }),
      workload('get'),
      makeKeySpace('m3'),
      settings,
    );
    expect(result.problems).toBeGreaterThan(0);
    expect(result.problem).toMatch(/returned a different value/);
  });

  it('fails a client that rejects, and still ends on time', async () => {
    const client = { ...memoryClient(), get: () => Promise.reject(new Error('boom')) };
    const started = Date.now();
    const result = await measure(client, workload('get'), makeKeySpace('m4'), settings);
    expect(result.problem).toBe('error: boom');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
