import net from 'node:net';
import { type MemcachedServer, resizableBuffer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from './commands.js';
import { MemcacheIllegalInputError } from './errors.js';
import { MEMCACHED_ITEM_LIMIT } from './item-limits.js';
import { ResponseParser } from './response-parser.js';
import type { Chunk, EncodedRequest, Frame } from './types.js';

// What is validated is what is sent: a caller changing its buffers between the call and the
// write (a transport writes a tick later) cannot put other bytes on the wire. Checked
// against a real memcached with a raw socket, the way a transport drives the protocol.

let server: MemcachedServer;
let socket: net.Socket;
const parser = new ResponseParser();
const waiting: Array<{ request: EncodedRequest<unknown>; settle: (outcome: unknown) => void }> = [];

beforeAll(async () => {
  server = await startMemcached();
  socket = net.connect(server.port, server.host);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.on('data', (chunk) =>
    parser.feed(chunk, (frame: Frame) => {
      const head = waiting[0]!;
      if (head.request.reader!.push(frame)) {
        waiting.shift();
        try {
          head.settle(head.request.reader!.result());
        } catch (error) {
          head.settle(error);
        }
      }
    }),
  );
});

afterAll(async () => {
  socket?.destroy();
  await server?.stop();
});

/** Writes the request's chunks on the next tick, as a transport does, and waits for its reply. */
function sendLater<T>(request: EncodedRequest<T>): Promise<unknown> {
  return new Promise((settle) => {
    setImmediate(() => {
      waiting.push({ request, settle });
      for (const chunk of request.chunks as Chunk[]) socket.write(chunk);
    });
  });
}

const text = (value: string) => new TextEncoder().encode(value);

async function victimSurvives(): Promise<boolean> {
  const hits = (await sendLater(commands.get.request(['victim']))) as unknown[];
  return hits.length === 1;
}

describe('what is validated is what is sent (real memcached)', () => {
  it('a byte key changed after the call cannot delete another key', async () => {
    await sendLater(commands.set.request('victim', text('v'), 0, 0, false));
    const key = text('abcdefghijklmnop');
    await sendLater(commands.set.request('abcdefghijklmnop', text('1'), 0, 0, false));
    const request = commands.delete.request(key, false);
    key.set(text('x\r\ndelete victim')); // same length, now two commands
    expect(await sendLater(request)).toBe(true); // the key that was checked was deleted
    expect(await victimSurvives()).toBe(true);
  });

  it('byte keys of a get changed after the call still match their hits', async () => {
    await sendLater(commands.set.request('mine', text('1'), 0, 0, false));
    const key = text('mine');
    const request = commands.get.request([key]);
    key.set(text('vict'));
    const hits = (await sendLater(request)) as Array<{ value: Uint8Array }>;
    expect(hits.map((hit) => new TextDecoder().decode(hit.value))).toEqual(['1']);
  });

  it('a value over a resizable buffer that grows after the call cannot run as a command', async () => {
    await sendLater(commands.set.request('victim', text('v'), 0, 0, false));
    const injected = text('abc\r\ndelete victim');
    const buffer = resizableBuffer(3, 64);
    const value = new Uint8Array(buffer); // length-tracking: grows with the buffer
    value.set(injected.subarray(0, 3));
    const requests: Array<EncodedRequest<unknown>> = [
      commands.set.request('k', value, 0, 0, false),
      commands.metaSet.request('k', value, {}),
    ];
    for (const request of requests) {
      buffer.resize(injected.length);
      new Uint8Array(buffer).set(injected);
      await sendLater(request);
      buffer.resize(3);
      expect(await victimSurvives()).toBe(true);
    }
    const stored = (await sendLater(commands.get.request(['k']))) as Array<{ value: Uint8Array }>;
    expect(new TextDecoder().decode(stored[0]!.value)).toBe('abc');
  });

  it('a value above the 1 GiB item limit is refused before anything is written', () => {
    const huge = new Uint8Array(MEMCACHED_ITEM_LIMIT + 1); // zero pages: no real memory
    for (const encode of [
      () => commands.set.request('k', huge, 0, 0, true),
      () => commands.cas.request('k', huge, 0, 0, 1n, false),
      () => commands.append.request('k', huge, 0, 0, false),
      () => commands.metaSet.request('k', huge, { quiet: true }),
    ]) {
      expect(encode).toThrow(MemcacheIllegalInputError);
      expect(encode).toThrow(/item limit/);
    }
  });
});
