import net from 'node:net';
import { startFakeServer, startMemcached } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import {
  Client,
  type ClientOptions,
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheError,
  MemcacheProtocolError,
  MemcacheServerError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
  MemcacheUnknownCommandError,
} from '../index.js';
import {
  closeAfterEach,
  type FakeMemcached,
  type FakeMemcachedOptions,
  judge,
  keyRange,
  launch,
  settleWithin,
  startFakeMemcached,
  valueFor,
} from '../test-support/fault-harness.js';

// Replies no healthy memcached sends: garbage, values cut off, lines dribbled byte by byte,
// error lines in the middle of a pipeline, another key's value. The fake memcached serves
// real values for real keys, so a reply attributed to the wrong request shows up as a wrong
// value; each scenario also checks that the same client works again afterwards.

const track = closeAfterEach();

async function fakeWithKeys(keys: readonly string[], options: FakeMemcachedOptions): Promise<FakeMemcached> {
  const fake = track(await startFakeMemcached(options));
  for (const key of keys) fake.items.set(key, { flags: 16, data: valueFor(key) });
  return fake;
}

// A deadline no burst here comes near on a slow machine: a timeout is never a spurious error.
function client(address: string, options: ClientOptions = {}): Client {
  return track(new Client(address, { timeout: 10_000, ...options }));
}

/** After the fault: a fresh burst on the same client, every answer right, no error. */
async function expectHealthy(target: Client, keys: readonly string[], count = 1_000): Promise<void> {
  const verdict = await judge(launch(target, keys, count), 10_000, []);
  expect(verdict.wrong).toEqual([]);
  expect(verdict.errors).toEqual({});
}

const BURST = 2_000;

describe('garbage from the server', () => {
  it('a garbage line fails the pipeline with MemcacheProtocolError; no wrong value; the client reconnects', async () => {
    const keys = keyRange('garbage', 300);
    let faults = 3;
    const fake = await fakeWithKeys(keys, {
      fault: (command) =>
        command.index % 100 === 99 && faults-- > 0 ? 'HELLO, I AM NOT MEMCACHED\r\n' : undefined,
    });
    const target = client(fake.address, { connections: 2 });
    const verdict = await judge(launch(target, keys, BURST), 5_000, [
      MemcacheProtocolError,
      MemcacheUnexpectedCloseError,
    ]);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.untyped).toEqual([]);
    expect(verdict.errors.MemcacheProtocolError).toBeGreaterThan(0);
    faults = 0;
    await expectHealthy(target, keys);
    expect(fake.sockets.length).toBeGreaterThan(1); // a fresh socket after the fault
  });

  it('random binary junk in place of replies is a protocol error, never a value', async () => {
    const keys = keyRange('junk', 200);
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    let faults = 20;
    const fake = await fakeWithKeys(keys, {
      fault: (command) => {
        if (command.index % 23 !== 11 || faults-- <= 0) return undefined;
        const junk = Buffer.alloc(1 + (random() % 64));
        for (let index = 0; index < junk.length; index++) junk[index] = random() & 0xff;
        return `${junk.toString('latin1')}\r\n`;
      },
    });
    const target = client(fake.address);
    const verdict = await judge(launch(target, keys, BURST), 10_000, [
      MemcacheProtocolError,
      MemcacheUnexpectedCloseError,
      MemcacheClientError,
      MemcacheServerError,
      MemcacheConnectionError,
    ]);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.untyped).toEqual([]);
    expect(verdict.succeeded).toBeLessThan(BURST);
    faults = 0;
    await expectHealthy(target, keys);
  });

  it('a VALUE of another key than the one asked for is never handed to the caller', async () => {
    const keys = keyRange('swap', 100);
    let faults = 5;
    const fake = await fakeWithKeys(keys, {
      fault: (command, honest) => {
        if (command.verb !== 'get' || !honest.startsWith('VALUE') || faults-- <= 0) return undefined;
        // The value of a key nobody asked for, well formed: what a stream out of step looks like.
        const other = keys.find((key) => !command.keys.includes(key))!;
        const data = valueFor(other);
        return `VALUE ${other} 16 ${data.length}\r\n${data}\r\nEND\r\n`;
      },
    });
    const target = client(fake.address);
    const verdict = await judge(launch(target, keys, 500), 5_000);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.untyped).toEqual([]);
    expect(verdict.errors.MemcacheProtocolError).toBeGreaterThan(0);
    faults = 0;
    await expectHealthy(target, keys);
  });
});

