import { ResponseParser } from '../response-parser.js';
import type { EncodedRequest, Frame } from '../types.js';

/** What one request of a replayed exchange settled with. */
export type Outcome = { value: unknown } | { error: Error } | { noReply: true } | { pending: true };

/**
 * Feeds `pieces` through a fresh parser and hands the frames to the requests' readers the
 * way a transport does: oldest request first, quiet readers asked `accepts` first, and the
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
      if (head.reader!.accepts !== undefined && !head.reader!.accepts(frame)) {
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
  while (waiting.length > 0 && waiting[0]!.reader!.accepts !== undefined) settle(waiting.shift()!);
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
