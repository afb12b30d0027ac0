import { describe, expect, it } from 'vitest';
import { makeKeySpace } from './key-space.mjs';
import { measureInterleaved } from './measure-interleaved.mjs';
import { WORKLOADS } from './workloads.mjs';

/** A client that keeps values in a Map and answers after `delayMs` (0: on the next turn of the loop). */
function memoryClient({ delayMs = 0, corrupt = false } = {}) {
  const store = new Map();
  const later = (value) =>
    new Promise((resolve) =>
      delayMs > 0 ? setTimeout(() => resolve(value), delayMs) : setImmediate(() => resolve(value)),
    );
  return {
    get: (key) => later(corrupt ? 'garbage' : store.get(key)),
    set: (key, value) => {
      store.set(key, value);
      return Promise.resolve(true);
    },
    getMulti: (keys) => later(new Map(keys.map((key) => [key, store.get(key)]))),
    pick: (result, key) => result.get(key),
    close: async () => {},
  };
}

const workload = (id) => WORKLOADS.find((candidate) => candidate.id === id);
const settings = { warmupMs: 10, durationMs: 150, serverPid: process.pid };

describe('measureInterleaved', () => {
  it('gives each client its measured time by turns, and tells the fast one from the slow one', async () => {
    const [fast, slow] = await measureInterleaved(
      [
        { client: memoryClient(), space: makeKeySpace('i1') },
        { client: memoryClient({ delayMs: 2 }), space: makeKeySpace('i2') },
      ],
      workload('seq-get'),
      settings,
    );
    for (const result of [fast, slow]) {
      expect(result.problems).toBe(0);
      expect(result.seconds).toBeGreaterThanOrEqual(0.15);
      // About 0.16 s measured; the rest is room for stalls of a loaded machine, not unbounded turns.
      expect(result.seconds).toBeLessThan(3);
      expect(result.p99).toBeGreaterThanOrEqual(result.p50);
    }
    // A 2 ms timer per call allows at most 500 calls a second.
    expect(slow.opsPerSecond).toBeLessThan(600);
    expect(fast.opsPerSecond).toBeGreaterThan(slow.opsPerSecond * 3);
  });

  it('fails the client that answers wrong and not the other', async () => {
    const [good, bad] = await measureInterleaved(
      [
        { client: memoryClient(), space: makeKeySpace('i3') },
        { client: memoryClient({ corrupt: true }), space: makeKeySpace('i4') },
      ],
      workload('seq-get'),
      settings,
    );
    expect(good.problems).toBe(0);
    expect(bad.problems).toBeGreaterThan(0);
    expect(bad.problem).toMatch(/returned a different value/);
  });

  it("keeps the workload's calls in flight during each turn", async () => {
    const [fast, slow] = await measureInterleaved(
      [
        { client: memoryClient(), space: makeKeySpace('i5') },
        { client: memoryClient({ delayMs: 2 }), space: makeKeySpace('i6') },
      ],
      workload('get'),
      { ...settings, durationMs: 300 },
    );
    expect(fast.problems + slow.problems).toBe(0);
    // 100 calls in flight, each taking 2 ms: far more than the 500 a second of one at a time
    // (about 40,000 here; a loaded machine wakes late for each timer).
    expect(slow.opsPerSecond).toBeGreaterThan(1500);
    expect(slow.opsPerSecond).toBeLessThan(50_000);
  });
});
