import v8 from 'node:v8';
import vm from 'node:vm';
import { startMemcached } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Client } from '../index.js';
import {
  closeAfterEach,
  FAULT_ERRORS,
  judge,
  keyRange,
  launch,
  startFakeMemcached,
  valueFor,
} from '../test-support/fault-harness.js';

// Memory that grows with the number of operations is a leak that only shows in production,
// after days. 200,000 operations run here after a warm-up, with garbage collection forced
// before each measurement, and the heap must end where it started, give or take.

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

const track = closeAfterEach();

/** Heap in use after a full collection (several passes, so weak and finalised objects go too). */
async function settledHeap(): Promise<number> {
  for (let pass = 0; pass < 4; pass++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const OPERATIONS = 200_000;
const BURST = 2_000;
const ALLOWED_GROWTH = 10 * 1024 * 1024;

describe('memory', () => {
  it(`${OPERATIONS.toLocaleString('en')} operations leave the heap where it was`, async () => {
    const server = track(await startMemcached());
    const client = track(new Client(server.address));
    const keys = keyRange('leak', 2_000);
    expect(await client.setMany(keys.map((key) => [key, valueFor(key)] as const))).toEqual([]);

    // Warm-up: lazy structures, JIT code and pools reach their steady size first.
    for (let done = 0; done < 20_000; done += BURST) await judge(launch(client, keys, BURST), 10_000, []);
    const before = await settledHeap();

    let wrong = 0;
    let failed = 0;
    for (let done = 0; done < OPERATIONS; done += BURST) {
      const verdict = await judge(launch(client, keys, BURST), 10_000, []);
      wrong += verdict.wrong.length;
      failed += verdict.operations - verdict.succeeded;
    }
    const after = await settledHeap();
    const growth = after - before;
    console.log(
      `leak test: ${OPERATIONS} operations, heap ${(before / 1048576).toFixed(1)} MB → ${(after / 1048576).toFixed(1)} MB (${growth >= 0 ? '+' : ''}${(growth / 1048576).toFixed(2)} MB)`,
    );
    expect(wrong).toBe(0);
    expect(failed).toBe(0);
    expect(growth).toBeLessThan(ALLOWED_GROWTH);
  }, 120_000);

  it('sockets dropped and reopened hundreds of times leave nothing behind', async () => {
    const keys = keyRange('churn', 500);
    // Every 50th command (at least once a burst), the fake hangs up in the middle of its reply.
    const fake = track(
      await startFakeMemcached({
        fault: (command, honest) => (command.index % 50 === 49 ? { cut: honest.slice(0, 5) } : undefined),
      }),
    );
    for (const key of keys) fake.items.set(key, { flags: 16, data: valueFor(key) });
    const client = track(new Client(fake.address, { reconnectDelay: 0 }));
    let accepted = 0;
    const run = async (bursts: number) => {
      let wrong = 0;
      for (let burst = 0; burst < bursts; burst++) {
        wrong += (await judge(launch(client, keys, 200), 10_000, FAULT_ERRORS)).wrong.length;
        // The fake server lists every socket it accepted; forget the dead ones, or the
        // test would measure the fake's memory rather than the client's.
        accepted += fake.sockets.length;
        fake.sockets.splice(0, fake.sockets.length, ...fake.sockets.filter((socket) => !socket.destroyed));
        accepted -= fake.sockets.length;
      }
      return wrong;
    };
    await run(30);
    const before = await settledHeap();
    const acceptedBefore = accepted;
    expect(await run(1200)).toBe(0);
    const after = await settledHeap();
    const reopened = accepted - acceptedBefore;
    console.log(
      `leak test: ${reopened} sockets reopened, heap ${(before / 1048576).toFixed(1)} MB → ${(after / 1048576).toFixed(1)} MB`,
    );
    expect(reopened).toBeGreaterThan(1000);
    expect(after - before).toBeLessThan(ALLOWED_GROWTH);
  }, 120_000);
});
