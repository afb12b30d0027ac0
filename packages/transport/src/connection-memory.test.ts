import v8 from 'node:v8';
import vm from 'node:vm';
import { commands } from '@mc/protocol';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from './connection.js';

// What an idle connection keeps is multiplied by every connection a process holds (a pool,
// a HashClient over many nodes), so it is measured over many connections, as the process
// sees it: memory outside the heap (ArrayBuffers) after forced collections.

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

const CONNECTIONS = 20;
const WRITES = 100;
const VALUE_BYTES = 1000;

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

async function settledArrayBuffers(): Promise<number> {
  for (let pass = 0; pass < 4; pass++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().arrayBuffers;
}

describe('Connection memory', () => {
  it('keeps no write buffer once idle after a burst of writes', async () => {
    const connections = Array.from({ length: CONNECTIONS }, () => new Connection(server.address));
    // Connected and warm first, so sockets and lazy state are in the baseline.
    await Promise.all(connections.map((connection) => connection.send(commands.version.request())));
    const before = await settledArrayBuffers();
    const value = new Uint8Array(VALUE_BYTES).fill(0x61);
    // About 100 KB per connection in one tick: each batch grows its buffer past 64 KB.
    await Promise.all(
      connections.flatMap((connection, index) =>
        Array.from({ length: WRITES }, (_, write) =>
          connection.send(commands.set.request(`memory:${index}:${write}`, value, 0, 0, false)),
        ),
      ),
    );
    // Idle: nothing pending for longer than the connection's idle delay.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const perConnection = ((await settledArrayBuffers()) - before) / CONNECTIONS;
    for (const connection of connections) expect(connection.pending).toBe(0);
    await Promise.all(connections.map((connection) => connection.close()));
    // Before the fix each kept the rest of its last batch's buffer (and so all of it): ~128 KB.
    expect(perConnection).toBeLessThan(4 * 1024);
  });
});

/** A one-key get the connection may fold into a line with others. */
function mergeableGet(key: string) {
  return { ...commands.get.request([key]), mergeableGet: { command: 'get' as const, key } };
}

describe('Connection memory per connection', () => {
  it('holds no buffer of its own, idle or after merged gets, so many connections cost no more than one', async () => {
    // One connection first, so the reader's shared buffers and lazy module state are in the baseline.
    const first = new Connection(server.address);
    await first.send(commands.version.request());
    const before = await settledArrayBuffers();
    const connections = Array.from({ length: CONNECTIONS }, () => new Connection(server.address));
    await Promise.all(connections.map((connection) => connection.send(commands.version.request())));
    // Gets sent in one tick are merged into one line, which is what needs the line's key table.
    await Promise.all(
      connections.flatMap((connection, index) =>
        Array.from({ length: 10 }, (_, get) =>
          connection.send(mergeableGet(`memory:absent:${index}:${get}`)),
        ),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const perConnection = ((await settledArrayBuffers()) - before) / CONNECTIONS;
    await Promise.all([first, ...connections].map((connection) => connection.close()));
    // Before the fix each connection built its own 16 KiB key table for merged get lines.
    expect(perConnection).toBeLessThan(1024);
  });
});
