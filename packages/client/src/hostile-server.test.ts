import type net from 'node:net';
import { onLines, startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Client, MemcacheDeserializeError, MemcacheProtocolError } from './index.js';

// A broken or hostile server cannot make the client hold unbounded memory or block the event
// loop: each reply below fails fast with a typed error, well before the command deadline.

/** A fake server answering each request line through `answer`, and a client on it. */
async function withServer(
  answer: (line: string, socket: net.Socket) => void,
  body: (client: Client) => Promise<void>,
): Promise<void> {
  const fake = await startFakeServer((socket) => onLines(socket, (line) => answer(line, socket)));
  const client = new Client(fake.address, { timeout: 20_000 });
  try {
    await body(client);
  } finally {
    await client.close();
    await fake.close();
  }
}

/** Resolves with the error `promise` rejects with, and how long that took. */
async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; milliseconds: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error, milliseconds: performance.now() - started };
  }
  throw new Error('expected a rejection');
}

describe('a hostile server', () => {
  it('a repeated VALUE for one key is a protocol error for get and getMany alike', async () => {
    await withServer(
      (line, socket) => {
        if (line.startsWith('get ')) socket.write('VALUE a 0 1\r\n1\r\nVALUE a 0 1\r\n2\r\nEND\r\n');
      },
      async (client) => {
        expect((await rejection(client.get('a'))).error).toBeInstanceOf(MemcacheProtocolError);
        expect((await rejection(client.getMany(['a']))).error).toBeInstanceOf(MemcacheProtocolError);
      },
    );
  });

  it('a VALUE for a key getMany did not ask for is a protocol error; the asked ones, byte by byte, are read', async () => {
    await withServer(
      (line, socket) => {
        if (line === 'get a b c') socket.write('VALUE a 16 1\r\n1\r\nVALUE x 16 1\r\n2\r\nEND\r\n');
        if (line === 'get p q') {
          const reply = Buffer.from('VALUE p 16 9\r\nEND\r\n\r\n\r\n\r\nVALUE q 16 2\r\né\r\nEND\r\n');
          let offset = 0;
          const next = () => {
            if (offset < reply.length && !socket.destroyed)
              socket.write(reply.subarray(offset, ++offset), next);
          };
          next();
        }
      },
      async (client) => {
        const { error } = await rejection(client.getMany(['a', 'b', 'c']));
        expect(error).toBeInstanceOf(MemcacheProtocolError);
        expect((error as Error).message).toMatch(/not asked for/);
        const read = await client.getMany(['p', 'q']);
        expect(Object.fromEntries(read)).toEqual({ p: 'END\r\n\r\n\r\n', q: 'é' });
      },
    );
  });

  it('an endless stream of VALUE blocks for one get is cut off at the second block', async () => {
    await withServer(
      (line, socket) => {
        if (!line.startsWith('get ')) return;
        const block = Buffer.from(`VALUE a 0 65536\r\n${'x'.repeat(65536)}\r\n`);
        const flood = () => {
          if (socket.destroyed) return;
          socket.write(Buffer.concat(Array.from({ length: 16 }, () => block)), () => setImmediate(flood));
        };
        flood();
      },
      async (client) => {
        const { error, milliseconds } = await rejection(client.get('a'));
        expect(error).toBeInstanceOf(MemcacheProtocolError);
        expect(milliseconds).toBeLessThan(5000);
      },
    );
  });

  it('a 4 GB VALUE header is refused at once, without allocating', async () => {
    await withServer(
      (line, socket) => {
        if (line.startsWith('get ')) socket.write('VALUE a 0 4294967295\r\n');
      },
      async (client) => {
        const before = process.memoryUsage().arrayBuffers;
        const { error, milliseconds } = await rejection(client.get('a'));
        expect(error).toBeInstanceOf(MemcacheProtocolError);
        expect(milliseconds).toBeLessThan(5000);
        expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(256 * 1024 * 1024);
      },
    );
  });

  it('endless STAT lines are cut off by the stats cap, not the deadline', async () => {
    await withServer(
      (line, socket) => {
        if (!line.startsWith('stats')) return;
        let index = 0;
        const flood = () => {
          if (socket.destroyed) return;
          let text = '';
          for (let count = 0; count < 5000; count++) text += `STAT s${index++} 1\r\n`;
          socket.write(text, () => setImmediate(flood));
        };
        flood();
      },
      async (client) => {
        const { error, milliseconds } = await rejection(client.stats());
        expect(error).toBeInstanceOf(MemcacheProtocolError);
        // Half the 20 s deadline; the cap is reached in well under a second.
        expect(milliseconds).toBeLessThan(10_000);
      },
    );
  });

  it('an integer value of millions of digits and JSON nested millions deep fail fast', async () => {
    const digits = '9'.repeat(3_000_000);
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    await withServer(
      (line, socket) => {
        if (line === 'get number') socket.write(`VALUE number 2 ${digits.length}\r\n${digits}\r\nEND\r\n`);
        if (line === 'get deep') socket.write(`VALUE deep 32 ${deep.length}\r\n${deep}\r\nEND\r\n`);
      },
      async (client) => {
        for (const key of ['number', 'deep']) {
          const { error } = await rejection(client.get(key));
          expect(error).toBeInstanceOf(MemcacheDeserializeError);
        }
      },
    );
  });
});