describe('replies cut short or slow', () => {
  it('a reply cut off inside a value is an unexpected close for what was in flight; then it reconnects', async () => {
    const keys = keyRange('cut', 300);
    let faults = 2;
    const fake = await fakeWithKeys(keys, {
      fault: (command, honest) => {
        if (!honest.startsWith('VALUE') || command.index < 200 || faults-- <= 0) return undefined;
        const headerEnd = honest.indexOf('\r\n') + 2;
        return { cut: honest.slice(0, headerEnd + Math.floor((honest.length - headerEnd) / 2)) };
      },
    });
    const target = client(fake.address, { connections: 2 });
    const verdict = await judge(launch(target, keys, BURST), 5_000, [
      MemcacheUnexpectedCloseError,
      MemcacheConnectionError,
    ]);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.untyped).toEqual([]);
    expect(verdict.errors.MemcacheUnexpectedCloseError).toBeGreaterThan(0);
    await expectHealthy(target, keys);
  });

  it('replies dribbled one byte per write still reach the right requests', async () => {
    const keys = keyRange('dribble', 150);
    const fake = await fakeWithKeys(keys, { dribble: true });
    // About 2 s here; CPU-bound, so the deadline leaves room for a machine many times slower.
    const target = client(fake.address, { timeout: 45_000 });
    const verdict = await judge(launch(target, keys, 400), 40_000, []);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.errors).toEqual({});
    expect(verdict.succeeded).toBe(400);
  }, 60_000);

  it('a server that falls silent mid-burst times out everything in flight, then recovers', async () => {
    const keys = keyRange('silent', 200);
    let quiet = false;
    const fake = await fakeWithKeys(keys, {
      fault: (command) => {
        if (command.index === 300) quiet = true;
        return quiet ? { silence: true } : undefined;
      },
    });
    // 2 s: the healthy burst afterwards runs under the same deadline.
    const target = client(fake.address, { timeout: 2_000 });
    const verdict = await judge(launch(target, keys, BURST), 10_000, [MemcacheTimeoutError]);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.untyped).toEqual([]);
    expect(verdict.errors.MemcacheTimeoutError).toBeGreaterThan(0);
    quiet = false;
    await expectHealthy(target, keys);
  });

  it('a server that skips one reply: the shifted stream is caught by key, never a wrong value', async () => {
    const keys = keyRange('skipped', 200);
    let faults = 1;
    const fake = await fakeWithKeys(keys, {
      fault: (command) => (command.index === 300 && faults-- > 0 ? { silence: true } : undefined),
    });
    const target = client(fake.address, { timeout: 2_000 });
    const verdict = await judge(launch(target, keys, BURST), 10_000);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.untyped).toEqual([]);
    expect(verdict.errors.MemcacheProtocolError).toBeGreaterThan(0);
    faults = 0;
    await expectHealthy(target, keys);
  });
});

describe('a reply that fits no request', () => {
  it('resets the connection: nothing behind it is answered from the shifted stream', async () => {
    // add yes-i → STORED, incr n-i → i, add no-i → NOT_STORED; one incr reply goes missing,
    // so the incr gets NOT_STORED (no fit) and, without a reset, add no-i would get STORED.
    let skipped = false;
    const fake = await fakeWithKeys([], {
      fault: (command) => {
        const [key = ''] = command.keys;
        if (command.verb === 'incr') {
          if (!skipped && command.index > 30) {
            skipped = true;
            return { silence: true };
          }
          return `${key.slice(2)}\r\n`;
        }
        if (command.verb === 'add') return key.startsWith('yes') ? 'STORED\r\n' : 'NOT_STORED\r\n';
        return undefined;
      },
    });
    const target = client(fake.address);
    const expected: Array<[Promise<unknown>, unknown]> = [];
    for (let index = 0; index < 300; index++) {
      expected.push([target.add(`yes-${index}`, 'v'), true]);
      expected.push([target.incr(`n-${index}`), BigInt(index)]);
      expected.push([target.add(`no-${index}`, 'v'), false]);
    }
    const results = await settleWithin(
      expected.map(([promise]) => promise),
      5_000,
    );
    const wrong = results.flatMap((result, index) =>
      result.status === 'fulfilled' && result.value !== expected[index]![1]
        ? [`#${index}: ${String(result.value)} instead of ${String(expected[index]![1])}`]
        : [],
    );
    const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(wrong).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toBeInstanceOf(MemcacheError);
    expect(errors.some((error) => error instanceof MemcacheProtocolError)).toBe(true);
  });
});

