import net from 'node:net';
import { type MemcachedServer, startFaultProxy, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// startFaultProxy (in @mc/test-utils) drives the model-based suite; these pin down that each
// fault does what it says and nothing else.

let server: MemcachedServer;
beforeAll(async () => {
  server = await startMemcached();
});
afterAll(() => server.stop());

/** Writes `text` through a fresh socket to `port` and collects replies until `done` says so. */
function converse(
  port: number,
  text: string,
  done: (reply: string) => boolean,
): Promise<{ reply: string; closed: boolean; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const finish = (closed: boolean) => {
      socket.destroy();
      resolve({ reply, closed, ms: Date.now() - started });
    };
    socket.on('data', (data) => {
      reply += data.toString('latin1');
      if (done(reply)) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => {});
    socket.write(text);
  });
}

const value = 'v'.repeat(5000);
const request = `set fp-a 0 0 ${value.length}\r\n${value}\r\nget fp-a\r\n`;
const honest = `STORED\r\nVALUE fp-a 0 ${value.length}\r\n${value}\r\nEND\r\n`;

describe('startFaultProxy', () => {
  it('forwards bytes exactly, however it splits them', async () => {
    const proxy = await startFaultProxy(server, { plan: { splitProbability: 1, maxDelayMs: 5 }, seed: 3 });
    try {
      for (let round = 0; round < 5; round++) {
        const { reply } = await converse(proxy.port, request, (text) => text.endsWith('END\r\n'));
        expect(reply).toBe(honest);
      }
      expect(proxy.counts.splits).toBeGreaterThan(0);
      expect(proxy.counts.resets + proxy.counts.stalls).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('resets the connection', async () => {
    const proxy = await startFaultProxy(server, { plan: { resetProbability: 1 } });
    try {
      const { closed, reply } = await converse(proxy.port, request, () => false);
      expect(closed).toBe(true);
      expect(reply).toBe('');
      expect(proxy.counts.resets).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('stalls for stallMs, then forwards what it held', async () => {
    const proxy = await startFaultProxy(server, { plan: { stallProbability: 1, stallMs: 300 } });
    try {
      const { reply, ms } = await converse(proxy.port, request, (text) => text.endsWith('END\r\n'));
      expect(reply).toBe(honest);
      expect(ms).toBeGreaterThanOrEqual(290);
      proxy.plan = {};
      const before = proxy.counts.stalls;
      expect((await converse(proxy.port, request, (text) => text.endsWith('END\r\n'))).reply).toBe(honest);
      expect(proxy.counts.stalls).toBe(before);
    } finally {
      await proxy.close();
    }
  });
});
