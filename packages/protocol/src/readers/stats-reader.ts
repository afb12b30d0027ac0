import type { MemcacheError } from '../errors.js';
import type { Frame, ReplyReader } from '../types.js';
import { incompleteReply, unexpectedFrame } from './unexpected-frame.js';

/**
 * Reads `STAT` lines up to `END` into a Map, in the server's order. Sub-commands that only
 * switch something (`stats reset`, `stats detail on`) answer `RESET` or `OK`: an empty Map.
 */
export class StatsReader implements ReplyReader<Map<string, string>> {
  #stats = new Map<string, string>();
  #error: MemcacheError | undefined = undefined;
  #complete = false;

  push(frame: Frame): boolean {
    if (frame.kind === 'stat') {
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