describe('error lines in the middle of a pipeline', () => {
  for (const line of ['ERROR', 'CLIENT_ERROR bad command line format', 'SERVER_ERROR out of memory']) {
    it(`"${line}" fails its request typed, resets the connection, and later commands succeed`, async () => {
      const keys = keyRange('midpipe', 300);
      let faults = 1;
      const fake = await fakeWithKeys(keys, {
        fault: (command) => (command.index === 300 && faults-- > 0 ? `${line}\r\n` : undefined),
      });
      const target = client(fake.address);
      const verdict = await judge(launch(target, keys, BURST), 5_000, [
        MemcacheUnknownCommandError,
        MemcacheClientError,
        MemcacheServerError,
      ]);
      expect(verdict.wrong).toEqual([]);
      expect(verdict.untyped).toEqual([]);
      const expected =
        line === 'ERROR'
          ? 'MemcacheUnknownCommandError'
          : line.startsWith('CLIENT')
            ? 'MemcacheClientError'
            : 'MemcacheServerError';
      // Single-key gets made in the same tick travel as one request, and fail together.
      expect(verdict.errors[expected]).toBeGreaterThan(0);
      // Everything behind it was reset rather than matched against a doubtful stream.
      expect(verdict.errors.MemcacheUnexpectedCloseError).toBeGreaterThan(0);
      await expectHealthy(target, keys);
      expect(fake.sockets.length).toBe(2); // one reset, one fresh socket
    });
  }

  it('a real memcached: errors that keep the stream in step leave every other answer right', async () => {
    const server = track(await startMemcached({ args: ['-I', '1m'] }));
    const target = client(server.address);
    const keys = keyRange('real', 300);
    expect(await target.setMany(keys.map((key) => [key, valueFor(key)] as const))).toEqual([]);
    const operations = launch(target, keys, BURST);
    // In the middle of the burst: incr of a non-numeric value (CLIENT_ERROR) and a value
    // over the item size limit (SERVER_ERROR), both answered without losing the stream.
    const incr = target.incr(keys[0]!);
    const huge = target.set('too-big', 'x'.repeat(2 * 1024 * 1024));
    operations.push(...launch(target, keys, BURST));
    const [incrResult, hugeResult] = (await settleWithin<unknown>([incr, huge], 5_000)).map((result) =>
      result.status === 'rejected' ? result.reason : result.value,
    );
    expect(incrResult).toBeInstanceOf(MemcacheClientError);
    expect(hugeResult).toBeInstanceOf(MemcacheServerError);
    const verdict = await judge(operations, 10_000, []);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.errors).toEqual({});
  });
});

describe('a server at its connection limit', () => {
  it('"ERROR Too many open connections" refuses some sockets typed; the others answer right', async () => {
    const keys = keyRange('limit', 200);
    const honest = await fakeWithKeys(keys, {});
    let accepted = 0;
    // Every other connection is refused the way memcached refuses one over its -c limit.
    const gate = await startFakeServer((socket) => {
      if (accepted++ % 2 === 1) {
        socket.end('ERROR Too many open connections\r\n');
        return;
      }
      const upstream = net.connect(honest.port, honest.host);
      socket.pipe(upstream).pipe(socket);
      upstream.on('error', () => socket.destroy());
    });
    track(gate);
    const targets = Array.from({ length: 4 }, () => client(gate.address));
    const operations = targets.flatMap((target) => launch(target, keys, BURST / 4));
    const verdict = await judge(operations, 5_000, [MemcacheConnectionError, MemcacheUnexpectedCloseError]);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.untyped).toEqual([]);
    expect(verdict.errors.MemcacheConnectionError).toBeGreaterThan(0);
    expect(verdict.succeeded).toBeGreaterThan(0);
  });

  it('a real memcached over its -c limit: refused sockets fail typed, nothing hangs', async () => {
    const server = track(await startMemcached({ maxConnections: 24 }));
    const keys = keyRange('real-limit', 100);
    const targets = Array.from({ length: 30 }, () => client(server.address));
    const operations = targets.flatMap((target) => launch(target, keys, 100));
    const verdict = await judge(operations, 5_000, [MemcacheConnectionError, MemcacheUnexpectedCloseError]);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.untyped).toEqual([]);
    expect(verdict.errors.MemcacheConnectionError).toBeGreaterThan(0);
    expect(verdict.succeeded).toBeGreaterThan(0);
  });
});
