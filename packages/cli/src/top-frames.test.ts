// `memcli top` in process, its frames collected as they are written, against real servers.
import net from 'node:net';
import { Client } from '@mc/client';
import { type MemcachedServer, startCluster } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './main.js';
import { top } from './top.js';
import { cells } from './test-support/top-cells.js';

let servers: MemcachedServer[];
let frozen: net.Server;
let frozenAddress: string;
const frozenSockets = new Set<net.Socket>();

beforeAll(async () => {
  servers = await startCluster(2);
  // A server that accepts connections and never answers: a hung memcached, as top sees it.
  frozen = net.createServer((socket) => {
    frozenSockets.add(socket);
    socket.on('close', () => frozenSockets.delete(socket));
  });
  await new Promise<void>((resolve) => frozen.listen(0, '127.0.0.1', resolve));
  frozenAddress = `127.0.0.1:${(frozen.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of frozenSockets) socket.destroy();
  await new Promise((resolve) => frozen?.close(resolve));
  await Promise.all((servers ?? []).map((server) => server.stop()));
});

/** Each frame written and when (ms since `since`). */
function frameRecorder(since: number) {
  const frames: Array<{ at: number; text: string }> = [];
  return {
    frames,
    write(chunk: string | Uint8Array) {
      frames.push({ at: performance.now() - since, text: String(chunk) });
    },
  };
}

/** Checks frames came every `interval` (within `slack` ms), the frozen server unreachable in each. */
function expectSteadyFrames(
  frames: Array<{ at: number; text: string }>,
  live: string,
  interval: number,
  slack: number,
) {
  for (const [index, frame] of frames.entries()) {
    expect(frame.text).toContain(`${frozenAddress}  unreachable`);
    const row = cells(frame.text, live)!;
    expect(row, frame.text).toBeDefined();
    expect(row[0]).not.toBe('unreachable:');
    if (index > 0) {
      expect(row[1], frame.text).toMatch(/^\d+$/); // OPS/s: a rate from the frame before
      const gap = frame.at - frames[index - 1]!.at;
      expect(gap, `frame ${index + 1} came ${gap} ms after the one before`).toBeLessThan(interval + slack);
    }
  }
}

describe('memcli top frames', () => {
  it('shows TOTAL HIT% as the hits among all gets, on the first frame and over an interval', async () => {
    const [a, b] = servers as [MemcachedServer, MemcachedServer];
    const clientA = new Client(a.address);
    const clientB = new Client(b.address);
    try {
      for (let index = 0; index < 10; index++) await clientB.set(`hit-${index}`, 'x');
      // Ten keys, not one key ten times: concurrent gets of one key may share one request.
      const gets = async (client: Client, prefix: string) => {
        await Promise.all(Array.from({ length: 10 }, (_, index) => client.get(`${prefix}-${index}`)));
      };
      // Before top starts: 10 misses on a, 10 hits on b.
      await gets(clientA, 'missing');
      await gets(clientB, 'hit');
      // After the first frame: 1,000 sets and 10 misses on a, 10 hits on b, done well before
      // the second frame (an interval later) asks for stats.
      let traffic: Promise<number> | undefined;
      const frames: string[] = [];
      await top(
        {
          servers: [a.address, b.address],
          interval: 2000,
          refreshes: 2,
          screen: false,
          signal: new AbortController().signal,
        },
        {
          write(chunk: string) {
            frames.push(chunk);
            traffic ??= (async () => {
              await Promise.all(Array.from({ length: 1000 }, (_, index) => clientA.set(`k${index}`, 'v')));
              await gets(clientA, 'missing');
              await gets(clientB, 'hit');
              return Date.now();
            })();
          },
        },
      );
      expect(frames).toHaveLength(2);
      const [first, second] = frames as [string, string];
      expect(cells(first, a.address)?.[0]).toBe('0.0%');
      expect(cells(first, b.address)?.[0]).toBe('100.0%');
      expect(cells(first, 'TOTAL')?.[0]).toBe('50.0%');
      expect(await traffic).toBeDefined();
      expect(cells(second, a.address)?.[0]).toBe('0.0%');
      expect(cells(second, b.address)?.[0]).toBe('100.0%');
      expect(cells(second, 'TOTAL')?.[0]).toBe('50.0%');
    } finally {
      await clientA.close();
      await clientB.close();
    }
  });

  it('memcli top draws a frame every interval while one server is frozen, the others updating', async () => {
    const [live] = servers as [MemcachedServer];
    const started = performance.now();
    const stdout = frameRecorder(started);
    // The live server has an interval (1 s) to answer each frame. Unbounded, each frame would
    // wait out the default 5 s timeout for the frozen one.
    const code = await main(
      ['-s', live.address, '-s', frozenAddress, '--interval', '1000', '--refreshes', '4', 'top'],
      { stdout, stderr: { write() {} }, stdin: (async function* () {})(), env: {} },
    );
    const elapsed = performance.now() - started;
    expect(code).toBe(0);
    expect(stdout.frames).toHaveLength(4);
    expectSteadyFrames(stdout.frames, live.address, 1000, 1200);
    // Four frames 1 s apart; each waits at most an interval for the frozen server.
    expect(elapsed).toBeLessThan(4 * 1000 + 2000);
  });

  it("top() bounds each frame by the interval whatever the clients' timeout", async () => {
    const [live] = servers as [MemcachedServer];
    const started = performance.now();
    const output = frameRecorder(started);
    // The live server has an interval (1 s) to answer each frame; the frozen one's requests
    // would take the clients' 5 s timeout.
    await top(
      {
        servers: [live.address, frozenAddress],
        interval: 1000,
        refreshes: 4,
        client: { timeout: 5000 },
        screen: false,
        signal: new AbortController().signal,
      },
      output,
    );
    const elapsed = performance.now() - started;
    expect(output.frames).toHaveLength(4);
    expectSteadyFrames(output.frames, live.address, 1000, 1200);
    expect(elapsed).toBeLessThan(4 * 1000 + 2000);
  });
});
