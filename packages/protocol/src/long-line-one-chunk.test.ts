import { describe, expect, it } from 'vitest';
import { MemcacheProtocolError } from './errors.js';
import { ResponseParser } from './response-parser.js';
import type { Frame } from './types.js';

// The parser "takes any split of the stream", and bounds "one reply line" at "16 KiB without a
// newline": a stream that goes further without a newline "is not memcached talking". The same
// bytes must therefore get the same answer however the socket happens to cut them.

/** Feeds `pieces` to a fresh parser: the frames, or the error it threw. */
function outcome(pieces: readonly Uint8Array[]): { frames: Frame[]; error: unknown } {
  const parser = new ResponseParser();
  const frames: Frame[] = [];
  try {
    for (const piece of pieces) parser.feed(piece, (frame) => frames.push(frame));
  } catch (error) {
    return { frames, error };
  }
  return { frames, error: undefined };
}

describe('a reply line longer than 16 KiB', () => {
  const line = new Uint8Array(Buffer.from(`VERSION ${'9'.repeat(20_000)}\r\n`, 'latin1'));

  it('is refused when it arrives in one chunk, as it is when split in two', () => {
    expect(outcome([line.subarray(0, 10_000), line.subarray(10_000)]).error).toBeInstanceOf(
      MemcacheProtocolError,
    );
    const { frames, error } = outcome([line]);
    expect(frames).toEqual([]);
    expect(error).toBeInstanceOf(MemcacheProtocolError);
  });

  it('a STAT line over the limit is refused in one chunk too', () => {
    const stat = new Uint8Array(Buffer.from(`STAT big ${'x'.repeat(40_000)}\r\nEND\r\n`, 'latin1'));
    const whole = outcome([stat]);
    const split = outcome([stat.subarray(0, 100), stat.subarray(100)]);
    expect(split.error).toBeInstanceOf(MemcacheProtocolError);
    expect(whole.error).toBeInstanceOf(MemcacheProtocolError);
  });
});
