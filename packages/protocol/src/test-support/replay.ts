import { ResponseParser } from '../response-parser.js';
import type { EncodedRequest, Frame, ReplyReader } from '../types.js';

/**
 * Whether a frame may be a quiet request's own: an error line, or a meta reply echoing its
 * opaque. A model for these tests only: error lines among several quiet requests are
 * ambiguous, which the transport resolves with QuietRunReader.
 */
export function passesTo(reader: ReplyReader<unknown>, frame: Frame): boolean {
  if (frame.kind === 'error') return true;
  return frame.kind === 'meta' && frame.flags.get('O') === reader.opaque;
}

/** What one request of a replayed exchange settled with. */
export type Outcome = { value: unknown } | { error: Error } | { noReply: true } | { pending: true };

/**
 * Feeds `pieces` through a fresh parser and hands the frames to the requests' readers the
 * way a simple transport would: oldest request first, a quiet reader passed over when the
 * frame cannot be its own (passesTo), and the
 * stream abandoned after a frame that says the position is lost.
 */
export function replay(
  requests: readonly EncodedRequest<unknown>[],
  pieces: readonly Uint8Array[],
): Outcome[] {
  const outcomes: Outcome[] = requests.map((request) =>
    request.reader === undefined ? { noReply: true } : { pending: true },
  );
  const waiting = requests
    .map((request, index) => ({ reader: request.reader, index }))
    .filter((entry) => entry.reader);
  const settle = (entry: (typeof waiting)[number]) => {
    try {
      outcomes[entry.index] = { value: entry.reader!.result() };
    } catch (error) {
      outcomes[entry.index] = { error: error as Error };
    }
  };
  let lost = false;
  const onFrame = (frame: Frame) => {
    if (lost) return;
    for (;;) {
      const head = waiting[0];
      if (head === undefined) throw new Error(`a frame nobody asked for: ${frame.kind}`);
      if (head.reader!.quiet === true && !passesTo(head.reader!, frame)) {
        settle(waiting.shift()!);
        continue;
      }
      if (head.reader!.push(frame)) settle(waiting.shift()!);
      break;
    }
    if (frame.kind === 'error' && frame.reset) lost = true;
  };
  const parser = new ResponseParser();
  for (const piece of pieces) parser.feed(piece, onFrame);
  // Quiet requests still waiting had their replies suppressed.
  while (waiting.length > 0 && waiting[0]!.reader!.quiet === true) settle(waiting.shift()!);
  return outcomes;
}

/** `bytes` cut at the given offsets (sorted, deduplicated). */
export function splitAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(offsets)]
    .filter((offset) => offset > 0 && offset < bytes.length)
    .sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    pieces.push(bytes.subarray(start, cut));
    start = cut;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

/** `bytes` one byte at a time. */
export function byteByByte(bytes: Uint8Array): Uint8Array[] {
  return Array.from({ length: bytes.length }, (_, index) => bytes.subarray(index, index + 1));
}

/** The bytes of encoded chunks, joined (strings as UTF-8). */
export function joinChunks(chunks: readonly (string | Uint8Array)[]): Buffer {
  return Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)));
}
