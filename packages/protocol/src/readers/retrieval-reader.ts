import type { MemcacheError } from '../errors.js';
import type { Frame, Key, ReplyReader } from '../types.js';
import { KeyMatcher } from './key-matcher.js';
import { incompleteReply, unexpectedFrame } from './unexpected-frame.js';

/** One hit of a get/gets/gat/gats reply. Byte fields may be views into the parser's input. */
export interface RetrievedValue {
  key: Uint8Array;
  flags: number;
  /** Present for gets and gats. */
  cas: bigint | undefined;
  value: Uint8Array;
  /**
   * Where the hit's key stands in the keys the request asked for, so a caller can pair hits
   * with its own keys without comparing bytes again.
   */
  index: number;
}

/**
 * Reads `VALUE` blocks up to `END`. An error line ends the reply without `END`, and the
 * server has then dropped the earlier hits, so they are dropped here too.
 *
 * Every `VALUE` must name a key this request asked for, at most once per time asked
 * (KeyMatcher): anything else throws MemcacheProtocolError from `push`, so one reply holds
 * at most as many blocks as keys were asked for, each at most the parser's `maxValueBytes`,
 * however long the server goes on.
 */
export class RetrievalReader implements ReplyReader<RetrievedValue[]> {
  readonly #command: string;
  readonly #keys: KeyMatcher;
  #values: RetrievedValue[] = [];
  #error: MemcacheError | undefined = undefined;
  #complete = false;

  constructor(command: string, keys: readonly Key[]) {
    this.#command = command;
    this.#keys = new KeyMatcher(command, keys);
  }

  push(frame: Frame): boolean {
    if (frame.kind === 'value') {
      const index = this.#keys.indexOf(frame);
      const hit = { key: frame.key, flags: frame.flags, cas: frame.cas, value: frame.data, index };
      this.#values.push(hit);
      return false;
    }
    this.#complete = true;
    if (frame.kind === 'end') return true;
    this.#values = [];
    this.#error = frame.kind === 'error' ? frame.error : unexpectedFrame(frame, this.#command);
    return true;
  }

  result(): RetrievedValue[] {
    if (this.#error !== undefined) throw this.#error;
    if (!this.#complete) throw incompleteReply(this.#command);
    return this.#values;
  }
}
