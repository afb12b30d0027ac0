import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseParser } from './response-parser.js';
import type { Frame } from './types.js';

// "A streaming parser that takes any split of the stream (inside `\r\n` too)", with "one
// reply line | 16 KiB without a newline" as its bound: the same bytes must get the same
// answer however the socket happens to cut them.

/** What a fresh parser made of `pieces`: each frame's kind (and a stat's value length), or the error. */
type Outcome = { frames: string[]; error: string | undefined };

function parse(pieces: readonly Uint8Array[]): Outcome {
  const parser = new ResponseParser();
  const frames: string[] = [];
  const describe = (frame: Frame) =>
    frame.kind === 'stat' ? `stat ${frame.name} (${frame.value.length} bytes)` : frame.kind;
  try {
    for (const piece of pieces) parser.feed(piece, (frame) => frames.push(describe(frame)));
  } catch (error) {
    return { frames, error: (error as Error).constructor.name };
  }
  return { frames, error: undefined };
}

/** A `STAT` line of exactly `length` bytes before its `\n` (its `\r` included), then `END`. */
function statReply(length: number): Uint8Array {
  const line = `STAT big ${'x'.repeat(length - 'STAT big '.length - 1)}\r\n`;
  return new Uint8Array(Buffer.from(`${line}END\r\n`, 'latin1'));
}

describe('a reply line near the 16 KiB bound, split at random points (fast-check, seed 7)', () => {
  it('parses to the same frames, or the same error, as the unsplit stream', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 16_370, max: 16_400 }),
        fc.integer({ min: 1, max: 16_399 }),
        (length, cut) => {
          const stream = statReply(length);
          const at = Math.min(cut, stream.length - 1);
          const whole = parse([stream]);
          const split = parse([stream.subarray(0, at), stream.subarray(at)]);
          expect(split).toEqual(whole);
        },
      ),
      { seed: 7, numRuns: 2_000 },
    );
  });

  it('shrunk counterexample: a 16,384-byte line is read whole but refused when cut after its first byte', () => {
    const stream = statReply(16_384);
    const whole = parse([stream]);
    expect(whole.error).toBeUndefined(); // read in one chunk: STAT and END
    expect(whole.frames).toHaveLength(2);
    expect(parse([stream.subarray(0, 1), stream.subarray(1)])).toEqual(whole);
  });
});
