import { type MemcacheError, MemcacheProtocolError } from '../errors.js';
import type { Frame, ReplyReader } from '../types.js';
import { incompleteReply, unexpectedFrame } from './unexpected-frame.js';

/**
 * The most lines one stats reply may have. memcached's largest replies stay far below it:
 * `stats` ~100 lines, `stats slabs` and `stats items` ~20 per slab class (at most 63
 * classes), `stats cachedump` at most 2 MB of text, `stats conns` a few per connection.
 */
export const MAX_STATS_LINES = 262_144;

/** The most text (names and values) one stats reply may carry. */
export const MAX_STATS_BYTES = 32 * 1024 * 1024;

/**
 * Reads `STAT` lines up to `END` into a Map, in the server's order. Sub-commands that only
 * switch something (`stats reset`, `stats detail on`) answer `RESET` or `OK`: an empty Map.
 *
 * A reply longer than MAX_STATS_LINES lines or MAX_STATS_BYTES of text is not memcached
 * talking: `push` throws MemcacheProtocolError (the connection is then dropped) instead of
 * holding an endless stream until the deadline.
 */
export class StatsReader implements ReplyReader<Map<string, string>> {
  #stats = new Map<string, string>();
  #lines = 0;
  #bytes = 0;
  #error: MemcacheError | undefined = undefined;
  #complete = false;

  push(frame: Frame): boolean {
    if (frame.kind === 'stat') {
      this.#lines++;
      this.#bytes += frame.name.length + frame.value.length;
      if (this.#lines > MAX_STATS_LINES || this.#bytes > MAX_STATS_BYTES) {
        throw new MemcacheProtocolError(
          `memcached answered stats with more than ${MAX_STATS_LINES} lines or ${MAX_STATS_BYTES} bytes; that is not a stats reply`,
        );
      }
      this.#stats.set(frame.name, frame.value);
      return false;
    }
    this.#complete = true;
    if (frame.kind === 'end') return true;
    if (
      frame.kind === 'status' &&
      (frame.status === 'OK' || frame.status === 'RESET') &&
      this.#stats.size === 0
    ) {
      return true;
    }
    this.#error = frame.kind === 'error' ? frame.error : unexpectedFrame(frame, 'stats');
    return true;
  }

  result(): Map<string, string> {
    if (this.#error !== undefined) throw this.#error;
    if (!this.#complete) throw incompleteReply('stats');
    return this.#stats;
  }
}
