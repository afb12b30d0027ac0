import {
  commands,
  type EncodedRequest,
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheProtocolError,
  MemcacheUnexpectedCloseError,
  ResponseParser,
} from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { FrameRouter } from './frame-router.js';
import { PendingRequest } from './pending-request.js';

/**
 * A router whose host records what it was asked to do, fed the bytes a server would send.
 * Like the connection, a reset fails what is in flight and ignores the rest of the stream.
 */
function harness() {
  let dropped = false;
  const settled: Array<{ entry: PendingRequest; value?: unknown; error?: unknown }> = [];
  const resets: Array<{ error: Error; failure: boolean; unsentError: Error | undefined }> = [];
  const replied: PendingRequest[] = [];
  const router = new FrameRouter('fake:1', {
    succeed(entry, value) {
      entry.settled = true;
      settled.push({ entry, value });
    },
    fail(entry, error) {
      entry.settled = true;
      settled.push({ entry, error });
    },
    reset(error, failure, unsentError) {
      resets.push({ error, failure, unsentError });
      dropped = true;
      for (const entry of router.inflight.drain()) {
        if (entry.settled) continue;
        entry.settled = true;
        settled.push({ entry, error });
      }
    },
    replied(entry) {
      replied.push(entry);
    },
  });
  const parser = new ResponseParser();
  const written = (request: EncodedRequest<unknown>): PendingRequest => {
    const entry = new PendingRequest(request.chunks, request.reader, false, Infinity, Infinity, () => {});
    router.inflight.push(entry);
    return entry;
  };
  const receive = (text: string) =>
    parser.feed(Buffer.from(text, 'latin1'), (frame) => {
      if (!dropped) router.route(frame);
    });
  return { router, settled, resets, replied, written, receive };
}

describe('FrameRouter', () => {
  it('hands each reply to the oldest request in flight, in order, across split reads', () => {
    const { router, settled, resets, replied, written, receive } = harness();
    const get = written(commands.get.request(['a']));
    const set = written(commands.set.request('b', Buffer.from('v'), 0, 0, false));
    const version = written(commands.version.request());
    receive('VALUE a 3 2\r\nh');
    expect(settled).toEqual([]); // the value is not complete yet
    receive('i\r\nEND\r\nSTO');
    receive('RED\r\nVERSION 1.6.18\r\n');
    expect(settled.map((item) => item.entry)).toEqual([get, set, version]);
    const [hit] = settled[0]!.value as Array<{ key: Uint8Array; flags: number; value: Uint8Array }>;
    expect(Buffer.from(hit!.value).toString()).toBe('hi');
    expect(hit!.flags).toBe(3);
    expect(settled[1]!.value).toBe(true);
    expect(settled[2]!.value).toBe('1.6.18');
    expect(replied).toEqual([get, set, version]);
    expect(router.inflight.length).toBe(0);
    expect(resets).toEqual([]);
  });

  it('reads and drops the reply of an abandoned request, so the next one gets its own', () => {
    const { settled, written, receive } = harness();
    const abandoned = written(commands.get.request(['a']));
    abandoned.settled = true; // timed out or aborted after it was written
    const next = written(commands.get.request(['b']));
    receive('VALUE a 0 1\r\nx\r\nEND\r\nVALUE b 0 1\r\ny\r\nEND\r\n');
    expect(settled).toHaveLength(1);
    expect(settled[0]!.entry).toBe(next);
    const [hit] = settled[0]!.value as Array<{ value: Uint8Array }>;
    expect(Buffer.from(hit!.value).toString()).toBe('y');
  });

  it('resets on a reply with no request outstanding, failing the requests not yet written too', () => {
    const { resets, receive } = harness();
    receive('STORED\r\n');
    expect(resets).toHaveLength(1);
    expect(resets[0]!.error).toBeInstanceOf(MemcacheProtocolError);
    expect(resets[0]!.error.message).toMatch(/'status' reply with no request outstanding/);
    expect(resets[0]!.failure).toBe(true);
    expect(resets[0]!.unsentError).toBe(resets[0]!.error);
  });

  it('resets when a reply does not fit its request; requests not yet written survive', () => {
    const { settled, resets, replied, written, receive } = harness();
    const version = written(commands.version.request());
    receive('STORED\r\n');
    expect(resets).toHaveLength(1);
    expect(resets[0]!.error).toBeInstanceOf(MemcacheUnexpectedCloseError);
    expect(resets[0]!.unsentError).toBeUndefined();
    expect(settled[0]!.entry).toBe(version);
    expect(settled[0]!.error).toBeInstanceOf(MemcacheProtocolError);
    expect(replied).toEqual([]);
  });

  it('resets on a value for a key nobody asked for, failing the requests not yet written too', () => {
    const { settled, resets, written, receive } = harness();
    const get = written(commands.get.request(['a']));
    receive('VALUE other 0 1\r\nx\r\nEND\r\n');
    expect(resets).toHaveLength(1);
    expect(resets[0]!.error).toBeInstanceOf(MemcacheProtocolError);
    expect(resets[0]!.error.message).toMatch(/not asked for/);
    expect(resets[0]!.unsentError).toBe(resets[0]!.error);
    expect(settled).toEqual([{ entry: get, error: resets[0]!.error }]);
  });

  it('after CLIENT_ERROR fails that request and resets, since the server may be out of step', () => {
    const { router, settled, resets, written, receive } = harness();
    const first = written(commands.get.request(['a']));
    written(commands.get.request(['b']));
    receive('CLIENT_ERROR line too long\r\n');
    expect(settled).toHaveLength(2); // the one behind it fails with the reset
    expect(settled[0]!.entry).toBe(first);
    expect(settled[0]!.error).toBeInstanceOf(MemcacheClientError);
    expect(resets).toHaveLength(1);
    expect(settled[1]!.error).toBe(resets[0]!.error);
    expect(resets[0]!.error).toBeInstanceOf(MemcacheUnexpectedCloseError);
    expect(resets[0]!.failure).toBe(false);
    expect(router.inflight.length).toBe(0);
  });

  it('keeps the stream after the error reply of a request that keeps it (the auth probe)', () => {
    const { settled, resets, written, receive } = harness();
    const probe = written(commands.version.request());
    probe.keepsStream = true;
    const next = written(commands.version.request());
    receive('CLIENT_ERROR unauthenticated\r\nVERSION 1.6.18\r\n');
    expect(resets).toEqual([]);
    expect(settled.map((item) => item.entry)).toEqual([probe, next]);
    expect(settled[0]!.error).toBeInstanceOf(MemcacheClientError);
    expect(settled[1]!.value).toBe('1.6.18');
  });

  it('treats ERROR Too many open connections as a refused connection, not a reply', () => {
    const { settled, resets, written, receive } = harness();
    written(commands.get.request(['a']));
    receive('ERROR Too many open connections\r\n');
    expect(resets).toHaveLength(1);
    expect(settled[0]!.error).toBe(resets[0]!.error);
    expect(resets[0]!.error).toBeInstanceOf(MemcacheConnectionError);
    expect(resets[0]!.unsentError).toBe(resets[0]!.error);
  });
});
